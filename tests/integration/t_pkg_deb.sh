#!/bin/bash
# The Debian package (CPack): built from this build folder, lintian reports no error, and
# what it installs works when unpacked: the binary, a man page per command (man -l renders
# them), bash completion (run it), zsh completion, docs, the engine drop-ins, the shield unit
# and its /etc/rtrun/rtrun.conf (a conffile). Runs no container; installs nothing on the host.
set -u
: "${RTRUN_BUILD:?}" "${RTRUN:?}"
for tool in cpack lintian dpkg-deb scdoc man; do
        command -v $tool >/dev/null || { echo "SKIP: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done
tmp=$(mktemp -d /tmp/rtrun-test-pkg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

(cd "$RTRUN_BUILD" && cpack -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$tmp"/out/rtrun_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL: no .deb"; exit 1; }
ok "cpack built $(basename "$deb")"

lintian --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1
grep -q '^E:' "$tmp/lintian" && fail "lintian errors: $(grep '^E:' "$tmp/lintian")" || ok "lintian: no error ($(grep -c '^W:' "$tmp/lintian") warnings)"

dpkg-deb -x "$deb" "$tmp/root" || { echo "FAIL: dpkg-deb -x"; exit 1; }
dpkg-deb -e "$deb" "$tmp/control"
r=$tmp/root
for f in usr/bin/rtrun usr/share/man/man1/rtrun.1.gz usr/share/bash-completion/completions/rtrun \
        usr/share/zsh/vendor-completions/_rtrun usr/share/doc/rtrun/copyright \
        usr/share/doc/rtrun/changelog.gz usr/share/doc/rtrun/README.md usr/share/doc/rtrun/admission.md \
        usr/share/rtrun/podman-default.conf usr/share/rtrun/containerd-rtrun.toml \
        etc/containers/containers.conf.d/rtrun.conf \
        lib/systemd/system/rtrun-shield.service etc/rtrun/rtrun.conf; do
        [ -f "$r/$f" ] || fail "missing /$f"
done
grep -qx /etc/rtrun/rtrun.conf "$tmp/control/conffiles" || fail "rtrun.conf is not a conffile"
for f in usr/share/rtrun/podman-default.conf etc/containers/containers.conf.d/rtrun.conf; do
        grep -q '"/usr/bin/rtrun"' "$r/$f" || fail "the Podman drop-in /$f does not name /usr/bin/rtrun"
done
# A newer Podman reads /usr/share/containers/containers.conf.d: nothing of ours may be there.
[ ! -e "$r/usr/share/containers" ] || fail "the package writes under /usr/share/containers"

# a man page for every command `rtrun --help` lists, each rendering with its own NAME line
cmds=$("$r/usr/bin/rtrun" --help | sed -n '/^Commands:/,/^$/s/^   \([a-z]\+\) .*/\1/p')
[ "$(echo "$cmds" | wc -w)" -ge 15 ] || fail "commands: $cmds"
for c in $cmds; do
        page=$r/usr/share/man/man1/rtrun-$c.1.gz
        [ -f "$page" ] || { fail "no man page for $c"; continue; }
        MANWIDTH=100 man -l "$page" 2>/dev/null | grep -q "rtrun-$c - " || fail "man rtrun-$c renders no NAME"
done
MANWIDTH=100 man -l "$r/usr/share/man/man1/rtrun-admission.1.gz" 2>/dev/null | grep -q -- '--format table|json|junit' ||
        fail "man rtrun-admission lacks the options of admission --help"
MANWIDTH=100 man -l "$r/usr/share/man/man1/rtrun.1.gz" 2>/dev/null | grep -q 'rtrun-metrics(1)' || fail "man rtrun lists no commands"
ok "man pages for: $(echo $cmds)"

# bash completion: commands, a command's options, subcommands
comp() { PATH=$r/usr/bin:$PATH bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _rtrun; echo "${COMPREPLY[*]}"' _ "$r/usr/share/bash-completion/completions/rtrun" "$@"; }
[ "$(comp rtrun adm)" = admission ] || fail "completion of 'adm': $(comp rtrun adm)"
[[ " $(comp rtrun run --)" == *" --bundle "* ]] || fail "completion of run options: $(comp rtrun run --)"
[ "$(comp rtrun --root /tmp metrics --out)" = --output ] || fail "completion after --root: $(comp rtrun --root /tmp metrics --out)"
[ "$(comp rtrun cpus sh)" = shield ] || fail "completion of cpus subcommands"
ok "bash completion"
grep -q '^#compdef rtrun' "$r/usr/share/zsh/vendor-completions/_rtrun" || fail "zsh completion header"
if command -v zsh >/dev/null; then zsh -n "$r/usr/share/zsh/vendor-completions/_rtrun" || fail "zsh syntax"; fi

# the shield unit runs commands that exist, and the config it reads is shell-sourceable
unit=$r/lib/systemd/system/rtrun-shield.service
grep -q '^ExecStart=/usr/bin/rtrun cpus shield ${SHIELD_CPUS}$' "$unit" || fail "unit ExecStart"
grep -q '^ExecStop=/usr/bin/rtrun cpus release$' "$unit" || fail "unit ExecStop"
"$r/usr/bin/rtrun" cpus --help | grep -q 'cpus shield CPULIST' || fail "rtrun cpus shield missing"
(. "$r/etc/rtrun/rtrun.conf" && [ -z "$SHIELD_CPUS" ]) || fail "rtrun.conf: SHIELD_CPUS not empty by default"
if command -v systemd-analyze >/dev/null; then
        systemd-analyze verify "$unit" 2>&1 | grep -v 'is not executable\|man \|Command .* failed' | grep . &&
                fail "systemd-analyze verify"
fi
ok "shield unit"
[ $fails = 0 ] && echo PASS
exit $((fails > 0))
