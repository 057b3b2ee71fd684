#!/usr/bin/env bash
# The demo district ticked hourly through its first week, before (main's binary, no limits) and after
# (this tree, the shipped config's `per_member: { day: 1, week: 4 }` and priorities): messages per
# member, the most one member got on one local day and in the week (leaving out `high`), and how many
# the limit moved and skipped, per rule (issue 13).
#   bench/attention-week.sh [MEMBERS] [START]     (default 1500 members from 2026-11-23T00:00:00Z)
#   BEFORE=/work/bin/muster-main BEFORE_REF=f20b937 (its schedules and templates, from git) AFTER=.build/release/muster
#   (else .build/debug/muster)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1500}
START=${2:-2026-11-23T00:00:00Z}
BEFORE=${BEFORE:-/work/bin/muster-main}
BEFORE_REF=${BEFORE_REF:-f20b937}
AFTER=${AFTER:-$( [ -x .build/release/muster ] && echo "$PWD/.build/release/muster" || echo "$PWD/.build/debug/muster" )}
TMP=$(mktemp -d /tmp/muster-attention.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/before-repo"
git archive "$BEFORE_REF" schedules templates | tar -x -C "$TMP/before-repo"

# run NAME BINARY REPO EXTRA_MAIL: a district in $TMP/NAME, built and ticked hourly for 7 days.
run() {
    local dir="$TMP/$1" bin="$2" repo="$3"
    mkdir -p "$dir"
    cat >"$dir/muster.yaml" <<YAML
organisation: { name: Dorset NEU, timezone: Europe/London, website: https://example.org }
database: $dir/muster.sqlite
schedules: $repo/schedules/
templates: $repo/templates/
mail:
  from: "Dorset NEU <organising@example.org>"
  transport: file:$dir/outbox/
  quiet_hours: "21:00-08:00"
$4
YAML
    "$bin" --config "$dir/muster.yaml" init --demo --members "$N" --now "$START" >/dev/null
    local t0 h
    t0=$(date +%s)
    for h in $(seq 0 167); do
        "$bin" --config "$dir/muster.yaml" tick --now "$(date -u -d "$START + $h hours" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null 2>&1
    done
    echo "$1: 168 hourly ticks in $(( $(date +%s) - t0 )) s ($bin)" >&2
}

run before "$BEFORE" "$TMP/before-repo" ""
run after "$AFTER" "$PWD" "  per_member: { day: 1, week: 4 }"

python3 - "$TMP/before/muster.sqlite" "$TMP/after/muster.sqlite" "$START" <<'PY'
import sqlite3, sys, statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
before, after, start = sys.argv[1], sys.argv[2], sys.argv[3]
HIGH = {("ballot-chaser", 3)}   # the shipped high steps (ballot's last days)
def report(name, path):
    db = sqlite3.connect(path)
    zones = {i: ZoneInfo(z) if z else ZoneInfo("Europe/London") for i, z in db.execute("SELECT id, timezone FROM members")}
    active = db.execute("SELECT count(*) FROM members WHERE status = 'active' AND email IS NOT NULL AND email_opt_out = 0").fetchone()[0]
    per_member, per_day, week_not_high = Counter(), Counter(), Counter()
    day_not_high = Counter()
    sent = 0
    for member, rule, step, at in db.execute("SELECT member_id, rule, step, sent_at FROM muster_outbox WHERE state = 'sent'"):
        sent += 1
        local = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(zones.get(member, ZoneInfo("Europe/London"))).date()
        per_member[member] += 1
        per_day[(member, local)] += 1
        if (rule, step) not in HIGH:
            day_not_high[(member, local)] += 1
            week_not_high[member] += 1
    counts = [per_member.get(m, 0) for m in range(1, 10**9) if False] or list(per_member.values())
    hist = Counter(per_member.values())
    zero = active - len(per_member)
    print(f"{name}: {sent} messages sent to {len(per_member)} members ({zero} mailable active members got none)")
    if counts:
        print(f"  per member: median {statistics.median(counts)}, max {max(counts)}; distribution (messages: members): "
              + ", ".join(f"{k}: {hist[k]}" for k in sorted(hist)))
        print(f"  most on one local day: {max(per_day.values())} (not counting high: {max(day_not_high.values(), default=0)}); "
              f"most in the week not counting high: {max(week_not_high.values(), default=0)}")
        over = sum(1 for v in day_not_high.values() if v > 1), sum(1 for v in week_not_high.values() if v > 4)
        print(f"  member-days over 1 (not high): {over[0]}; members over 4 in the week (not high): {over[1]}")
    rows = db.execute("""SELECT rule, sum(state != 'suppressed'), sum(state = 'suppressed') FROM muster_outbox
                         WHERE reason = 'member limit' GROUP BY rule ORDER BY rule""").fetchall()
    if rows:
        print("  member limit, per rule (moved, skipped): " + ", ".join(f"{r} {m}/{s}" for r, m, s in rows))
    byrule = db.execute("SELECT rule, count(*) FROM muster_outbox WHERE state = 'sent' GROUP BY rule ORDER BY rule").fetchall()
    print("  sent per rule: " + ", ".join(f"{r} {n}" for r, n in byrule))
report("before (main, no limits)", before)
report("after (per_member: { day: 1, week: 4 })", after)
PY
