#!/bin/bash
# The README's first command: install what is missing, build, make a busybox bundle and run
# `echo hello from rtrun` in it.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${RTRUN_BUILD_DIR:-$src/build}
"$src/scripts/install-deps.sh"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
bundle=$build/demo-bundle
RTRUN="$build/runtime/rtrun" "$src/scripts/mkbundle.sh" "$bundle" echo hello from rtrun
echo "+ rtrun run --bundle $bundle demo-$$"
exec "$build/runtime/rtrun" run --bundle "$bundle" "demo-$$"
