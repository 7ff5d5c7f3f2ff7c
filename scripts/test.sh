#!/bin/bash
# The README's second command: install what is missing, build, run the whole test suite.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${RTRUN_BUILD_DIR:-$src/build}
"$src/scripts/install-deps.sh"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j1 "$@"
