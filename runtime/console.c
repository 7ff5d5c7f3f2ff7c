/* The container's terminal: pty in the container, master to the console socket. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/console.h"

int console_connect(const char *path, int *fd, struct rterr *err)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path))
                return rterr_set(err, ENAMETOOLONG, "--console-socket %s: path too long", path);
        strcpy(addr.sun_path, path);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return rterr_errno(err, "--console-socket %s: socket", path);
        if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return rterr_errno(err, "--console-socket %s: connect", path);
        *fd = TAKE_FD(s);
        return 0;
}

static int send_fd(int sock, int fd, const char *name, struct rterr *err)
{
        char cbuf[CMSG_SPACE(sizeof(int))];
        memset(cbuf, 0, sizeof(cbuf));
        struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = cbuf,
            .msg_controllen = sizeof(cbuf),
        };
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        ssize_t w;
        do {
                w = sendmsg(sock, &msg, MSG_NOSIGNAL);
        } while (w < 0 && errno == EINTR);
        if (w < 0)
                return rterr_errno(err, "send the console to --console-socket");
        return 0;
}

int console_recv_fd(int sock, int *fd, struct rterr *err)
{
        char name[256];
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = cbuf,
            .msg_controllen = sizeof(cbuf),
        };
        ssize_t r;
        do {
                r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        } while (r < 0 && errno == EINTR);
        if (r < 0)
                return rterr_errno(err, "receive the console");
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        if (r == 0 || cm == NULL || cm->cmsg_type != SCM_RIGHTS)
                return rterr_set(err, EPROTO, "receive the console: no file descriptor");
        memcpy(fd, CMSG_DATA(cm), sizeof(int));
        return 0;
}

int console_setup(int sock, const struct oci_process *p, struct rterr *err)
{
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return rterr_errno(err, "process.terminal: open /dev/ptmx");
        if (unlockpt(master) < 0)
                return rterr_errno(err, "process.terminal: unlockpt");
        char name[128];
        if (ptsname_r(master, name, sizeof(name)) != 0)
                return rterr_errno(err, "process.terminal: ptsname");
        _cleanup_close_ int slave = open(name, O_RDWR | O_NOCTTY);
        if (slave < 0)
                return rterr_errno(err, "process.terminal: open %s", name);
        /* The uid only, as runc: the group stays the devpts one (gid=5, tty, in the default
         * mounts), so that tools checking the tty group work, also for non-root users. */
        if (fchown(slave, p->user.uid, (gid_t)-1) < 0 && errno != EINVAL)
                return rterr_errno(err, "process.terminal: chown %s", name);
        if (p->has_console_size) {
                struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                                     .ws_col = (unsigned short)p->console_width};
                if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
                        return rterr_errno(err, "process.consoleSize: TIOCSWINSZ");
        }
        if (send_fd(sock, master, name, err) < 0)
                return -1;
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return rterr_errno(err, "process.terminal: make %s the controlling terminal", name);
        for (int fd = 0; fd < 3; fd++)
                if (dup2(slave, fd) < 0)
                        return rterr_errno(err, "process.terminal: dup2");
        return 0;
}
