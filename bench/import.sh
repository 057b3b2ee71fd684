#!/usr/bin/env bash
# Times CSV import through the release binary: workplaces, then 100,000 members (new), then the
# same file again (every row unchanged) and a --sync import. Prints seconds for each.
#   bench/import.sh [MEMBERS]      (default 100000; target: members import <= 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}

. bench/common.sh
build_release
make_scratch
python3 bench/gen_members.py --members "$N" --out "$TMP"
write_config "$TMP"

seconds() {  # seconds LABEL COMMAND...: runs COMMAND, prints LABEL and its wall time
    local label=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    printf '%-32s %6.2f s\n' "$label" "$(echo "$end - $start" | bc)"
}

"$BIN" --config "$TMP/muster.yaml" init >/dev/null
seconds "import workplaces ($((N / 25)) rows)" "$BIN" --config "$TMP/muster.yaml" import workplaces "$TMP/workplaces.csv"
seconds "import members ($N new)" "$BIN" --config "$TMP/muster.yaml" import members "$TMP/members.csv"
seconds "import members ($N unchanged)" "$BIN" --config "$TMP/muster.yaml" import members "$TMP/members.csv"
seconds "import members --sync" "$BIN" --config "$TMP/muster.yaml" import members "$TMP/members.csv" --sync
