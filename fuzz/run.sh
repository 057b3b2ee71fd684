#!/bin/bash
# Runs one fuzz harness for SECONDS at the lowest priority: fuzz/run.sh csv|schedule|template|link SECONDS
# Builds it first when needed (./build.sh). New inputs go to .build/corpus/NAME (kept between runs,
# not committed); a crash is written to artifacts/NAME/ and stops the run.
set -euo pipefail
cd "$(dirname "$0")"
name=${1:?usage: fuzz/run.sh csv|schedule|template|link SECONDS}
seconds=${2:-600}
case "$name" in
    csv) max_len=4096 ;;
    schedule) max_len=4096 ;;
    template) max_len=8192 ;;
    link) max_len=512 ;;
    *) echo "fuzz/run.sh: no harness '$name' (csv, schedule, template, link)" >&2; exit 2 ;;
esac
find_bin() { ls -d .build/release/fuzz-"$name" .build/*-linux-gnu/release/fuzz-"$name" 2>/dev/null | head -1 || true; }
bin=$(find_bin)
if [ -z "$bin" ]; then ./build.sh "$name"; bin=$(find_bin); fi

corpus=.build/corpus/$name
mkdir -p "$corpus" "artifacts/$name"
seeds=(seeds/$name)
case "$name" in
    schedule) seeds=(../schedules) ;;
    template)
        # Each template of the demo district as an input: a kind byte, the text template, NUL, the
        # HTML alternative (if any), NUL, a partial.
        seeds=(.build/seeds/template)
        mkdir -p "${seeds[0]}"
        i=0
        for t in ../templates/*.mustache; do
            case "$t" in *.html.mustache) continue ;; esac
            html=${t%.mustache}.html.mustache
            { printf "\\x$(printf %02x $((i % 4)))"; cat "$t"; printf '\0'
              [ -f "$html" ] && cat "$html"; printf '\0'; cat ../templates/partials/footer.mustache; } > "${seeds[0]}/$(basename "$t")"
            i=$((i + 1))
        done ;;
esac

# Swift's own backtracer hangs under libFuzzer and ASan; libFuzzer reports the crash itself.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=detect_leaks=0:handle_abort=1
exec nice -n 19 "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$name/" "$corpus" "${seeds[@]}"
