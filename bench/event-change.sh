#!/usr/bin/env bash
# One changed event with MEMBERS invited members (default 500,000), all of whom were sent its
# week-before reminder: the tick that sees the change plans and enqueues a notice for each.
# The relay is unreachable (MUSTER_TRANSPORT on a closed port), so the time is planning, rendering
# and storing the notices, not delivering them. Prints wall time, peak memory and the outbox counts.
#   bench/event-change.sh [MEMBERS] [BINARY]   (default 500000, the release build of this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}
. bench/common.sh
if [ -n "${2:-}" ]; then BIN=$2; else build_release; fi
make_scratch
write_config "$TMP" "schedules: $PWD/schedules
templates: $PWD/templates"
"$BIN" --config "$TMP/muster.yaml" init >/dev/null
sqlite3 "$TMP/muster.sqlite" <<SQL
INSERT INTO workplaces(id, name, kind)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  SELECT i, 'School ' || i, 'secondary' FROM n;
INSERT INTO members(id, membership_number, first_name, email, workplace_id, status, joined_on, timezone)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
  SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 1 + i % 2000, 'active', '2010-01-01',
         CASE WHEN i % 50 = 0 THEN 'America/Chicago' ELSE NULL END
  FROM n;
INSERT INTO events(id, kind, title, starts_at, location) VALUES (1, 'meeting', 'AGM', '2026-12-01T18:00:00Z', 'Dorchester');
SQL
# Muster sees the AGM and sends its week-before reminder to everyone (24 November, 09:00) ...
MUSTER_TRANSPORT=smtp://127.0.0.1:1 "$BIN" --config "$TMP/muster.yaml" tick --now 2026-11-24T09:00:00Z >/dev/null || true
sqlite3 "$TMP/muster.sqlite" "UPDATE muster_outbox SET state = 'sent', sent_at = '2026-11-24T09:00:00Z';
  UPDATE events SET starts_at = '2026-12-02T18:00:00Z', location = 'Weymouth' WHERE id = 1;"
# ... then the AGM moves, and the next tick notices.
python3 - "$BIN" "$TMP/muster.yaml" <<'PY'
import os, resource, subprocess, sys, time
binary, config = sys.argv[1], sys.argv[2]
env = dict(os.environ, MUSTER_TRANSPORT="smtp://127.0.0.1:1")
t = time.monotonic()
r = subprocess.run([binary, "--config", config, "tick", "--now", "2026-11-24T10:00:00Z"], capture_output=True, text=True, env=env)
elapsed = time.monotonic() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("\n".join(l for l in r.stdout.splitlines()[:4]))
print(f"changed event, notices planned and enqueued: {elapsed:.2f} s; peak memory {peak:.0f} MB (exit {r.returncode})")
PY
sqlite3 "$TMP/muster.sqlite" "SELECT state, count(*) FROM muster_outbox WHERE step = 0 GROUP BY state;"
