#!/usr/bin/env bash
# bench/console-load.sh: the console's Today page under load while `muster run` delivers COUNT messages.
#
#   bench/console-load.sh [COUNT]        (default 20000)
#
#   MUSTER_BIN=PATH   time this binary (default: builds .build/release/muster)
#   THREADS=2 CONNECTIONS=4 DURATION=10s   wrk's load (bounded, 127.0.0.1 only)
#
# The daemon is the real one: `muster run --now T` with its console on 127.0.0.1 and mail going to
# Postfix's smtp-sink, on the district bench/delivery.sh builds (the demo district of COUNT members,
# all active and mailable, one district-wide meeting whose day-before reminder with its calendar
# invite falls due at T; one schedule, no quiet hours, no rate limit, 1 SMTP connection). The meeting
# row is held back until the daemon is up and the organiser signed in; inserting it (as an outside
# program would) makes the daemon plan, render, enqueue and deliver all COUNT at once. Delivery time
# is from that insert until the outbox says COUNT sent (polled every 0.1 s).
#
# Three runs, each on a fresh copy of the database:
#   1. delivery alone: no page load;
#   2. the page alone: wrk against /today for DURATION on the daemon of run 1 once all is sent;
#   3. both: wrk against /today with a signed-in cookie, started just before the insert.
# Printed: page latency (median, p99, requests/s) with and without delivery, and delivery throughput
# with and without the page load, and how much of the delivery wrk's window covered.
# Installs Postfix (smtp-sink) and wrk with apt if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
. bench/common.sh   # the meeting district
COUNT="${1:-20000}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-4}"
DURATION="${DURATION:-10s}"
T="2030-12-10T17:00:00Z"            # the day before the meeting, 17:00 London (GMT)
STARTS="2030-12-11T18:30:00Z"
PASSWORD="console bench password"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v smtp-sink >/dev/null; then
  echo "console-load: installing postfix (for smtp-sink)" >&2
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
if ! command -v wrk >/dev/null; then
  echo "console-load: installing wrk" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

if [ -n "${MUSTER_BIN:-}" ]; then
  MUSTER="$MUSTER_BIN"
else
  echo "console-load: building (release)" >&2
  swift build -c release --product muster 2>&1 | grep -E "error" || true
  MUSTER="$REPO/.build/release/muster"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_s() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

WORK="$(mktemp -d /tmp/muster-console-bench.XXXXXX)"
SMTP_PORT="$(free_port)"; CONSOLE_PORT="$(free_port)"
USER_OPT=(); [ "$(id -u)" -eq 0 ] && USER_OPT=(-u nobody)   # smtp-sink refuses to run as root
smtp-sink "${USER_OPT[@]}" 127.0.0.1:"$SMTP_PORT" 256 &
SINK_PID=$!
DAEMON_PID=""; WRK_PID=""
cleanup() {
  [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
  if [ -n "$DAEMON_PID" ]; then kill -TERM "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  kill "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$SMTP_PORT") 2>/dev/null && break; sleep 0.1; done

# --- the district, prepared before anything is timed -------------------------------------------
D="$WORK/district"
write_meeting_config "$D" "$SMTP_PORT" 1 "console:
  listen: 127.0.0.1:$CONSOLE_PORT
  password_hash_env: MUSTER_CONSOLE_PASSWORD_HASH
  insecure_http_on_loopback: true"
echo "console-load: preparing a district of $COUNT members" >&2
make_meeting_district "$D" "$MUSTER" "$COUNT" "$T"   # the meeting is inserted when the daemon is up
cp "$D/muster.sqlite" "$WORK/prepared.sqlite"
MEMBERS="$(sqlite3 "$D/muster.sqlite" "SELECT count(*) FROM members")"
[ "$MEMBERS" = "$COUNT" ] || { echo "console-load: the demo district has $MEMBERS members, not $COUNT" >&2; exit 1; }
MEETING="$(meeting_sql "$STARTS")"
MUSTER_CONSOLE_PASSWORD_HASH="$(printf '%s\n' "$PASSWORD" | "$MUSTER" console-password)"
export MUSTER_CONSOLE_PASSWORD_HASH
BASE="http://127.0.0.1:$CONSOLE_PORT"

start_daemon() {  # start_daemon LOG: a fresh copy of the database, `muster run --now T`, until /healthz answers
  rm -f "$D/muster.sqlite"*; cp "$WORK/prepared.sqlite" "$D/muster.sqlite"
  (cd "$D" && exec "$MUSTER" --log-level warning run --now "$T") 2>"$1" &
  DAEMON_PID=$!
  for _ in $(seq 300); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || { echo "console-load: muster run stopped:" >&2; cat "$1" >&2; exit 1; }
    sleep 0.1
  done
  echo "console-load: the console never answered /healthz" >&2; cat "$1" >&2; exit 1
}
stop_daemon() {
  kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || { echo "console-load: muster run exited $?" >&2; exit 1; }
  DAEMON_PID=""
}
sign_in() {  # prints the session cookie's value; checks that /today answers with it
  local cookie
  cookie="$(curl -s -D - -o /dev/null --data-urlencode "password=$PASSWORD" "$BASE/sign-in" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: muster_console=\([^;]*\).*/\1/p')"
  [ -n "$cookie" ] || { echo "console-load: sign-in gave no cookie" >&2; exit 1; }
  curl -sf -b "muster_console=$cookie" "$BASE/today" | grep -q "Due to go out" ||
    { echo "console-load: /today did not answer with the forecast for the signed-in cookie" >&2; exit 1; }
  echo "$cookie"
}
sent() { sqlite3 -cmd ".timeout 5000" "$D/muster.sqlite" "SELECT count(*) FROM muster_outbox WHERE state = 'sent'"; }
deliver() {  # inserts the meeting and waits until COUNT are sent; sets T0 and T1
  sqlite3 -cmd ".timeout 30000" "$D/muster.sqlite" "$MEETING"
  T0="$(now_s)"
  local deadline=$(( $(date +%s) + 1800 ))
  until [ "$(sent)" = "$COUNT" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "console-load: $(sent) of $COUNT sent after 30 minutes" >&2; exit 1; }
    kill -0 "$DAEMON_PID" 2>/dev/null || { echo "console-load: muster run stopped" >&2; exit 1; }
    sleep 0.1
  done
  T1="$(now_s)"
  local others; others="$(sqlite3 "$D/muster.sqlite" "SELECT count(*) FROM muster_outbox WHERE state != 'sent'")"
  [ "$others" = 0 ] || { echo "console-load: $others messages not sent" >&2; exit 1; }
}
load() {  # load COOKIE OUT: wrk against /today in the background; sets WRK_PID, W0
  W0="$(now_s)"
  { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 60s --latency -H "Cookie: muster_console=$1" "$BASE/today" >"$2"
    now_s >"$2.end"; } &
  WRK_PID=$!
}
finish_load() {  # finish_load OUT: waits for wrk, checks every answer was a 200; sets W1 (when wrk ended)
  wait "$WRK_PID"; WRK_PID=""; W1="$(cat "$1.end")"
  if grep -q "Non-2xx or 3xx responses" "$1"; then echo "console-load: wrk saw refusals:" >&2; cat "$1" >&2; exit 1; fi
  if grep -q "Socket errors" "$1"; then echo "console-load: wrk saw socket errors:" >&2; grep "Socket errors" "$1" >&2; fi
}
percentile() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }

echo "console-load: $COUNT messages to smtp-sink on 127.0.0.1:$SMTP_PORT, console on 127.0.0.1:$CONSOLE_PORT ($(nproc) cores, $("$MUSTER" --version 2>/dev/null || echo muster))" >&2

# 1. delivery alone, then 2. the page alone on the same daemon once everything is sent
start_daemon "$WORK/run1.log"
COOKIE="$(sign_in)"
deliver
QUIET_SECS="$(seconds "$T0" "$T1")"
load "$COOKIE" "$WORK/wrk-idle.txt"; finish_load "$WORK/wrk-idle.txt"
stop_daemon

# 3. both at once
start_daemon "$WORK/run3.log"
COOKIE="$(sign_in)"
load "$COOKIE" "$WORK/wrk-load.txt"
sleep 0.5
deliver
LOADED_SECS="$(seconds "$T0" "$T1")"
finish_load "$WORK/wrk-load.txt"
stop_daemon
COVER="$(python3 -c "import sys; w0,w1,t0,t1=map(float,sys.argv[1:]); print(f'{max(0.0, min(w1,t1) - max(w0,t0)):.1f} s of the {t1 - t0:.1f} s delivery')" "$W0" "$W1" "$T0" "$T1")"

echo
echo "Console /today under wrk -t$THREADS -c$CONNECTIONS -d$DURATION (signed in, 127.0.0.1), $COUNT members:"
printf '%-44s %10s %10s %8s %10s\n' "" "median" "p99" "requests" "req/s"
printf '%-44s %10s %10s %8s %10s\n' "page alone (after delivery)" "$(percentile "$WORK/wrk-idle.txt" 50%)" \
  "$(percentile "$WORK/wrk-idle.txt" 99%)" "$(requests "$WORK/wrk-idle.txt")" "$(rps "$WORK/wrk-idle.txt")"
printf '%-44s %10s %10s %8s %10s\n' "page while muster run delivers" "$(percentile "$WORK/wrk-load.txt" 50%)" \
  "$(percentile "$WORK/wrk-load.txt" 99%)" "$(requests "$WORK/wrk-load.txt")" "$(rps "$WORK/wrk-load.txt")"
echo "  (wrk's window covered $COVER)"
echo
echo "Delivery of $COUNT (plan, render, enqueue, send, record; 1 SMTP connection), from the insert to all sent:"
printf '%-44s %8s s %8s msg/s\n' "without page load" "$QUIET_SECS" "$(rate "$COUNT" "$QUIET_SECS")"
printf '%-44s %8s s %8s msg/s\n' "with wrk on /today" "$LOADED_SECS" "$(rate "$COUNT" "$LOADED_SECS")"
