#!/usr/bin/env bash
# CPU a message of `muster tick`: the district of bench/delivery.sh (COUNT due meeting reminders with
# their calendar invite, one connection to smtp-sink on loopback), ticked by each binary in turn,
# ROUNDS times alternating, from a fresh copy of the database each time. Prints each binary's median
# user+sys CPU seconds and microseconds a message. CPU time moves less than wall time on a busy
# machine, so it compares binaries where throughput figures cannot.
#
#   bench/tick-cpu.sh BINARY... [-- COUNT]         (default COUNT 20000)
#
#   MUSTER_BENCH_ROUNDS=N   rounds (default 3)
#   MUSTER_PERF=1           also `perf record -g` one tick of the last binary (perf.data in $PWD)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
. "$REPO/bench/common.sh"   # the meeting district
BINS=(); COUNT=20000
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then COUNT="${2:-20000}"; break; fi
  BINS+=("$(realpath "$1")"); shift
done
[ "${#BINS[@]}" -gt 0 ] || { echo "usage: bench/tick-cpu.sh BINARY... [-- COUNT]" >&2; exit 2; }
ROUNDS="${MUSTER_BENCH_ROUNDS:-3}"
T="2030-12-10T17:00:00Z"; STARTS="2030-12-11T18:30:00Z"
SINK="$(command -v smtp-sink || echo /usr/sbin/smtp-sink)"

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
USER_OPT=(); [ "$(id -u)" -eq 0 ] && USER_OPT=(-u nobody)
"$SINK" "${USER_OPT[@]}" 127.0.0.1:"$PORT" 256 &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done

write_meeting_config "$WORK/district" "$PORT" 1
make_meeting_district "$WORK/district" "${BINS[0]}" "$COUNT" "$T" "$STARTS"
cp "$WORK/district/muster.sqlite" "$WORK/prepared.sqlite"

tick() {  # tick BINARY [perf] -> "wall user sys"
  rm -f "$WORK/district/muster.sqlite"*; cp "$WORK/prepared.sqlite" "$WORK/district/muster.sqlite"
  if [ "${2:-}" = perf ]; then
    (cd "$WORK/district" && perf record -F 999 -g -o "$OLDPWD/perf.data" "$1" tick --now "$T" >"$WORK/out" 2>/dev/null)
  else
    (cd "$WORK/district" && /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$1" tick --now "$T" >"$WORK/out" 2>/dev/null)
  fi
  grep -q "delivered  $COUNT sent, 0 deferred, 0 failed" "$WORK/out" || { echo "$1 did not send all $COUNT:" >&2; cat "$WORK/out" >&2; exit 1; }
  [ "${2:-}" = perf ] || cat "$WORK/time"
}

declare -A CPU WALL
for _ in $(seq "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    read -r wall user sys < <(tick "$b")
    WALL[$b]+=" $wall"; CPU[$b]+=" $(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$user" "$sys")"
  done
done
echo "muster tick of $COUNT messages on 1 connection to smtp-sink ($(nproc) cores), $ROUNDS alternating rounds, medians:"
for b in "${BINS[@]}"; do
  # shellcheck disable=SC2086
  python3 -c "
import sys, statistics
name, count = sys.argv[1], int(sys.argv[2]); cpu = [float(x) for x in sys.argv[3].split()]; wall = [float(x) for x in sys.argv[4].split()]
c, w = statistics.median(cpu), statistics.median(wall)
print(f'{name:<40} CPU {c:6.2f} s = {c / count * 1e6:5.0f} us a message   wall {w:6.2f} s ({count / w:6.0f} msg/s)   CPU each round: {[round(x, 2) for x in cpu]}')
" "$b" "$COUNT" "${CPU[$b]}" "${WALL[$b]}"
done
if [ "${MUSTER_PERF:-0}" = "1" ]; then
  tick "${BINS[-1]}" perf
  echo "perf.data: one tick of ${BINS[-1]} (perf report -i perf.data --children)"
fi
