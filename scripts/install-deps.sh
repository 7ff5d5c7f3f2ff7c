#!/bin/bash
# Installs the Debian 12 packages rtrun needs to build, test and benchmark; only what is missing.
set -euo pipefail
pkgs=(
  build-essential cmake pkg-config clang-format
  clang libclang-rt-14-dev llvm
  libseccomp-dev libcap-dev libyajl-dev libmnl-dev libyaml-dev libcmocka-dev libsystemd-dev
  busybox-static iproute2 util-linux bsdutils procps jq python3 strace libcap2-bin
  python3-prometheus-client
  python3-jsonschema python3-yaml golang-github-container-orchestrated-devices-container-device-interface-dev
  runc crun rt-tests hyperfine gnuplot-nox
  criu
  scdoc lintian man-db mmdebstrap patchelf
  podman containerd conmon
  qemu-system-x86 linux-image-amd64 linux-image-rt-amd64 cpio xz-utils kmod gzip
  systemd dbus
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
