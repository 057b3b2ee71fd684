#!/usr/bin/env bash
# The daemon's figures, through the release binary:
#   1. insert-to-arrival: a member inserted by another process (the sqlite3 CLI) until their welcome
#      reaches the SMTP server (Tests/smtp/server.py, aiosmtpd)               target <= 2 s
#   2. a planning turn with nothing changed, at 500,000 members (muster run --once-bench)
#                                                                              target <= 50 ms
#   3. idle CPU of `muster run` over 60 s, at 500,000 members (/proc/PID/stat utime+stime)
#                                                                              target <= 0.5 %
#   bench/daemon.sh [MEMBERS] [INSERTS]     (defaults 500000 and 10)
# Measured 2026-11-25 (2 shared cores, load ~7): insert-to-arrival median 184 ms, max 311 ms;
# idle turn at 500,000 members median 0.005 ms, max 0.105 ms (after own writes 0.27 ms); one
# changed member's pass 52 ms; whole-district pass 12.6 s (32,790 due, rendered and enqueued);
# idle CPU 0.10 % over 60 s, RSS 65 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}
INSERTS=${2:-10}
IDLE_SECONDS=${IDLE_SECONDS:-60}

swift build -c release --product muster >&2
BIN=$PWD/.build/release/muster
. bench/common.sh   # write_welcome_rule
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
now() { date +%s.%N; }

# --- the SMTP server -------------------------------------------------------------------------
mkdir -p "$TMP/smtp"
python3 Tests/smtp/server.py --dir "$TMP/smtp" > "$TMP/smtp.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^PORT' "$TMP/smtp.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/^PORT/ {print $2}' "$TMP/smtp.out")
received() { if [ -f "$TMP/smtp/log.jsonl" ]; then wc -l < "$TMP/smtp/log.jsonl"; else echo 0; fi; }

# --- 1. insert-to-arrival ----------------------------------------------------------------------
# A welcome rule whose step is due at once (after: 0d, no 'at'), no quiet hours.
D=$TMP/small
mkdir -p "$D/schedules" "$D/templates"
cat > "$D/muster.yaml" <<YAML
organisation: { name: Bench District, timezone: Europe/London }
database: muster.sqlite
mail:
  from: "Bench <bench@example.org>"
  transport: smtp://127.0.0.1:$PORT
  tls: none
  concurrency: 2
YAML
write_welcome_rule "$D"
"$BIN" --config "$D/muster.yaml" init --demo --members 1000 >/dev/null
"$BIN" --config "$D/muster.yaml" run --log-level debug 2> "$D/run.log" &
DAEMON=$!; PIDS+=($DAEMON)
for _ in $(seq 200); do grep -q 'pass=everything reason=start' "$D/run.log" && break; sleep 0.05; done
sleep 2   # let the demo's own welcomes (members who joined this week) go out first
echo "insert-to-arrival (member inserted by sqlite3, welcome received by the SMTP server):"
latencies=()
for i in $(seq "$INSERTS"); do
  before=$(received)
  t0=$(now)
  sqlite3 "$D/muster.sqlite" "INSERT INTO members(membership_number, first_name, email, status, joined_on)
    VALUES ('BENCH$i', 'Bench', 'bench$i@example.org', 'active', date('now'));"
  while [ "$(received)" -le "$before" ]; do
    sleep 0.005
    if [ "$(echo "$(now) - $t0 > 10" | bc)" = 1 ]; then echo "  insert $i: no welcome within 10 s" >&2; exit 1; fi
  done
  t1=$(now)
  ms=$(echo "($t1 - $t0) * 1000" | bc)
  latencies+=("$ms")
  printf '  insert %2d  %7.1f ms\n' "$i" "$ms"
  sleep 0.$((RANDOM % 9 + 1))
done
printf '%s\n' "${latencies[@]}" | sort -n | awk '{a[NR]=$1} END {printf "  median %.1f ms, max %.1f ms over %d inserts (target <= 2000 ms)\n", a[int((NR+1)/2)], a[NR], NR}'
kill -TERM "$DAEMON"; wait "$DAEMON" || true

# --- 2. a planning turn with nothing changed, at N members -----------------------------------------
B=$TMP/big
mkdir -p "$B"
cat > "$B/muster.yaml" <<YAML
organisation: { name: Bench District, timezone: Europe/London }
database: muster.sqlite
schedules: $PWD/schedules/
templates: $PWD/templates/
mail:
  from: "Bench <bench@example.org>"
  transport: file:outbox/
YAML
T=2026-11-24T12:00:00Z
t0=$(now)
"$BIN" --config "$B/muster.yaml" init --demo --members "$N" --now "$T" >/dev/null
printf '\ninit --demo --members %s: %.1f s\n' "$N" "$(echo "$(now) - $t0" | bc)"
echo "planning at $N members (muster run --once-bench --now $T):"
"$BIN" --config "$B/muster.yaml" run --once-bench --now "$T" 2> "$B/bench.log" | sed 's/^/  /'

# --- 3. idle CPU at N members ------------------------------------------------------------------------
"$BIN" --config "$B/muster.yaml" run --now "$T" 2> "$B/run.log" &
DAEMON=$!; PIDS+=($DAEMON)
# Wait until it is idle: whatever the first pass queued has been written out, the log is still.
last=-1
for _ in $(seq 600); do
  size=$(stat -c %s "$B/run.log")
  [ "$size" = "$last" ] && grep -q 'pass=everything' "$B/run.log" && break
  last=$size; sleep 2
done
ticks() { awk '{print $14 + $15}' "/proc/$DAEMON/stat"; }
HZ=$(getconf CLK_TCK)
c0=$(ticks); t0=$(now)
sleep "$IDLE_SECONDS"
c1=$(ticks); t1=$(now)
echo
echo "idle CPU of muster run at $N members over ${IDLE_SECONDS} s:"
echo "$c0 $c1 $t0 $t1 $HZ" | awk '{cpu = ($2 - $1) / $5; wall = $4 - $3; printf "  %.2f s of CPU in %.1f s: %.3f %% (target <= 0.5 %%)\n", cpu, wall, 100 * cpu / wall}'
printf '  resident memory: %s\n' "$(awk '/VmRSS/ {print $2, $3}' "/proc/$DAEMON/status")"
kill -TERM "$DAEMON"; wait "$DAEMON" || true
