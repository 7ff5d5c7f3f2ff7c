# Runs inside the container (busybox sh): prints what the differential test compares.
echo "== id"
id
echo "== status"
grep -E '^(Uid|Gid|Groups|Umask|Cap[A-Za-z]+|NoNewPrivs|Seccomp[A-Za-z_]*):' /proc/self/status
echo "== mountinfo"
cat /proc/self/mountinfo
echo "== env"
env | sort
echo "== cwd"
pwd
echo "== limits"
cat /proc/self/limits
echo "== hostname"
hostname
cat /proc/sys/kernel/domainname 2>&1
echo "== dev"
for f in /dev/* /dev/pts/ptmx; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        stat -c '%n %F %a %u:%g %t:%T' "$f"
        [ -L "$f" ] && echo "  -> $(readlink "$f")"
done
echo "== write"
echo probe >/probe-written 2>/dev/null
echo "rootfs write rc=$?"
mkdir -p /tmp/probe-dir 2>/dev/null && echo x >/tmp/probe-dir/file 2>/dev/null
echo "tmp write rc=$?"
if [ -f /probe-extra.sh ]; then
        echo "== extra"
        . /probe-extra.sh
fi
exit 0
