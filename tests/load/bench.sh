#!/usr/bin/env bash
# The whole benchmark on one machine (docs/performance.md):
#   1. builds Release (BUILD_DIR, default build-bench; set BENCH_NO_BUILD=1 to use
#      BENCH_BIN_DIR as it is);
#   2. starts a fresh `gadehold serve` on a temporary database on this filesystem;
#   3. provisions volunteers, leads and idle devices over the protocol;
#   4. closed loop: 1,000 connections with check-ins in flight, 50 leads watching,
#      and a coordinator connection that stops reading;
#   5. the SQLite limit probe, with the batch size the server's writer used in (4);
#   6. open loop at half the closed-loop rate;
#   7. idle: the server restarted, then as many connections as its open-file limit
#      allows, held for 60 s;
#   8. prints a table, writes bench-results.json, and ends with the RESULT line.
# --quick does the same with small numbers in well under 60 s (the ctest smoke run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
quick=0
out="$PWD/bench-results.json"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out="$2"; shift ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  volunteers=200; leads=10; idle=500; closed_s=3; open_s=3; hold_s=3; warmup=1; probe_s=1; fsyncs=200
else
  volunteers=1000; leads=50; idle=19500; closed_s=20; open_s=20; hold_s=60; warmup=3; probe_s=5; fsyncs=2000
fi

if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  bin="${BENCH_BIN_DIR:?set BENCH_BIN_DIR with BENCH_NO_BUILD=1}"
else
  build="${BUILD_DIR:-$root/build-bench}"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target gadehold gadehold-load gadehold-sqlite-probe >/dev/null
  bin="$build"
fi
gadehold="$bin/gadehold"
load="$bin/tests/load/gadehold-load"
probe="$bin/tests/load/gadehold-sqlite-probe"

# The database lives on the filesystem the server would use; /tmp here.
work="$(mktemp -d "${BENCH_TMP:-/tmp}/gadehold-bench.XXXXXX")"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

# The port is picked below the kernel's ephemeral range (32768-60999 here), so no
# outgoing socket or port-0 listener of a test running alongside can hold it. Another
# process may still have bound it; start_server then tries another.
ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
# The metrics listener (/metrics: the writer's batch sizes, the open connections) gets
# a port of its own the same way: the server serves /metrics nowhere else.
pick_port() {
  port=$(( 10000 + RANDOM % (ephemeral_low - 10000) ))
  metrics_port=$(( 10000 + RANDOM % (ephemeral_low - 10000) ))
  if [ "$metrics_port" = "$port" ]; then metrics_port=$(( port + 1 )); fi
}
pick_port
db="$work/bench.db"
code="$("$gadehold" init --db "$db" 2>/dev/null | tail -n 1)"

start_server() {
  # Rate limits are raised: the generator's devices check in far more often than a
  # phone would. Everything else is the default.
  local attempt
  for attempt in 1 2 3 4 5; do
    "$gadehold" serve --db "$db" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics_port" \
      --log-level warn \
      --rate-limit-per-s 100000 --rate-limit-burst 100000 >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
      sleep 0.1
      # A server that could not bind has exited by now; checking that first keeps a
      # stranger on the port from passing for ours.
      if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
      if /usr/bin/python3 -c "import urllib.request,sys; [urllib.request.urlopen(u, timeout=1) for u in sys.argv[1:]]" \
        "http://127.0.0.1:$port/healthz" "http://127.0.0.1:$metrics_port/metrics" >/dev/null 2>&1; then return 0; fi
    done
    if grep -q "Address already in use" "$work/server.log"; then
      wait "$server_pid" 2>/dev/null || true
      echo "bench.sh: port $port or $metrics_port is taken, trying others" >&2
      pick_port
      continue
    fi
    break
  done
  echo "bench.sh: the server did not start" >&2
  cat "$work/server.log" >&2
  exit 1
}
start_server
echo "== provisioning $volunteers volunteers, $leads leads, $idle idle devices"
"$load" provision --port "$port" --coordinator-invite "$code" --cache "$work/devices" \
  --volunteers "$volunteers" --leads "$leads" --idle "$idle"

echo "== closed loop: $volunteers connections, 4 check-ins in flight each, $leads leads, one reader that stops"
"$load" closed --port "$port" --metrics-port "$metrics_port" --cache "$work/devices" --connections "$volunteers" --leads "$leads" \
  --inflight 4 --warmup "$warmup" --duration "$closed_s" --slow-reader --json "$work/closed.json"
batch="$(/usr/bin/python3 -c 'import json,sys; print(max(1, round(json.load(open(sys.argv[1]))["mean_batch"])))' "$work/closed.json")"
peak="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["acked_per_s"])' "$work/closed.json")"

echo "== SQLite limit probe: batches of $batch (the writer's mean batch above)"
"$probe" --dir "$work" --batch "$batch" --seconds "$probe_s" --fsyncs "$fsyncs" --json "$work/probe.json" 2>/dev/null

half="$(/usr/bin/python3 -c "print(max(10.0, $peak / 2))")"
echo "== open loop: $half check-ins/s offered (half the closed-loop peak)"
"$load" open --port "$port" --metrics-port "$metrics_port" --cache "$work/devices" --connections "$volunteers" --leads "$leads" \
  --rate "$half" --warmup "$warmup" --duration "$open_s" --json "$work/open.json"

echo "== idle: restarting the server, then connections up to its open-file limit"
stop_server
start_server
# At rest first (its first watchdog tick has run), so that the RSS before the
# connections is the server's own.
sleep 2
limit="$(awk '/Max open files/ {print $4}' "/proc/$server_pid/limits")"
# The server needs a few descriptors of its own: the listener, the database files of
# the writer and readers, epoll, timers and the log.
want=$(( limit - 500 ))
[ "$want" -gt "$idle" ] && want="$idle"
"$load" idle --port "$port" --metrics-port "$metrics_port" --cache "$work/devices" --connections "$want" --duration "$hold_s" --procs 2 \
  --server-pid "$server_pid" --json "$work/idle.json"
stop_server

/usr/bin/python3 "$here/bench_report.py" --closed "$work/closed.json" --open "$work/open.json" \
  --probe "$work/probe.json" --idle "$work/idle.json" --out "$out" --quick "$quick" \
  $([ "$quick" = 1 ] && echo --check)
