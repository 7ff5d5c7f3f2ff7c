#!/bin/bash
# tmpcopyup beyond what runc 1.1.5 does (diff case 49-tmpcopyup compares the common part with
# runc): hard links stay linked, times are kept, fifos and device nodes are copied, a symlink is
# copied as a link and never followed, and a tree larger than the tmpfs fails with a clear error
# that names the mount and leaves nothing behind.
set -u
. "$(dirname "$0")/lib.sh"
lib_init tmpcopyup

b=$TMP/b
make_bundle "$b" sh -c 'cd /seed && for f in file hard sub sub/fifo sub/null esc; do
  stat -c "%n %F %a %u:%g %h %Y %t,%T" "$f"; done; readlink esc; ls esc/ | head -1'
r=$b/rootfs
mkdir -p "$r/seed/sub" "$r/outside"
echo one >"$r/seed/file"
ln "$r/seed/file" "$r/seed/hard"
mkfifo -m 620 "$r/seed/sub/fifo"
mknod -m 600 "$r/seed/sub/null" c 1 3
ln -s /outside "$r/seed/esc"
touch "$r/outside/not-copied"
touch -d '2001-02-03 04:05:06' "$r/seed/file" "$r/seed/sub"
bundle_set "$b" '.mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs",
  "options": ["rw", "nosuid", "tmpcopyup"]}]'
out=$(rt run --bundle "$b" cp1 2>&1)
check "hard links, times, fifo, device, symlink" \
  "file regular file 644 0:0 2 981173106 0,0
hard regular file 644 0:0 2 981173106 0,0
sub directory 755 0:0 2 981173106 0,0
sub/fifo fifo 620 0:0 1 $(stat -c %Y "$r/seed/sub/fifo") 0,0
sub/null character special file 600 0:0 1 $(stat -c %Y "$r/seed/sub/null") 1,3
esc symbolic link 777 0:0 1 $(stat -c %Y "$r/seed/esc") 0,0
/outside
not-copied" "$out"

# More than the tmpfs holds: a clear error, no container left.
b2=$TMP/b2
make_bundle "$b2" true
mkdir -p "$b2/rootfs/big"
head -c 300000 /dev/zero >"$b2/rootfs/big/blob"
bundle_set "$b2" '.mounts += [{"destination": "/big", "type": "tmpfs", "source": "tmpfs",
  "options": ["size=128k", "tmpcopyup"]}]'
rc=0
out=$(rt run --bundle "$b2" cp2 2>&1) || rc=$?
check "a tree larger than the tmpfs fails" 1 "$([ "$rc" -ne 0 ] && echo 1)"
check_contains "the error names the mount and the file" "$out" "mount /big: tmpcopyup: copy blob"
check_contains "the error says why" "$out" "No space left on device"
check "nothing left" "" "$(rt list -q)"

# Without the option the tmpfs starts empty (Podman's notmpcopyup drops the word).
b3=$TMP/b3
make_bundle "$b3" ls -A /seed
mkdir -p "$b3/rootfs/seed"
touch "$b3/rootfs/seed/x"
bundle_set "$b3" '.mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs",
  "options": ["rw"]}]'
check "no tmpcopyup: empty" "" "$(rt run --bundle "$b3" cp3 2>&1)"
# `features` advertises it, as runc's does (engines may check before they emit it).
check "features lists tmpcopyup" tmpcopyup \
  "$("$RTRUN" features | jq -r '.mountOptions[] | select(. == "tmpcopyup")')"
if command -v runc >/dev/null; then
  check "runc's features list it too" tmpcopyup \
    "$(runc features | jq -r '.mountOptions[] | select(. == "tmpcopyup")')"
fi
lib_done
