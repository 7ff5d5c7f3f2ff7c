#!/bin/bash
# The real-GPU scripts (gpu-check.sh, gpu-check-cdi.sh) run unchanged on a machine without a
# GPU, in a private mount namespace made to look like the GPU machine where spec --gpu once
# failed: /dev with nvidia0 and nvidiactl nodes (195:0, 195:255; no driver behind them), the
# driver under /usr/local/nvidia (an ELF nvidia-smi that lists /dev/nvidiaN, a libcuda), and
# /usr/local/bin/nvidia-smi a wrapper script that execs it. Stages rtrun first (stage.sh).
# Nothing outside the namespace changes but /tmp/rtrun-gpu-stage, removed at the end.
# Runs from tests/integration/t_gpu_check_sim.sh (ctest integration/t_gpu_check_sim).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in gcc patchelf unshare busybox; do
	command -v $t >/dev/null || { echo "SKIP: $t is missing (scripts/install-deps.sh)"; exit 77; }
done
[ -x "${RTRUN_BUILD:-$src/build}/runtime/rtrun" ] || { echo "FAIL: build rtrun first"; exit 1; }
tmp=$(mktemp -d /tmp/rtrun-test-gpusim.XXXXXX)
trap 'rm -rf "$tmp" /tmp/rtrun-gpu-stage; rmdir /run/rtrun-gpu-check 2>/dev/null' EXIT
RTRUN_BUILD_DIR=${RTRUN_BUILD:-$src/build} bash "$src/tests/gpu/stage.sh" >"$tmp/stage.log" 2>&1 ||
	{ cat "$tmp/stage.log"; echo "FAIL: stage.sh"; exit 1; }
cat >"$tmp/smi.c" <<'C'
#include <glob.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	glob_t g;
	if (argc < 2 || strcmp(argv[1], "-L") != 0)
		return 2;
	if (glob("/dev/nvidia[0-9]*", 0, NULL, &g) != 0)
		return 6; /* what the real one returns without a driver */
	for (size_t i = 0; i < g.gl_pathc; i++)
		printf("GPU %s: Fake GPU (UUID: GPU-fake-%s)\n", g.gl_pathv[i] + 11, g.gl_pathv[i] + 11);
	return 0;
}
C
echo 'int cuInit(unsigned f) { return (int)f; }' >"$tmp/cuda.c"
gcc -O2 -o "$tmp/nvidia-smi" "$tmp/smi.c" && gcc -shared -fPIC -Wl,-soname,libcuda.so.1 \
	-o "$tmp/libcuda.so.580.65.06" "$tmp/cuda.c" || { echo "FAIL: gcc"; exit 1; }

cat >"$tmp/inside.sh" <<'SH'
set -eu
tmp=$1
mount --make-rprivate /
mkdir "$tmp/dev"
mount -t tmpfs tmpfs "$tmp/dev"
for n in null zero full random urandom tty; do cp -a /dev/$n "$tmp/dev/"; done
ln -s /proc/self/fd "$tmp/dev/fd"
mkdir "$tmp/dev/pts" "$tmp/dev/shm"
mknod -m 666 "$tmp/dev/nvidia0" c 195 0
mknod -m 666 "$tmp/dev/nvidiactl" c 195 255
mount --bind "$tmp/dev" /dev
mount -t devpts devpts /dev/pts -o newinstance,ptmxmode=0666
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs tmpfs /dev/shm
mkdir -p /usr/local/nvidia
mount -t tmpfs tmpfs /usr/local/nvidia
mkdir -p /usr/local/nvidia/bin /usr/local/nvidia/lib64
cp "$tmp/nvidia-smi" /usr/local/nvidia/bin/
cp "$tmp/libcuda.so.580.65.06" /usr/local/nvidia/lib64/
ln -s libcuda.so.580.65.06 /usr/local/nvidia/lib64/libcuda.so.1
mount -t tmpfs tmpfs /usr/local/bin
printf '#!/bin/sh\nexec /usr/local/nvidia/bin/nvidia-smi "$@"\n' >/usr/local/bin/nvidia-smi
chmod 755 /usr/local/bin/nvidia-smi
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
rc=0
OUT=$tmp bash tests/gpu/gpu-check.sh || rc=1
OUT=$tmp bash tests/gpu/gpu-check-cdi.sh || rc=1
exit $rc
SH
cd "$src" && unshare -m bash "$tmp/inside.sh" "$tmp"
rc=$?
grep -h 'PASS\|FAIL' "$tmp"/gpu-check.log "$tmp"/gpu-check-cdi.log 2>/dev/null
[ $rc = 0 ] && echo PASS
exit $rc
