#!/bin/bash
# Makes an OCI bundle whose rootfs is busybox-static:  mkbundle.sh DIR [ARGS...]
# DIR/rootfs gets /bin/busybox with its applet links and a minimal /etc; DIR/config.json is
# `rtrun spec` with terminal false, process.args = ARGS (default: sh) and a cgroup namespace.
# Needs root (chroot).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [ARGS...]" >&2
  exit 2
fi
dir=$1
shift
src=$(cd "$(dirname "$0")/.." && pwd)
rtrun=${RTRUN:-$src/build/runtime/rtrun}
busybox=${BUSYBOX:-/bin/busybox}
if ! [ -x "$rtrun" ]; then
  echo "mkbundle: $rtrun not found: build first (cmake -S . -B build && make -C build)" >&2
  exit 1
fi
if [[ "$(ldd "$busybox" 2>&1 || true)" != *"not a dynamic executable"* ]]; then
  echo "mkbundle: $busybox is not static (apt-get install busybox-static)" >&2
  exit 1
fi
root=$dir/rootfs
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,root,run}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
# One exec creates every applet link, pointing at /bin/busybox inside the rootfs.
chroot "$root" /bin/busybox --install -s /bin
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
rm -f "$dir/config.json"
"$rtrun" spec --bundle "$dir"
if [ $# -eq 0 ]; then
  set -- sh
fi
tmp=$(mktemp "$dir/config.json.XXXXXX")
# The test bundles always get a cgroup namespace (rtrun spec, as runc spec, adds one only on
# pure cgroup v2 hosts).
jq '.process.terminal = false | .process.args = $ARGS.positional
  | .linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])' \
  --args -- "$@" \
  <"$dir/config.json" >"$tmp"
mv "$tmp" "$dir/config.json"
