#!/bin/bash
# Builds the fuzz harnesses (all, or those named) with libFuzzer and AddressSanitizer, release mode.
# Each harness calls LLVMFuzzerRunDriver from its own main; -enable-testing: the harnesses reach internal parsers.
set -euo pipefail
cd "$(dirname "$0")"
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
if [ $# -eq 0 ]; then
    swift build "${flags[@]}"
else
    for name in "$@"; do swift build "${flags[@]}" --product "fuzz-$name"; done
fi
