#!/usr/bin/env bash
# `muster bounce` over COUNT delivery status notifications in one process, and the peak memory of one
# 20 MB report.
#
#   bench/bounce.sh [COUNT]        (default 10000)
#   MUSTER_BIN=PATH                time that binary instead of the release build
#
# The district: COUNT members, all active and mailable, one district meeting whose day-before
# reminder is due; one tick with the file transport sends COUNT messages. Then each message gets a
# Postfix-shaped DSN (5.1.1, failed) that names its Message-ID and recipient (the Message-ID
# fallback: no VERP token, so every report is matched through the outbox), and all COUNT files go
# through one `muster bounce FILE...`. Prints wall time, reports per second and peak memory; then
# a 20 MB report (a DSN returning a 20 MB message) alone, with its peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
. bench/common.sh
build_release
make_scratch
export MUSTER_LINK_SECRET=bench-secret-bench-secret-bench-secret-0123
write_meeting_config "$TMP" "file://$TMP/outbox" 1
make_meeting_district "$TMP" "$BIN" "$N" 2030-12-10T17:00:00Z 2030-12-11T18:30:00Z
sqlite3 "$TMP/muster.sqlite" "DELETE FROM muster_suppressions"
(cd "$TMP" && "$BIN" tick --now 2030-12-10T17:00:00Z 2>/dev/null | grep delivered)
mkdir -p "$TMP/dsn"
sqlite3 -separator ' ' "$TMP/muster.sqlite" "SELECT message_id, recipient FROM muster_outbox WHERE state = 'sent' AND rule = 'meeting-tomorrow'" \
  | python3 bench/bounce_dsns.py "$TMP/dsn"
COUNT=$(ls "$TMP/dsn" | wc -l)
cd "$TMP"
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" bounce dsn/* >/dev/null 2>"$TMP/bounce.log" || { tail -5 "$TMP/bounce.log"; exit 1; }
t1=$(date +%s.%N)
python3 -c "import sys; n,a,b,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'muster bounce: {n} DSNs in one process: {b-a:.2f} s ({n/(b-a):.0f}/s), peak memory {r/1024:.0f} MB')" "$COUNT" "$t0" "$t1" "$(cat "$TMP/rss")"
echo "suppressed as bounced: $(sqlite3 muster.sqlite "SELECT count(*) FROM muster_suppressions WHERE kind = 'bounced'"), failed in the outbox: $(sqlite3 muster.sqlite "SELECT count(*) FROM muster_outbox WHERE state = 'failed'"), kept aside: $(sqlite3 muster.sqlite "SELECT count(*) FROM muster_bounces_unmatched")"
python3 "$OLDPWD/bench/bounce_dsns.py" --big "$TMP/big.eml" </dev/null
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" bounce big.eml >/dev/null 2>&1 || true
t1=$(date +%s.%N)
python3 -c "import sys,os; a,b,r=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print(f'muster bounce: one {os.path.getsize(sys.argv[4])/1e6:.1f} MB report: {b-a:.2f} s, peak memory {r/1024:.0f} MB')" "$t0" "$t1" "$(cat "$TMP/rss")" "$TMP/big.eml"
