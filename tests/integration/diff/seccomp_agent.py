# A seccomp agent for the tests: accepts N connections on the listenerPath, takes the listener
# fd of each and answers every notification "continue" (SECCOMP_USER_NOTIF_FLAG_CONTINUE), or
# with --hold never answers (--hold-from K: from the K-th connection on), with --close closes
# it at once (a container whose notified syscall then waits). Prints one line
# per connection: the syscall numbers it continued, when the listener closes.
import array, ctypes, fcntl, os, select, socket, struct, sys, threading

RECV = 0xC0502100  # SECCOMP_IOCTL_NOTIF_RECV, struct seccomp_notif (80 bytes)
SEND = 0xC0182101  # SECCOMP_IOCTL_NOTIF_SEND, struct seccomp_notif_resp (24 bytes)
CONTINUE = 1

def serve(fd, hold, out):
    seen = []
    while True:
        r, _, _ = select.select([fd], [], [], 30)
        if not r:
            break
        req = bytearray(80)
        try:
            fcntl.ioctl(fd, RECV, req, True)
        except OSError:
            break  # the filter's last task is gone
        nr = struct.unpack_from("=i", req, 16)[0]
        seen.append(nr)
        if hold:
            continue
        nid = struct.unpack_from("=Q", req, 0)[0]
        resp = bytearray(struct.pack("=QqiI", nid, 0, 0, CONTINUE))
        try:
            fcntl.ioctl(fd, SEND, resp, True)
        except OSError:
            pass
    out.write("continued %s\n" % sorted(set(seen)))
    out.flush()
    os.close(fd)

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(8)
n = int(sys.argv[2])
hold = "--hold" in sys.argv
close = "--close" in sys.argv
# --hold-from K: connections K, K+1, ... are held, the earlier ones continued.
hold_from = int(sys.argv[sys.argv.index("--hold-from") + 1]) if "--hold-from" in sys.argv else 0
threads = []
for k in range(1, n + 1):
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    if close:
        os.close(fds[0])
        sys.stdout.write("closed\n")
        sys.stdout.flush()
        continue
    t = threading.Thread(target=serve, args=(fds[0], hold or (hold_from and k >= hold_from),
                                             sys.stdout))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
