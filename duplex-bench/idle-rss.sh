#!/usr/bin/env bash
# (e) with the shipped defaults: `bin/duplex echo` (the launcher: the JVM's default heap, its native-heap
# trim) and `java -jar duplex-app/target/duplex.jar echo` (no flags at all) against the Netty epoll bench
# server started like the latter, fresh processes alternating, ROUNDS each (default 2). Each round: WARMUP (default 10,000) connections opened
# and held (cold: RSS growth per connection of a fresh process, one-off costs included), closed, then N
# (default 10,000) opened and held (marginal: what one more idle connection costs). Needs python3, the two
# jars built (mvn -B -DskipTests package) and > N + 100 descriptors. About 2.5 minutes per round.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh
pick_jdk 21
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
N=${N:-10000} WARMUP=${WARMUP:-10000} ROUNDS=${ROUNDS:-2} PORT=${PORT:-18080}

one() { # label, command...
  local label=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
  done
  sleep 1
  read -r _ marginal cold < <(python3 duplex-bench/idle-rss.py "$PORT" "$pid" "$N" "$WARMUP" | grep '^RESULT')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-12s %6s B/conn marginal  %6s B/conn cold\n' "$label" "$marginal" "$cold"
}
export SETTLE=${SETTLE:-12}   # > bin/duplex's trim interval (10 s), the same wait for every row
for r in $(seq "$ROUNDS"); do
  one duplex bin/duplex echo --port "$PORT"
  one duplex-jar "$JAVA_HOME/bin/java" -jar duplex-app/target/duplex.jar echo --port "$PORT"
  one netty-epoll "$JAVA_HOME/bin/java" -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.peers.NettyServer \
      --transport epoll --port "$PORT"
done
