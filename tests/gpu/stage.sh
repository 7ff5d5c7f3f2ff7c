#!/bin/bash
# Runs on the development machine: puts the rtrun built here, every shared library it loads
# (glibc and the loader included, so the GPU machine's own libraries do not matter) and a static
# busybox into build/gpu-stage/, which the device tool carries to the GPU machine:
#   tests/gpu/stage.sh && run(command="bash tests/gpu/gpu-check.sh", carry=["build/gpu-stage"])
#   (and command="bash tests/gpu/perception-stack.sh" for the stack with a GPU perception load,
#   "bash tests/gpu/gpu-check-cdi.sh" for the CDI path)
set -euo pipefail
trap 'echo "stage: line $LINENO failed (exit $?)" >&2' ERR
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
# rtrun re-executes itself from a sealed copy of /proc/self/exe (CVE-2019-5736): run as
# "ld.so rtrun" that copy would be the loader, so the staged binary names the staged loader
# and libraries itself, at the fixed place the GPU scripts copy them to (gpu_stage_install).
command -v patchelf >/dev/null || { echo "stage: patchelf is missing (scripts/install-deps.sh)"; exit 1; }
loader=$(basename "$(ls "$stage"/lib/ld-linux-*.so.* | head -1)")
patchelf --set-interpreter "/tmp/rtrun-gpu-stage/lib/$loader" --set-rpath /tmp/rtrun-gpu-stage/lib \
	"$stage/rtrun"
busybox=$(command -v busybox || echo /bin/busybox)
file -L "$busybox" | grep 'statically linked' >/dev/null || { echo "stage: busybox is not static"; exit 1; }
cp -L "$busybox" "$stage/busybox"
# tests/gpu/perception-stack.sh: the probe (static), the GPU load (dynamic: glibc from the
# stage, which also serves the driver's libcuda in the container) and glibc's other libraries.
for helper in rtprobe gpuload; do
	[ -x "$build/tests/helpers/$helper" ] || { echo "stage: build $helper first"; exit 1; }
	cp "$build/tests/helpers/$helper" "$stage/$helper"
done
for lib in libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1; do
	f=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !n++ { print $NF }')
	[ -z "$f" ] || cp -L "$f" "$stage/lib/"
done
ls -l "$stage" "$stage/lib"
du -sh "$stage"
