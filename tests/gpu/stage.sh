#!/bin/bash
# Runs on the development machine: puts the rtrun built here, every shared library it loads
# (glibc and the loader included, so the GPU machine's own libraries do not matter) and a static
# busybox into build/gpu-stage/, which the device tool carries to the GPU machine:
#   tests/gpu/stage.sh && run(command="bash tests/gpu/gpu-check.sh", carry=["build/gpu-stage"])
# (and tests/gpu/gpu-check-cdi.sh for the CDI path, with the same staging)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${RTRUN_BUILD_DIR:-$src/build}
stage=$build/gpu-stage
bin=$build/runtime/rtrun
[ -x "$bin" ] || { echo "stage: build rtrun first ($bin)"; exit 1; }
rm -rf "$stage"
mkdir -p "$stage/lib"
cp "$bin" "$stage/rtrun"
ldd "$bin" | awk '/=> \// {print $3} /^[[:space:]]*\/.*ld-linux/ {print $1}' | while read -r lib; do
	cp -L "$lib" "$stage/lib/"
done
busybox=$(command -v busybox || echo /bin/busybox)
file -L "$busybox" | grep -q 'statically linked' || { echo "stage: busybox is not static"; exit 1; }
cp -L "$busybox" "$stage/busybox"
ls -l "$stage" "$stage/lib"
du -sh "$stage"
