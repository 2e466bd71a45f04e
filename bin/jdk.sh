# Sourced by bin/duplex, .ci/run and duplex-bench's scripts: pick_jdk N exports JAVA_HOME (and PATH)
# for the newest JDK >= N among $JAVA_HOME, /usr/lib/jvm/* and the javac on PATH (the machine's
# default java may be too old), and sets JDK_VERSION to its feature version.
pick_jdk() {
  local want=$1 d v best= bestv=0
  local candidates=(${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*)
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 \
          | awk -F'= ' '/java.specification.version/ {print $2; exit}')
    v=${v%%.*}
    [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ] && { best=$d; bestv=$v; }
  done
  if [ -z "$best" ]; then
    echo "needs a JDK $want or newer; set JAVA_HOME to one" >&2
    return 1
  fi
  export JAVA_HOME=$best PATH=$best/bin:$PATH JDK_VERSION=$bestv
  # Quiets Maven 3.8's sun.misc.Unsafe warnings on JDK 24+.
  if [ "$bestv" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  return 0
}
