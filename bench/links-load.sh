#!/usr/bin/env bash
# bench/links-load.sh: how many RFC 8058 one-click unsubscribe POSTs a second the links listener takes.
#
# Target: >= 2,000 valid one-click POSTs a second, no errors, on 127.0.0.1 only.
#
# The listener is the real one: `muster run` (release build) on a district of MEMBERS members who each
# got a welcome message through the file transport; the one-click URLs are read from those messages'
# List-Unsubscribe headers. Each POST verifies the HMAC and records the unsubscribe in SQLite (WAL).
#
#   bench/links-load.sh
#
# The load is bounded: wrk -t2 -c32 -d10s (override with THREADS, CONNECTIONS, DURATION), loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18025}
MEMBERS=${MEMBERS:-20000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}

if ! command -v wrk >/dev/null; then
    echo "links-load: installing wrk" >&2
    apt-get install -y wrk >/dev/null
fi

. bench/common.sh
echo "links-load: building (release)" >&2
build_release

work=$(mktemp -d /tmp/muster-links-bench.XXXXXX)
export MUSTER_LINK_SECRET="bench-secret-bench-secret-bench-secret-bench-secret"
mkdir -p "$work/schedules"
cat >"$work/schedules/welcome.yaml" <<YAML
kind: sequence
anchor: joined_on
topic: welcome
steps:
  - { after: 0d, template: welcome-1 }
YAML
write_config "$work" "schedules: $work/schedules
templates: $PWD/templates
links:
  base_url: http://127.0.0.1:$PORT
  listen: 127.0.0.1:$PORT"
"$BIN" --config "$work/muster.yaml" init >/dev/null
sqlite3 "$work/muster.sqlite" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MEMBERS)
  INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
  SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 'active', '2026-11-23' FROM n;"
echo "links-load: delivering $MEMBERS welcomes to $work/outbox" >&2
"$BIN" --config "$work/muster.yaml" --log-level warning tick --now 2026-11-23T09:00:00Z >/dev/null
grep -rh '^List-Unsubscribe: <' "$work/outbox" | sed -E 's#^List-Unsubscribe: <https?://[^/]+(/[^>]*)>.*#\1#' | tr -d '\r' >"$work/tokens.txt"
echo "links-load: $(wc -l <"$work/tokens.txt") one-click URLs" >&2

"$BIN" --config "$work/muster.yaml" --log-level warning run >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then echo "links-load: muster run stopped:" >&2; cat "$work/server.log" >&2; exit 1; fi
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
unsubscribed=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from muster_suppressions where kind='unsubscribed'\").fetchone()[0], c.execute(\"select count(*) from muster_outbox where state='suppressed'\").fetchone()[0])" "$work/muster.sqlite")
echo "links-load: requests/sec=$rps non-2xx=${non2xx:-0} ${sockerr:-socket errors: none}" >&2
echo "links-load: database: unsubscribed members, suppressed messages = $unsubscribed" >&2
if [ -n "${non2xx:-}" ] || [ -n "${sockerr:-}" ]; then exit 1; fi
awk -v r="$rps" 'BEGIN { exit !(r >= 2000) }' || { echo "links-load: below the 2,000/s target" >&2; exit 1; }
