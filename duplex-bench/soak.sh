#!/usr/bin/env bash
# The soak: `duplex echo` and `duplex chat`, each in its own process, 1,000 clients against each for
# 5 minutes (by default) at a steady rate, a share of them dropping their TCP connection abruptly
# (a reset, no close frame) and reconnecting. Reports messages sent, received and lost on the
# connections that stayed up (must be 0), the servers' heap, direct memory, descriptors and threads
# before and after (read over JMX by attaching to the pid; must return to baseline), and the p99
# latency per minute. The last line is `soak: N clients, M messages, lost L, ...`. Exit status 0
# when all of that holds. Not part of CI (its 30-second form is SoakTest).
#
#   duplex-bench/soak.sh                                  # 5 minutes, 1,000 clients per app
#   duplex-bench/soak.sh --duration 30                    # any duration, in seconds
#   duplex-bench/soak.sh --clients 500 --rate 2 --drop-share 0.2 --drop-every 5 --apps echo
#
# Options: --duration SECONDS (300), --clients N per app (1000), --rate MESSAGES/S per client (1),
# --drop-share F (0.1), --drop-every SECONDS (10, on average, per dropping client), --room-size K
# (10 chat members per room), --apps echo,chat, --server-cmd "COMMAND" (the app's name and
# --port 0 are appended), --logs DIR. Environment: NO_BUILD=1 skips the Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_jdk() {
  local want=$1 d v best= bestv=0
  for d in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 \
          | awk -F'= ' '/java.specification.version/ {print $2; exit}')
    v=${v%%.*}
    [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ] && { best=$d; bestv=$v; }
  done
  [ -n "$best" ] || { echo "no JDK >= $want found (set JAVA_HOME)" >&2; return 1; }
  export JAVA_HOME=$best PATH=$best/bin:$PATH
}
pick_jdk 21

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

if [ "${NO_BUILD:-}" != 1 ]; then
  mvn -B -ntp -q -pl duplex-app,duplex-bench -am package -DskipTests
fi

# 1,000 clients per app: the generator holds 2,000 sockets, each server 1,000.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec "$JAVA_HOME/bin/java" -Xmx1g -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.load.SoakMain \
  --server-cmd "$JAVA_HOME/bin/java -Xmx512m -jar duplex-app/target/duplex.jar" "$@"
