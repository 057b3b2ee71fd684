#!/usr/bin/env bash
# Times `muster init --demo --members N` (schema and demo district) through the release binary.
#   bench/demo.sh [MEMBERS]        (default 500000; target <= 60 s)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500000}

. bench/common.sh
build_release
make_scratch
write_config "$TMP"

start=$(date +%s.%N)
"$BIN" --config "$TMP/muster.yaml" init --demo --members "$N" >/dev/null
end=$(date +%s.%N)
printf '%-32s %6.2f s\n' "init --demo --members $N" "$(echo "$end - $start" | bc)"
printf '%-32s %6s\n' "database size" "$(du -h "$TMP/muster.sqlite" | cut -f1)"
