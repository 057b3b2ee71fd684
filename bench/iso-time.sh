#!/usr/bin/env bash
# ISOTime's speed alone (the outbox writes several timestamps per message, imports read one per row):
# ns per call of format and parseInstant, optimised build, best of 5 runs of N calls.
#
#   bench/iso-time.sh [N]          (default 1000000)
#
# Measured 2026-12-01 on the shared 2-core machine (noisy; ranges over runs): format about 130-220 ns
# (the string-concatenating format it replaced: 1,300-1,850 ns), parse about 120-230 ns (the
# ISO8601DateFormatter path it replaced: 250,000-500,000 ns; OutboxTime's fast path 140-250 ns).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
swiftc -O -module-name ISOTimeBench -o "$out/iso-time" \
    "$root/Sources/MusterCore/Time/ISOTime.swift" "$root/Sources/MusterCore/Time/LocalDay.swift" \
    "$root/bench/iso-time/main.swift"
"$out/iso-time" "${1:-1000000}"
