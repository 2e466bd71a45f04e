#!/usr/bin/env bash
# The load benchmark: builds the benchmarks jar, starts every server in its own process, runs
# workloads a-m against each (workload by workload, servers alternating, 3 rounds), and writes the load-benchmark
# section of docs/performance.md. About 16 minutes on 2 cores (3 s first warm-up, 0.75 s between workloads, 1.5 s
# measured): a-f about 9.5, issue 21's races g-m (wss, handshakes/s, the client race) about 6.5. Not part of `mvn verify`.
#
#   duplex-bench/run.sh                          # the published run
#   duplex-bench/run.sh --workloads g,h,i,j,k,l,m   # only issue 21's races
#   duplex-bench/run.sh --rounds 1 --measure 1 --no-write --servers netty-nio,tcp-echo
#   duplex-bench/run.sh --help                   # all options
#
# Environment: NO_BUILD=1 skips the Maven build; NO_PIN=1 lets servers and generator share CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."

source bin/jdk.sh
pick_jdk 21

if [ "${NO_BUILD:-}" != 1 ]; then
  mvn -B -ntp -q -pl duplex-bench -am package -DskipTests
fi
if [ ! -d conformance/node/node_modules/ws ]; then
  (cd conformance/node && npm ci --silent --no-audit --no-fund)
fi

# 10,000 idle connections need that many descriptors in the generator and in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: ulimit -n is $(ulimit -n); the idle workload needs > 10,000 (use --idle-connections)" >&2
fi

# Servers on CPU 0, the generator on CPU 1, so neither steals the other's core.
pin=()
cpus=$(nproc --all)
if [ "${NO_PIN:-}" != 1 ] && command -v taskset >/dev/null && [ "$cpus" -ge 2 ]; then
  server_cpu=0
  if [ "$cpus" -ge 4 ]; then server_cpu="0-$((cpus / 2 - 1))"; gen_cpu="$((cpus / 2))-$((cpus - 1))"; else gen_cpu=1; fi
  pin=(taskset -c "$gen_cpu")
  set -- --server-cpu "$server_cpu" --generator-cpu "$gen_cpu" "$@"
fi

version="$(git describe --always --dirty 2>/dev/null || echo unknown)"
exec "${pin[@]}" "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:+UseG1GC \
  -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.load.Suite \
  --duplex-version "$version" --command "duplex-bench/run.sh" "$@"
