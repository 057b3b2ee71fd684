#!/usr/bin/env bash
# One planning pass (what a tick does at one instant) over 500,000 members, with a district-wide
# meeting reminder and the ballot chaser due, through the release binary: `muster plan --days 0`.
# Prints wall time and peak memory (targets: <= 2 s, <= 200 MB).
#   bench/plan.sh [MEMBERS]        (default 500000)
#   LIMITS=1 bench/plan.sh         with `mail.per_member: { day: 1, week: 4 }` (target: <= 1.5x without)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}
. bench/common.sh
build_release
make_scratch; [ -n "${KEEP:-}" ] && trap - EXIT && echo "scratch: $TMP" >&2
PER_MEMBER=""
[ -n "${LIMITS:-}" ] && PER_MEMBER="  per_member: { day: 1, week: 4 }
"
write_config "$TMP" "${PER_MEMBER}schedules: $PWD/schedules
templates: $PWD/templates"
"$BIN" --config "$TMP/muster.yaml" init >/dev/null
sqlite3 "$TMP/muster.sqlite" <<SQL
INSERT INTO workplaces(id, name, kind)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  SELECT i, 'School ' || i, 'secondary' FROM n;
INSERT INTO members(id, membership_number, first_name, email, workplace_id, section, status, joined_on, timezone)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
  SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 1 + i % 2000,
         CASE WHEN i % 100 = 0 THEN 'leadership' ELSE 'teachers' END,
         CASE WHEN i % 20 = 0 THEN 'lapsed' ELSE 'active' END,
         date('2026-11-23', '-' || (i % 7300) || ' days'),
         CASE WHEN i % 50 = 0 THEN 'America/Chicago' ELSE NULL END
  FROM n;
INSERT INTO reps(member_id, workplace_id) SELECT id, workplace_id FROM members WHERE id % 40 = 0;
INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-12-01T18:00:00Z');
INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (1, 'Pay', '2026-11-24T08:00:00Z', '2026-12-10T12:00:00Z');
INSERT INTO ballot_members(ballot_id, member_id, voted_at)
  SELECT 1, id, CASE WHEN id % 3 = 0 THEN '2026-11-24T08:30:00Z' ELSE NULL END FROM members;
SQL
# 09:00 London on 24 November: the AGM's week-before reminder is due, and the ballot opened at 08:00.
python3 - "$BIN" "$TMP/muster.yaml" <<'PY'
import resource, subprocess, sys, time
binary, config = sys.argv[1], sys.argv[2]
best = None
for run in range(3):
    t = time.monotonic()
    out = subprocess.run([binary, "--config", config, "plan", "--now", "2026-11-24T09:00:00Z", "--days", "0", "--limit", "1"],
                         capture_output=True, text=True)
    if out.returncode != 0: sys.exit(out.stderr)
    out = out.stdout
    elapsed = time.monotonic() - t
    best = elapsed if best is None else min(best, elapsed)
    print(f"run {run + 1}: {elapsed:.2f} s  ({out.splitlines()[0]})")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"planning pass, best of 3: {best:.2f} s (target <= 2 s); peak memory {peak:.0f} MB (target <= 200 MB)")
PY
