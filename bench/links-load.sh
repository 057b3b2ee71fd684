#!/usr/bin/env bash
# bench/links-load.sh: how many RFC 8058 one-click unsubscribe POSTs a second the links listener takes.
#
# Target: >= 2,000 valid one-click POSTs a second, no errors, on 127.0.0.1 only.
#
# Until `muster run` serves the links, the listener runs inside the test binary: the test
# BenchServer.serveForBenchmark (Tests/MusterLinksTests/BenchServer.swift) is enabled only when
# MUSTER_LINKS_BENCH_DIR is set. It makes a fresh SQLite file with one queued newsletter message for each of
# MEMBERS members, writes one signed /u/{token} path per member to tokens.txt, serves on 127.0.0.1:PORT, and
# stops when the file `stop` appears. Each POST is a real one: it verifies the HMAC, inserts the suppression
# and suppresses the queued row, in one SQLite transaction (WAL, the Store's settings).
#
#   bench/links-load.sh                 # debug build (what `swift build` already made)
#   BENCH_CONFIG=release bench/links-load.sh   # release build (slow to build the first time: ~4 min, 1 GiB)
#
# The load is bounded: wrk -t2 -c32 -d10s (override with THREADS, CONNECTIONS, DURATION), loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=${BENCH_CONFIG:-debug}
PORT=${PORT:-18025}
MEMBERS=${MEMBERS:-50000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}

if ! command -v wrk >/dev/null; then
    echo "links-load: installing wrk" >&2
    apt-get install -y wrk >/dev/null
fi

# A release test binary needs -enable-testing: the test targets use @testable imports.
FLAGS=(-c "$CONFIG")
if [ "$CONFIG" = release ]; then FLAGS+=(-Xswiftc -enable-testing); fi
echo "links-load: building ($CONFIG)" >&2
swift build "${FLAGS[@]}" --build-tests 2>&1 | grep -E "error|Compiling|Build complete" | tail -3 >&2

work=$(mktemp -d /tmp/muster-links-bench.XXXXXX)
MUSTER_LINKS_BENCH_DIR="$work" MUSTER_LINKS_BENCH_PORT="$PORT" MUSTER_LINKS_BENCH_MEMBERS="$MEMBERS" \
    swift test "${FLAGS[@]}" --skip-build --filter 'BenchServer/serveForBenchmark' >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    touch "$work/stop"
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
    if [ -s "$work/tokens.txt" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then echo "links-load: the server stopped:" >&2; cat "$work/server.log" >&2; exit 1; fi
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "links-load: the listener never answered /healthz" >&2; exit 1; }

cat >"$work/post.lua" <<'LUA'
-- One-click POSTs, each thread walking its own share of the pre-signed paths.
local paths = {}
for line in io.lines(os.getenv("TOKENS")) do paths[#paths + 1] = line end
local threads, counter = {}, 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
local body = "List-Unsubscribe=One-Click"
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
function init(args)
  i = (id or 0) * math.floor(#paths / tonumber(os.getenv("THREADS")))
end
function request()
  i = i % #paths + 1
  return wrk.format("POST", paths[i], headers, body)
end
LUA

echo "links-load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $MEMBERS pre-signed one-click URLs" >&2
TOKENS="$work/tokens.txt" THREADS="$THREADS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/post.lua" \
    "http://127.0.0.1:$PORT" | tee "$work/wrk.txt"

rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk.txt")
sockerr=$(awk '/Socket errors:/ {print $0}' "$work/wrk.txt")
unsubscribed=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from muster_suppressions where kind='unsubscribed'\").fetchone()[0], c.execute(\"select count(*) from muster_outbox where state='suppressed'\").fetchone()[0])" "$work/bench.sqlite")
echo "links-load: config=$CONFIG requests/sec=$rps non-2xx=${non2xx:-0} ${sockerr:-socket errors: none}" >&2
echo "links-load: database: unsubscribed members, suppressed messages = $unsubscribed" >&2
if [ -n "${non2xx:-}" ] || [ -n "${sockerr:-}" ]; then exit 1; fi
awk -v r="$rps" 'BEGIN { exit !(r >= 2000) }' || { echo "links-load: below the 2,000/s target" >&2; exit 1; }
