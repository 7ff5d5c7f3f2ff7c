# tmpcopyup (Podman's --tmpfs and --read-only): the new tmpfs starts with the image directory's
# tree, owners, modes and symlinks; the tmpfs root keeps the directory's mode (not its owner);
# without the option it starts empty; on a read-only rootfs and on a read-only tmpfs too.
# Deliberate differences (docs/differences-from-runc.md, checked by t_core_tmpcopyup.sh): rtrun
# keeps hard links and times, and copies fifos and device nodes, where runc 1.1.5 fails
# ("lchown ...: no such file or directory"); so the link count and times are not compared here.
filter='.root.readonly = true
  | .mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs",
                 "options": ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"]},
                {"destination": "/seedro", "type": "tmpfs", "source": "tmpfs",
                 "options": ["ro", "size=1m", "tmpcopyup"]},
                {"destination": "/plain", "type": "tmpfs", "source": "tmpfs",
                 "options": ["rw", "nosuid"]}]'
prepare() {
        local s
        for s in rootfs/seed rootfs/seedro rootfs/plain; do
                mkdir -p "$s/sub/deep"
                echo one >"$s/file"
                chmod 644 "$s/file"
                chown 1000:10 "$s/file"
                ln "$s/file" "$s/hard"
                ln -s file "$s/link"
                ln -s /etc/passwd "$s/abs"
                printf 'x%.0s' $(seq 1 5000) >"$s/sub/big"
                chmod 4755 "$s/sub/big"
                chown -h 7:8 "$s/abs"
                chown 2:3 "$s/sub/deep"
                chmod 705 "$s/sub/deep"
                touch -d '2001-02-03 04:05:06' "$s/sub/big" "$s/sub/deep"
                chmod 1755 "$s"
                chown 5:6 "$s"
        done
}
extra='for d in /seed /seedro /plain; do
  echo "-- $d"; stat -c "%a %u:%g" $d
  (cd $d && find . | sort | while read -r f; do stat -c "%n %F %a %u:%g %s %N" "$f"; done)
done
echo two >/seed/file; echo "write rc=$?"; cat /seed/hard
touch /seedro/x 2>/dev/null; echo "ro rc=$?"'
