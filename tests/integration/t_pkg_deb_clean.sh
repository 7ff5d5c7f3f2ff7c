#!/bin/bash
# The Debian package on a clean Debian 12: cpack builds it from this build folder, lintian
# reports no error, and it installs with dpkg into a fresh bookworm root (mmdebstrap, apt
# variant, plus what the checks use: man-db, bash-completion, systemd, podman, and the
# package's own Depends). Inside that root (chroot, private mount and PID namespaces):
# `rtrun --version`; `man rtrun-run` renders through man's own search path; the completion loads
# through bash-completion's on-demand loader and completes; Podman 4.3 reads the installed
# drop-in in /etc/containers/containers.conf.d (`podman --runtime rtrun info` names
# /usr/bin/rtrun) and its default runtime stays as it was; the shield unit passes
# `systemd-analyze verify`; purge removes /etc/rtrun.
# The root is made once and cached as a tarball under /var/tmp/rtrun-deb12 (key: the package's
# Depends and the extra packages), so reruns take seconds; the first run needs Debian's archive
# (80 s here; the whole test 106 s cold, 17 s warm). RTRUN_DEB12_CACHE overrides the cache folder.
set -u
: "${RTRUN_BUILD:?}"
for tool in cpack lintian dpkg-deb mmdebstrap unshare chroot sha256sum; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
cache=${RTRUN_DEB12_CACHE:-/var/tmp/rtrun-deb12}
tmp=$(mktemp -d /var/tmp/rtrun-test-pkgclean.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

(cd "$RTRUN_BUILD" && cpack -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$tmp"/out/rtrun_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL: no .deb"; exit 1; }
lintian --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1
grep -q '^E:' "$tmp/lintian" && fail "lintian errors: $(grep '^E:' "$tmp/lintian")" ||
	ok "lintian: no error ($(grep -c '^W:' "$tmp/lintian") warnings)"

# the clean root: Depends' package names (alternatives: the first) and what the checks run
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]//g' | grep . | sort -u | paste -sd,)
extra=man-db,bash-completion,systemd,podman
key=$(echo "bookworm $depends $extra" | sha256sum | cut -c1-16)
base=$cache/bookworm-$key.tar
if [ ! -s "$base" ]; then
	mkdir -p "$cache"
	echo "making the clean root (once): mmdebstrap bookworm + $extra,$depends"
	start=$(date +%s)
	# mmdebstrap picks the output's format by its name unless told: a tar, named .tar
	part=$cache/.bookworm-$key.$$.tar
	mmdebstrap --variant=apt --format=tar --include="$extra,$depends" bookworm "$part" >"$tmp/mmdebstrap.log" 2>&1 ||
		{ tail -20 "$tmp/mmdebstrap.log"; rm -rf "$part"; echo "FAIL: mmdebstrap (Debian's archive reachable?)"; exit 1; }
	mv "$part" "$base"
	echo "clean root made in $(($(date +%s) - start)) s: $base ($(du -h "$base" | cut -f1))"
fi
r=$tmp/root
mkdir "$r" && tar -C "$r" -xf "$base" || { echo "FAIL: unpack $base"; exit 1; }
cp "$deb" "$r/tmp/rtrun.deb"
cat >"$r/tmp/check.sh" <<'SH'
#!/bin/bash
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
dpkg -i /tmp/rtrun.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; echo "FAIL: dpkg -i on a clean bookworm"; exit 1; }
ok "dpkg -i: $(dpkg-query -W -f='${Package} ${Version} ${Status}' rtrun)"
v=$(rtrun --version) && grep -q '^rtrun version ' <<<"$v" && ok "rtrun --version: $(head -1 <<<"$v")" || fail "rtrun --version: $v"

page=$(MANWIDTH=100 man -P cat rtrun-run 2>&1)
grep -q 'rtrun-run - ' <<<"$page" && grep -q -- '--bundle' <<<"$page" && ok "man rtrun-run renders ($(wc -l <<<"$page") lines)" ||
	fail "man rtrun-run: $(head -5 <<<"$page")"
MANWIDTH=100 man -P cat rtrun 2>/dev/null | grep -q 'rtrun-cdi' || fail "man rtrun does not list rtrun-cdi"

# bash-completion's loader finds the file by the command's name, as in an interactive shell
comp=$(bash -c '. /usr/share/bash-completion/bash_completion
	_completion_loader rtrun 2>/dev/null || __load_completion rtrun
	complete -p rtrun || exit 1
	COMP_WORDS=(rtrun adm); COMP_CWORD=1; $(complete -p rtrun | sed -E "s/.*-F ([^ ]+) .*/\1/") rtrun adm rtrun
	echo "reply=${COMPREPLY[*]}"' 2>&1)
grep -q '^complete -F' <<<"$comp" && grep -qx 'reply=admission' <<<"$comp" && ok "bash completion loads and completes 'rtrun adm'" ||
	fail "bash completion: $comp"

# Podman reads its drop-ins itself: ask it which binary the runtime named rtrun is
mkdir -p /run/containers /var/tmp
info=$(podman --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime rtrun \
	info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}' 2>/tmp/podman.err)
[ "$info" = "rtrun /usr/bin/rtrun" ] && ok "podman --runtime rtrun: $info (drop-in: $(ls /etc/containers/containers.conf.d/ /usr/share/containers/containers.conf.d/ 2>/dev/null | grep rtrun | paste -sd' '))" ||
	fail "podman --runtime rtrun info: '$info' $(tail -3 /tmp/podman.err)"

# the package declares the runtime; Podman's default stays what it was
def=$(podman --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
	info --format '{{.Host.OCIRuntime.Name}}' 2>&1)
grep -Eqx 'crun|runc' <<<"$def" && ok "podman's default runtime is still $def" || fail "podman default runtime: $def"

out=$(systemd-analyze verify /lib/systemd/system/rtrun-shield.service 2>&1)
[ -z "$out" ] && ok "systemd-analyze verify rtrun-shield.service: clean" || fail "systemd-analyze verify: $out"

dpkg --purge rtrun >/tmp/purge.log 2>&1 || fail "dpkg --purge: $(cat /tmp/purge.log)"
[ ! -e /etc/rtrun ] && [ ! -e /usr/bin/rtrun ] && ok "purge removes /usr/bin/rtrun and /etc/rtrun" ||
	fail "left after purge: $(ls -d /etc/rtrun /usr/bin/rtrun 2>/dev/null)"
exit $((fails > 0))
SH
# Podman reads the cgroup mode from /sys/fs/cgroup: the host's /sys, bound in the private
# mount namespace only
unshare --mount --pid --fork --mount-proc="$r/proc" \
	sh -c 'mount --rbind /sys "$1/sys" && exec chroot "$1" /bin/bash /tmp/check.sh' _ "$r" ||
	fails=$((fails + 1))
[ $fails = 0 ] && echo PASS
exit $((fails > 0))
