#!/usr/bin/env bash
# The rooms benchmark (issue 18): chat with its log in memory (1 node) and on Redis Streams (1 and
# 3 nodes on one redis-server, appendonly yes): fan-out deliveries/s and latency, and a reconnect
# storm (every member drops and resumes with since at once). Needs redis-server. Not part of
# `mvn verify`; a few minutes on 2 cores at the defaults.
#
#   duplex-bench/rooms.sh                                   # defaults, prints the table
#   duplex-bench/rooms.sh --write                           # and writes it into docs/performance.md
#   duplex-bench/rooms.sh --members 30 --rate 50 --seconds 2 --storm 50   # a quick smoke run
#
# Environment: NO_BUILD=1 skips the Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh
pick_jdk 21
if [ "${NO_BUILD:-}" != 1 ]; then
  mvn -B -ntp -q -pl duplex-app,duplex-bench -am package -DskipTests -Dautobahn.run=false
fi
exec java -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.rooms.RoomsBenchmark "$@"
