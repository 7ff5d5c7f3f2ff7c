#!/bin/bash
# The filesystem set-up read back from inside a busybox container: every mount type with its
# options and propagation, bind sources (relative to the bundle, files and directories),
# masked and read-only paths, root.readonly, devices (major/minor/mode/owner), /dev links,
# --no-pivot, and a symlink in the rootfs that points out of it used as a mount destination.
# Named cases (lib.sh): bash t_setup_mounts.sh --list; bash t_setup_mounts.sh NAME...
source "$(dirname "$0")/lib.sh"
lib_init setup-mounts

case_setup() {
  B=$CASE_TMP/b
  make_bundle "$B" sh
  mkdir -p "$B/hostdir"
  echo from-host >"$B/hostdir/file"
  echo host-file >"$B/hostfile"
  ln -s /etc "$B/rootfs/evil"
  ln -s ../../../../../../tmp "$B/rootfs/up"
  host_etc_before=$(ls /etc | md5sum)
}

# The mountinfo line of mount point $2 in $1 (the topmost one).
mnt() { awk -v p="$2" '$5 == p { l = $0 } END { print l }' <<<"$1"; }
# mount options (field 6) and "fstype source superoptions" (after " - ") of that line
mopts() { mnt "$1" "$2" | awk '{print $6}'; }
mfs() { mnt "$1" "$2" | sed 's/.* - //'; }

# Every mount type and path option at once (the later cases keep these mounts).
mounts_bundle() {
  bundle_set "$B" '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; echo ==;
    cat /data/file /etc/hostfile; touch /data/x 2>&1; touch /ro/x 2>&1; touch /scratch/x && echo scratch-ok;
    stat -c \"%a %u:%g\" /scratch; cat /proc/version; ls /root | wc -l; touch /scratch2/x 2>&1;
    touch /x 2>&1; ls -d /etc/mnt /tmp/mnt2"]
  | .mounts += [
    {"destination": "/data", "type": "bind", "source": "hostdir", "options": ["rbind", "ro", "nosuid", "nodev"]},
    {"destination": "/etc/hostfile", "type": "bind", "source": "hostfile", "options": ["bind", "ro"]},
    {"destination": "/ro", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "size=1m"]},
    {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "noexec", "nodev", "size=2m", "mode=1770", "uid=0", "gid=8"]},
    {"destination": "/scratch2", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/p/shared", "type": "bind", "source": "hostdir", "options": ["rbind", "rshared"]},
    {"destination": "/p/unbindable", "type": "bind", "source": "hostdir", "options": ["bind", "unbindable"]},
    {"destination": "/evil/mnt", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/up/mnt2", "type": "tmpfs", "source": "tmpfs"}]
  | .linux.maskedPaths = ["/proc/version", "/root", "/proc/nonexistent"]
  | .linux.readonlyPaths = ["/proc/sys", "/scratch2", "/nonexistent"]'
}

case_mounts_and_paths() {
  mounts_bundle
  out=$(rt run -b "$B" setup-m1 2>&1)
  mi=$(sed '/^==$/q' <<<"$out")
  rest=$(sed '1,/^==$/d' <<<"$out")
  check "root.readonly: / is ro" ro "$(mopts "$mi" / | cut -d, -f1)"
  check "proc" "proc proc rw" "$(mfs "$mi" /proc)"
  check "/dev tmpfs options" "tmpfs tmpfs rw,size=65536k,mode=755" "$(mfs "$mi" /dev)"
  check "/dev flags" rw,nosuid "$(mopts "$mi" /dev)"
  check "devpts options" "devpts devpts rw,gid=5,mode=620,ptmxmode=666" "$(mfs "$mi" /dev/pts)"
  check "mqueue" "mqueue mqueue rw" "$(mfs "$mi" /dev/mqueue)"
  check "shm tmpfs" "tmpfs shm rw,size=65536k" "$(mfs "$mi" /dev/shm)"
  check "sysfs read-only" "sysfs sysfs ro" "$(mfs "$mi" /sys)"
  check "cgroup: writable tmpfs" "tmpfs tmpfs rw,mode=755" "$(mfs "$mi" /sys/fs/cgroup)"
  if [ -d /sys/fs/cgroup/memory ]; then
    check "cgroup v1 hierarchy: read-only bind" ro,nosuid,nodev,noexec,relatime \
      "$(mopts "$mi" /sys/fs/cgroup/memory)"
    check "cgroup v1 hierarchy type" "cgroup cgroup rw,memory" "$(mfs "$mi" /sys/fs/cgroup/memory)"
  fi
  check "bind ro,nosuid,nodev" ro,nosuid,nodev,relatime "$(mopts "$mi" /data)"
  check "bind of a file, ro" ro "$(mopts "$mi" /etc/hostfile | cut -d, -f1)"
  check "tmpfs ro (remounted after set-up)" ro,relatime "$(mopts "$mi" /ro)"
  check "tmpfs options" "tmpfs tmpfs rw,size=2048k,mode=1770,gid=8" "$(mfs "$mi" /scratch)"
  check "tmpfs flags" rw,nosuid,nodev,noexec,relatime "$(mopts "$mi" /scratch)"
  check_contains "rshared bind is shared" "$(mnt "$mi" /p/shared)" " shared:"
  check_contains "unbindable bind" "$(mnt "$mi" /p/unbindable)" " unbindable "
  check "masked file: /dev/null bound over it" "/null" "$(mnt "$mi" /proc/version | awk '{print $4}')"
  check "masked dir: read-only tmpfs" "tmpfs tmpfs ro" "$(mfs "$mi" /root)"
  check "readonly path /proc/sys" ro,relatime "$(mopts "$mi" /proc/sys)"
  check "readonly path over a mount" ro,relatime "$(mopts "$mi" /scratch2)"
  check "mount through /evil -> /etc lands in the rootfs's /etc" "tmpfs tmpfs rw" "$(mfs "$mi" /etc/mnt)"
  check "mount through a ../.. link lands in the rootfs's /tmp" "tmpfs tmpfs rw" "$(mfs "$mi" /tmp/mnt2)"
  check_contains "bind sources are read" "$rest" "from-host
host-file"
  check_contains "bind ro refuses writes" "$rest" "touch: /data/x: Read-only file system"
  check_contains "tmpfs ro refuses writes" "$rest" "touch: /ro/x: Read-only file system"
  check_contains "tmpfs rw accepts writes" "$rest" "scratch-ok"
  check_contains "tmpfs mode and owner" "$rest" "1770 0:8"
  check_contains "masked directory is empty" "$rest" "
0
"
  check_contains "readonly path refuses writes" "$rest" "touch: /scratch2/x: Read-only file system"
  check_contains "root.readonly refuses writes" "$rest" "touch: /x: Read-only file system"
  check "nothing was mounted or created on the host's /etc" "$host_etc_before" "$(ls /etc | md5sum)"
  check "the mount points were made inside the rootfs" "yes yes" \
    "$([ -d "$B/rootfs/etc/mnt" ] && echo yes) $([ -d "$B/rootfs/tmp/mnt2" ] && echo yes)"
  check "no /tmp/mnt2 on the host" no "$([ -e /tmp/mnt2 ] && echo yes || echo no)"
}

# devices and /dev links
case_devices_and_links() {
  mounts_bundle
  bundle_set "$B" '.process.args = ["sh", "-c",
    "for f in /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/kmsg /dev/loopx /dev/sub/null2 /dev/myfifo; do
       stat -c \"%n %F %a %u:%g %t:%T\" $f; done;
     for l in fd stdin stdout stderr ptmx; do echo \"$l -> $(readlink /dev/$l)\"; done"]
  | .linux.devices = [
    {"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 384, "uid": 1000, "gid": 10},
    {"path": "/dev/loopx", "type": "b", "major": 7, "minor": 200, "fileMode": 432},
    {"path": "/dev/sub/null2", "type": "c", "major": 1, "minor": 3},
    {"path": "/dev/myfifo", "type": "p", "fileMode": 420},
    {"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438, "uid": 5, "gid": 5}]'
  out=$(rt run -b "$B" setup-m2 2>&1)
  check "default and spec devices" "/dev/null character special file 666 0:0 1:3
/dev/zero character special file 666 5:5 1:5
/dev/full character special file 666 0:0 1:7
/dev/random character special file 666 0:0 1:8
/dev/urandom character special file 666 0:0 1:9
/dev/tty character special file 666 0:0 5:0
/dev/kmsg character special file 600 1000:10 1:b
/dev/loopx block special file 660 0:0 7:c8
/dev/sub/null2 character special file 666 0:0 1:3
/dev/myfifo fifo 644 0:0 0:0
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx" "$out"
}

# --no-pivot: the same root, entered with MS_MOVE + chroot
case_no_pivot() {
  mounts_bundle
  bundle_set "$B" '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; ls /"] | del(.linux.devices)'
  out=$(rt run --no-pivot -b "$B" setup-m3 2>&1)
  check "--no-pivot: the container's / is the rootfs" "$B/rootfs" "$(mnt "$out" / | awk '{print $4}')"
  check_contains "--no-pivot: the rootfs's entries are at /" "$out" "bin
data
dev
etc
evil"
}

# a bind mount onto /proc from elsewhere is refused (CVE-2019-16884 class)
case_bind_over_proc_refused() {
  mounts_bundle
  bundle_set "$B" '.mounts += [{"destination": "/proc/self", "type": "bind", "source": "hostdir", "options": ["bind"]}]'
  rc=0
  out=$(rt run -b "$B" setup-m4 2>&1) || rc=$?
  check "bind over /proc is refused" 1 "$rc"
  check_contains "the error names the mount" "$out" "mount /proc/self"
}

# "type": "bind" without a bind option is still a bind mount (docs/differences-from-runc.md)
case_bind_type_without_option() {
  mounts_bundle
  bundle_set "$B" '.process.args = ["cat", "/data2/file"]
  | .mounts += [{"destination": "/data2", "type": "bind", "source": "hostdir", "options": ["ro"]}]'
  check "type bind without a bind option" from-host "$(rt run -b "$B" setup-m5 2>&1)"
}

lib_run_cases "$@"
