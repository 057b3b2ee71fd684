#!/usr/bin/env bash
# End-to-end delivery on loopback: `muster tick` (plan, render, enqueue, send, record) of COUNT due
# messages to Postfix's smtp-sink, side by side in the same run, against the same sink, with
# Postfix's own smtp-source -d and two Python smtplib loops over one reused connection: one that
# sends the same prebuilt bytes every time (the fastest smtplib can go), and the script a volunteer
# would write (bench/smtplib_volunteer.py: each member's message built with EmailMessage, then
# send_message); and bench/smtp_pipelined.py, prebuilt bytes pipelined as muster sends them with one
# message in flight (the crash bound muster keeps): what one connection can reach with nothing
# rendered or recorded.
#
#   bench/delivery.sh [COUNT]          (default 20000)
#
#   MUSTER_BENCH_TICK=0        baselines only (what bench/smtp-baselines.sh runs)
#   MUSTER_BIN=PATH            time this muster binary instead of building .build/release/muster
#                              (for a before/after comparison against another commit's build)
#   MUSTER_BENCH_TRANSPORT=1   also SMTPTransport alone, prebuilt messages, via the debug test
#                              MusterMailTests/SMTPBenchmark
#   MUSTER_BEFORE=PATH         before/after in one run: after the table, ROUNDS rounds alternating
#                              this binary (before) and the one timed above (after), each round
#                              beside smtp-source on the same sink, medians printed
#                              (a busy machine moves every figure; alternating keeps them comparable)
#   MUSTER_BENCH_ROUNDS=N      rounds for MUSTER_BEFORE (default 3)
#
# muster's district: the demo district of COUNT members (init --demo, release build), every member
# made active and mailable, its events replaced by one district-wide meeting whose day-before
# reminder (with its calendar invite) is due at T; one schedule, no quiet hours, no rate limit.
# Each run starts from a fresh copy of that database. Goals: 1 connection >= 0.8x smtp-source on
# 1; 4 connections >= 4,000/s; 1 connection >= 3x smtplib (both loops reported). Installs Postfix if it is missing
# (Debian, non-interactive).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
. bench/common.sh   # the meeting district
COUNT="${1:-20000}"
T="2030-12-10T17:00:00Z"            # the day before the meeting, 17:00 London (GMT)
STARTS="2030-12-11T18:30:00Z"

if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
SINK="$(command -v smtp-sink)"; SOURCE="$(command -v smtp-source)"

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
USER_OPT=(); [ "$(id -u)" -eq 0 ] && USER_OPT=(-u nobody)   # smtp-sink refuses to run as root
"$SINK" "${USER_OPT[@]}" 127.0.0.1:"$PORT" 256 &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done

rate() {  # rate COUNT SECONDS -> messages/second
  python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"
}
timed() {  # timed CMD... -> seconds of wall time (the command's output goes to $WORK/out)
  local t0 t1; t0="$(date +%s.%N)"; "$@" >"$WORK/out"; t1="$(date +%s.%N)"
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1"
}
row() { printf '%-50s %8s msg/s\n' "$1" "$2"; }
ratio() {  # ratio LABEL A B GOAL -> "LABEL: A/B = r (goal >= GOAL: met|MISSED)"
  python3 -c "import sys; l,a,b,g=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); r=a/b
print(f'{l:<50} {r:8.2f}x  (goal >= {g:g}x: {\"met\" if r >= g else \"MISSED\"})')" "$@"
}

# --- muster's district, prepared before anything is timed ------------------------------------
SIZE=2048
if [ "${MUSTER_BENCH_TICK:-1}" = "1" ]; then
  if [ -n "${MUSTER_BIN:-}" ]; then
    MUSTER="$MUSTER_BIN"
  else
    swift build -c release --product muster 2>&1 | grep -E "error" || true
    MUSTER="$REPO/.build/release/muster"
  fi
  write_config() { write_meeting_config "$WORK/district" "$PORT" "$1"; }  # write_config CONCURRENCY
  write_config 1
  make_meeting_district "$WORK/district" "$MUSTER" "$COUNT" "$T" "$STARTS"
  cp "$WORK/district/muster.sqlite" "$WORK/prepared.sqlite"
fi

run_tick() {  # run_tick CONCURRENCY -> seconds; checks that COUNT were sent
  rm -f "$WORK/district/muster.sqlite"*; cp "$WORK/prepared.sqlite" "$WORK/district/muster.sqlite"
  write_config "$1"
  local secs; secs="$(cd "$WORK/district" && timed /usr/bin/time -f "%U %S" -o "$WORK/cpu-$1" "$MUSTER" tick --now "$T" 2>"$WORK/tick-$1.log")"
  if ! grep -q "delivered  $COUNT sent, 0 deferred, 0 failed" "$WORK/out"; then
    echo "muster tick did not send all $COUNT:" >&2; cat "$WORK/out" >&2; exit 1
  fi
  echo "$secs"
}

split_tick() {  # the two halves of a tick on one connection: plan+render+enqueue (server down), then deliver+record
  rm -f "$WORK/district/muster.sqlite"*; cp "$WORK/prepared.sqlite" "$WORK/district/muster.sqlite"
  write_config 1
  local dead; dead="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  local later; later="$(python3 -c 'import sys; print(sys.argv[1][:14] + "05:00Z")' "$T")"
  ENQ="$(cd "$WORK/district" && MUSTER_TRANSPORT="smtp://127.0.0.1:$dead" timed "$MUSTER" tick --now "$T" 2>/dev/null || true)"
  DEL="$(cd "$WORK/district" && timed "$MUSTER" tick --now "$later" 2>/dev/null)"
  grep -q "delivered  $COUNT sent" "$WORK/out" || { echo "split: the second tick did not send all $COUNT" >&2; cat "$WORK/out" >&2; }
}

if [ "${MUSTER_BENCH_TICK:-1}" = "1" ]; then
  echo "Delivery: $COUNT due messages to smtp-sink on 127.0.0.1:$PORT ($(nproc) cores)"
  TICK1="$(rate "$COUNT" "$(run_tick 1)")"
  # The size of muster's messages, so that smtp-source sends messages as big.
  SIZE="$(sqlite3 "$WORK/district/muster.sqlite" "SELECT CAST(avg(length(message)) AS INTEGER) FROM muster_outbox_messages")"
  TICK4="$(rate "$COUNT" "$(run_tick 4)")"
  echo "muster's messages: $SIZE bytes on average (meeting-tomorrow with a calendar invite)"
  echo "muster tick CPU time: $(cat "$WORK/cpu-1" | awk '{print $1 " s user, " $2 " s sys"}') on 1 connection; $(cat "$WORK/cpu-4" | awk '{print $1 " s user, " $2 " s sys"}') on 4"
else
  echo "SMTP baselines: $COUNT messages to smtp-sink on 127.0.0.1:$PORT ($(nproc) cores)"
fi

# --- the baselines, against the same sink ------------------------------------------------------
S1=""; S4=""
for sessions in 1 4; do
  secs="$(timed "$SOURCE" -d -s "$sessions" -m "$COUNT" -l "$SIZE" -f bench@example.org -t sink@example.org 127.0.0.1:"$PORT")"
  r="$(rate "$COUNT" "$secs")"; [ "$sessions" = 1 ] && S1="$r" || S4="$r"
  row "smtp-source -d, $sessions connection(s), $SIZE-byte messages" "$r"
done
PY="$(python3 bench/smtplib_loop.py 127.0.0.1 "$PORT" "$COUNT")"
row "python smtplib, 1 connection, prebuilt 2 KB bytes" "$PY"
PYV="$(python3 bench/smtplib_volunteer.py 127.0.0.1 "$PORT" "$COUNT")"
row "python smtplib, 1 connection, volunteer's script" "$PYV"
PIPE="$(python3 bench/smtp_pipelined.py 127.0.0.1 "$PORT" "$COUNT" "$SIZE")"
row "python, pipelined, 1 in flight (the wire's ceiling)" "$PIPE"

if [ "${MUSTER_BENCH_TICK:-1}" = "1" ]; then
  row "muster tick end to end, 1 connection" "$TICK1"
  row "muster tick end to end, 4 connections" "$TICK4"
  if [ "${MUSTER_BENCH_SPLIT:-1}" = "1" ]; then
    split_tick
    python3 -c "import sys; print(f'  of which plan, render, enqueue: {float(sys.argv[1]):.2f} s; deliver and record, 1 connection: {float(sys.argv[2]):.2f} s ({int(sys.argv[3]) / float(sys.argv[2]):.0f} msg/s)')" "$ENQ" "$DEL" "$COUNT"
  fi
  ratio "muster 1 connection / smtp-source 1" "$TICK1" "$S1" 0.8
  ratio "muster 4 connections / 4,000 msg/s" "$TICK4" 4000 1
  ratio "muster 1 connection / smtplib prebuilt bytes" "$TICK1" "$PY" 3
  ratio "muster 1 connection / smtplib volunteer's script" "$TICK1" "$PYV" 3
  python3 -c "import sys; print(f'{\"muster 4 connections / smtp-source 4 (no goal)\":<50} {float(sys.argv[1]) / float(sys.argv[2]):8.2f}x')" "$TICK4" "$S4"
fi

# --- muster's SMTPTransport alone: prebuilt messages, no database (debug test build) ------------
if [ "${MUSTER_BENCH_TRANSPORT:-0}" = "1" ]; then
  swift build --build-tests 2>&1 | grep -E "error" || true
  MUSTER_BENCH_SMTP="127.0.0.1:$PORT" MUSTER_BENCH_COUNT="$COUNT" \
    swift test --skip-build --filter SMTPBenchmark 2>/dev/null | grep '^BENCH' | sed 's/^BENCH //' |
    while IFS='|' read -r label value; do row "$label" "$value"; done
fi

# --- before and after in one run, alternating, beside smtp-source ------------------------------
if [ -n "${MUSTER_BEFORE:-}" ] && [ "${MUSTER_BENCH_TICK:-1}" = "1" ]; then
  AFTER="$MUSTER"; ROUNDS="${MUSTER_BENCH_ROUNDS:-3}"
  median() { python3 -c "import sys, statistics; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.0f}')" "$@"; }
  declare -A R
  for round in $(seq "$ROUNDS"); do
    for who in before after; do
      [ "$who" = before ] && MUSTER="$MUSTER_BEFORE" || MUSTER="$AFTER"
      R[$who-1]+=" $(rate "$COUNT" "$(run_tick 1)")"
      R[$who-4]+=" $(rate "$COUNT" "$(run_tick 4)")"
      split_tick; R[$who-del]+=" $(rate "$COUNT" "$DEL")"
    done
    for sessions in 1 4; do
      R[source-$sessions]+=" $(rate "$COUNT" "$(timed "$SOURCE" -d -s "$sessions" -m "$COUNT" -l "$SIZE" -f bench@example.org -t sink@example.org 127.0.0.1:"$PORT")")"
    done
  done
  echo
  echo "Before ($MUSTER_BEFORE) and after ($AFTER), $ROUNDS alternating rounds, medians (each round's figures in brackets):"
  for k in source-1 source-4 before-1 after-1 before-4 after-4 before-del after-del; do
    label="$k"
    case "$k" in
      source-1) label="smtp-source -d, 1 connection";; source-4) label="smtp-source -d, 4 connections";;
      before-1) label="before: tick end to end, 1 connection";; after-1) label="after: tick end to end, 1 connection";;
      before-4) label="before: tick end to end, 4 connections";; after-4) label="after: tick end to end, 4 connections";;
      before-del) label="before: deliver and record, 1 connection";; after-del) label="after: deliver and record, 1 connection";;
    esac
    # shellcheck disable=SC2086
    printf '%-50s %8s msg/s  [%s ]\n' "$label" "$(median ${R[$k]})" "${R[$k]}"
  done
  # shellcheck disable=SC2086
  for who in before after; do
    ratio "$who: 1 connection / smtp-source 1" "$(median ${R[$who-1]})" "$(median ${R[source-1]})" 2.0
    ratio "$who: 4 connections / smtp-source 4" "$(median ${R[$who-4]})" "$(median ${R[source-4]})" 0.4
  done
fi
