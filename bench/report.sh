#!/usr/bin/env bash
# muster report on a large district: 500,000 members in 2,000 workplaces with two years of daily
# snapshots (bench/gen_report_district.py). Times every section in text and the HTML report, and
# gives the HTML file's size and each run's peak memory (GNU time's maximum resident set size).
#
#     bench/report.sh [MEMBERS] [WORKPLACES] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
MEMBERS=${1:-500000}
WORKPLACES=${2:-2000}
DAYS=${3:-730}
# MUSTER_BIN names a binary to time instead of the release build (e.g. a debug one, for a first look).
if [ -n "${MUSTER_BIN:-}" ]; then BIN=$MUSTER_BIN; elif [ -x .build/release/muster ]; then BIN=$PWD/.build/release/muster; else build_release; fi
make_scratch
write_config "$TMP" "schedules: $TMP/schedules
templates: $TMP/templates"
mkdir -p "$TMP/schedules" "$TMP/templates"
"$BIN" --config "$TMP/muster.yaml" init >/dev/null
start=$(date +%s.%N)
python3 bench/gen_report_district.py "$TMP/muster.sqlite" --members "$MEMBERS" --workplaces "$WORKPLACES" --days "$DAYS" --today 2026-11-23
echo "district: $MEMBERS members, $WORKPLACES workplaces, $DAYS days of snapshots ($(sqlite3 "$TMP/muster.sqlite" 'select count(*) from muster_snapshots') rows), made in $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s"
NOW=2026-11-23T09:00:00Z
run() {  # run LABEL ARGS...: wall time and peak memory of one report
    local label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN" --config "$TMP/muster.yaml" report --now "$NOW" "$@" >"$TMP/out"
    read -r secs user sys kb <"$TMP/time"
    printf '%-28s %6s s wall  %5s s cpu  peak %5d MB  output %s bytes\n' "$label" "$secs" "$(echo "$user + $sys" | bc)" $((kb / 1024)) "$(wc -c <"$TMP/out")"
}
run "text, all sections" 
for s in summary workplaces targets months ballots events sections; do run "text --section $s" --section "$s"; done
run "text --by region" --by region --section workplaces
run "html, all sections" --format html
run "csv --section workplaces" --format csv --section workplaces
# What the history adds to a pass (no rules here, so a tick is the history and an empty delivery):
# the day's first pass writes the snapshot and compares every member; a later one only compares.
for label in "tick, first pass of the day" "tick, a later pass"; do
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN" --config "$TMP/muster.yaml" tick --now "$NOW" >/dev/null 2>&1
    read -r secs user sys kb <"$TMP/time"
    printf '%-28s %6s s wall  %5s s cpu  peak %5d MB\n' "$label" "$secs" "$(echo "$user + $sys" | bc)" $((kb / 1024))
done
