#!/usr/bin/env bash
# SMTP throughput baselines on loopback, to set muster's own figures against.
#
#   bench/smtp-baselines.sh [COUNT]      (default 20000 messages of about 2 KB)
#
# Starts Postfix's smtp-sink on a free loopback port, then measures:
#   1. smtp-source -d on 1 connection and on 4 connections (Postfix's own load generator)
#   2. Python smtplib over one reused connection
#   3. muster's SMTPTransport alone (20,000 prebuilt messages, 1 and 4 connections), through the
#      test-only path MusterMailTests/SMTPBenchmark (debug build unless the lead adds a target)
#   4. muster tick end to end: see the marked place below (the lead fills it in)
# and prints messages/second for each. Installs Postfix if it is missing (Debian, non-interactive).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-20000}"

if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "postfix main.cf" | $SUDO debconf-set-selections 2>/dev/null || true
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
SINK="$(command -v smtp-sink)"; SOURCE="$(command -v smtp-source)"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
USER_OPT=(); [ "$(id -u)" -eq 0 ] && USER_OPT=(-u nobody)   # smtp-sink refuses to run as root
"$SINK" "${USER_OPT[@]}" 127.0.0.1:"$PORT" 256 &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done

rate() {  # rate COUNT SECONDS
  python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"
}
timed() {  # timed CMD... -> seconds
  local t0 t1; t0="$(date +%s.%N)"; "$@" >/dev/null; t1="$(date +%s.%N)"
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1"
}

echo "SMTP baselines: $COUNT messages of about 2 KB to smtp-sink on 127.0.0.1:$PORT"
for sessions in 1 4; do
  secs="$(timed "$SOURCE" -d -s "$sessions" -m "$COUNT" -l 2048 -f bench@example.org -t sink@example.org 127.0.0.1:"$PORT")"
  printf '%-46s %8s msg/s\n' "smtp-source -d, $sessions connection(s)" "$(rate "$COUNT" "$secs")"
done
printf '%-46s %8s msg/s\n' "python smtplib, 1 reused connection" "$(python3 bench/smtplib_loop.py 127.0.0.1 "$PORT" "$COUNT")"

# muster's SMTPTransport alone: prebuilt messages, no database. Runs only when asked, as a test.
if [ "${MUSTER_BENCH_TRANSPORT:-1}" = "1" ]; then
  swift build --build-tests >/dev/null
  MUSTER_BENCH_SMTP="127.0.0.1:$PORT" MUSTER_BENCH_COUNT="$COUNT" \
    swift test --skip-build --filter SMTPBenchmark 2>/dev/null | grep '^BENCH' | sed 's/^BENCH //' |
    while IFS='|' read -r label value; do printf '%-46s %8s msg/s\n' "$label" "$value"; done
fi

# ---------------------------------------------------------------------------------------------
# LEAD: muster tick end to end (plan, enqueue, render, deliver, record) goes here, e.g.
#   build a demo district with $COUNT due messages, point MUSTER_TRANSPORT at
#   smtp://127.0.0.1:$PORT with tls: none, time `muster tick`, and print:
#   printf '%-46s %8s msg/s\n' "muster tick end to end, N connection(s)" "$(rate "$COUNT" "$secs")"
# ---------------------------------------------------------------------------------------------
