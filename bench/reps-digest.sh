#!/usr/bin/env bash
# The reps' weekly digest at 500,000 members: 2,000 workplaces with a rep at each, one open ballot
# (two thirds not voted), reps.see_names on and links signed, so each rep's message names about 170
# colleagues with a mark_voted link each. One `muster tick` at Monday 07:00 renders, enqueues and
# writes the 2,000 digests (file transport). Prints wall time and peak memory (target <= 250 MB).
#   bench/reps-digest.sh [MEMBERS]        (default 500000)
#   MUSTER_BIN=.build/debug/muster bench/reps-digest.sh   (time another binary, no release build)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}
. bench/common.sh
if [ -n "${MUSTER_BIN:-}" ]; then BIN=$(realpath "$MUSTER_BIN"); else build_release; fi
make_scratch
mkdir -p "$TMP/schedules"
cp schedules/reps-weekly.yaml "$TMP/schedules/"
write_config "$TMP" "schedules: $TMP/schedules
templates: $PWD/templates
links: { base_url: 'https://muster.example.org', secret_env: MUSTER_LINK_SECRET }
reps: { see_names: true }"
export MUSTER_LINK_SECRET=bench-reps-digest-secret-0123456789abcdef
"$BIN" --config "$TMP/muster.yaml" init >/dev/null
sqlite3 "$TMP/muster.sqlite" <<SQL
INSERT INTO workplaces(id, name, kind)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  SELECT i, 'School ' || i, 'secondary' FROM n;
INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, role, status, joined_on)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
  SELECT i, 'N' || i, 'First' || (i % 97), 'Last' || (i % 1009), 'm' || i || '@example.org', 1 + i % 2000, 'teacher',
         'active', date('2026-11-30', '-' || (i % 3650) || ' days')
  FROM n;
INSERT INTO reps(member_id, workplace_id) SELECT id, workplace_id FROM members WHERE id <= 2000;
INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-12-03T18:00:00Z');
INSERT INTO registrations(event_id, member_id) SELECT 1, id FROM members WHERE id % 25 = 0;
INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold) VALUES (1, 'Pay', '2026-11-24T08:00:00Z', '2026-12-10T12:00:00Z', 0.5);
INSERT INTO ballot_members(ballot_id, member_id, voted_at)
  SELECT 1, id, CASE WHEN id % 3 = 0 THEN '2026-11-24T08:30:00Z' ELSE NULL END FROM members;
SQL
python3 - "$BIN" "$TMP/muster.yaml" "$TMP" <<'PY'
import os, resource, subprocess, sys, time
binary, config, tmp = sys.argv[1:4]
t = time.monotonic()
out = subprocess.run([binary, "--config", config, "tick", "--now", "2026-11-30T07:00:30Z"],
                     check=True, capture_output=True, text=True).stdout
elapsed = time.monotonic() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
files = len([f for f in os.listdir(os.path.join(tmp, "outbox")) if f.endswith(".eml")])
size = sum(os.path.getsize(os.path.join(tmp, "outbox", f)) for f in os.listdir(os.path.join(tmp, "outbox")))
print(out.strip())
print(f"reps' digest tick: {elapsed:.2f} s for {files} digests ({size / files / 1024:.0f} KB each); peak memory {peak:.0f} MB (target <= 250 MB)")
PY
