#!/bin/bash
# Runs on a machine with an NVIDIA GPU, from the repository root, with build/gpu-stage/ made
# by tests/gpu/stage.sh on the development machine. Builds nothing: the staged rtrun runs under
# its own loader and libraries. It makes a busybox bundle with `rtrun spec --gpu`, copies the C
# library nvidia-smi needs into the rootfs (the driver's libraries and nvidia-smi itself are
# bind-mounted by the config), and runs `nvidia-smi -L` in the container: it must list the
# GPU(s) the host lists. Output and logs go to $OUT (or /tmp) as gpu-check.log.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
stage=$src/build/gpu-stage
out=${OUT:-/tmp}
log=$out/gpu-check.log
exec > >(tee "$log") 2>&1
say() { echo "gpu-check: $*"; }
fail() {
	say "FAIL: $*"
	exit 1
}

[ -x "$stage/rtrun" ] || fail "no $stage/rtrun: run tests/gpu/stage.sh here and carry build/gpu-stage"
[ "$(id -u)" = 0 ] || fail "needs root"
# the staged rtrun names /tmp/rtrun-gpu-stage/lib as its loader and library path (stage.sh)
rm -rf /tmp/rtrun-gpu-stage && mkdir -p /tmp/rtrun-gpu-stage && cp -a "$stage/lib" /tmp/rtrun-gpu-stage/ ||
	fail "copy the staged libraries to /tmp/rtrun-gpu-stage"
rtrun() { "$stage/rtrun" --root /run/rtrun-gpu-check "$@"; }
smi=$(command -v nvidia-smi || true)
[ -n "$smi" ] || { say "SKIP: no nvidia-smi on this machine"; exit 77; }
ls /dev/nvidia[0-9]* >/dev/null 2>&1 || { say "SKIP: no /dev/nvidiaN node"; exit 77; }

say "host: $(uname -r), $(nproc) CPUs, cgroup: $(stat -fc %T /sys/fs/cgroup)"
say "host nvidia-smi -L:"
"$smi" -L | tee "$out/host-smi.txt" || fail "nvidia-smi fails on the host"
grep -q '^GPU [0-9]' "$out/host-smi.txt" || fail "the host lists no GPU"
rtrun --version

B=$(mktemp -d /tmp/rtrun-gpu-check.XXXXXX)
trap 'rtrun delete --force gpu-check >/dev/null 2>&1; rm -rf "$B"' EXIT
mkdir -p "$B/rootfs/bin" "$B/rootfs/tmp"
cp "$stage/busybox" "$B/rootfs/bin/busybox"
for a in sh cat ls; do ln -s busybox "$B/rootfs/bin/$a"; done
rtrun spec --gpu -b "$B" || fail "spec --gpu"
say "devices and driver files in the config:"
grep -E '"(path|destination)": "/(dev/nvidia|usr|lib)' "$B/config.json" | sort -u

# nvidia-smi is mounted at its host path; the C library it links against is copied in (the
# loader's default search path in the container is then the host's). /usr/bin/nvidia-smi may
# be a wrapper script that execs the driver root's binary (spec --gpu mounts both): the
# libraries are those of every ELF nvidia-smi the config mounts.
bins=$(grep -oE '"source": "[^"]*/nvidia-smi"' "$B/config.json" | sed -E 's/.*: "(.*)"/\1/' | sort -u)
say "nvidia-smi files mounted: $(echo $bins)"
for bin in $bins; do
	[ "$(head -c 4 "$bin" | od -An -tx1 | tr -d " \n")" = 7f454c46 ] || continue # ELF
	ldd "$bin" | awk '/=> \// {print $3} /^[[:space:]]*\/.*ld-linux/ {print $1}'
done | sort -u | while read -r lib; do
	[ -n "$lib" ] || continue
	mkdir -p "$B/rootfs$(dirname "$lib")"
	cp -L "$lib" "$B/rootfs$lib"
done
libdirs=$(grep -oE '"destination": "[^"]*/lib[^"]*\.so[^"]*"' "$B/config.json" |
	sed -E 's/.*: "(.*)\/[^/]*"/\1/' | sort -u | paste -sd:)
# The edits a person would make by hand: no terminal, run nvidia-smi -L, the library path,
# and no ambient capabilities (the template's ambient set lacks inheritable).
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's/^\([[:space:]]*\)"sh"$/\1"nvidia-smi", "-L"/' \
	-e "s#\"TERM=xterm\"#\"TERM=xterm\", \"LD_LIBRARY_PATH=$libdirs\"#" \
	-e 's/"ambient":/"x-gpu-check-ambient":/' "$B/config.json"
grep -n -A3 '"args"' "$B/config.json"

rtrun create --bundle "$B" gpu-check >"$out/container-smi.txt" 2>"$out/create.err" ||
	fail "create: $(cat "$out/create.err")"
rtrun start gpu-check || fail "start"
for _ in $(seq 100); do
	rtrun state gpu-check 2>/dev/null | grep -q '"status": *"stopped"' && break
	sleep 0.1
done
say "container nvidia-smi -L:"
cat "$out/container-smi.txt"
rtrun delete --force gpu-check
grep -q '^GPU [0-9]' "$out/container-smi.txt" || fail "nvidia-smi -L lists no GPU in the container"
[ "$(grep -c '^GPU ' "$out/container-smi.txt")" = "$(grep -c '^GPU ' "$out/host-smi.txt")" ] ||
	fail "the container lists a different number of GPUs than the host"
say "PASS: the container lists the host's GPUs"
