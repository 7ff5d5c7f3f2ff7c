/* Test helper: a --console-socket receiver. Listens on SOCKET, accepts one connection, takes
 * the pty master sent with SCM_RIGHTS, writes INPUT (if given) to it and copies everything the
 * container prints to stdout until the pty hangs up.  Usage: recvtty SOCKET [INPUT] */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int conn)
{
        char name[256];
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
        if (recvmsg(conn, &msg, 0) <= 0)
                return -1;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
                return -1;
        int fd;
        memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
        return fd;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
                return 2;
        }
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        unlink(argv[1]);
        if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0) {
                perror("recvtty: listen");
                return 1;
        }
        /* Ready: the caller waits for the socket file to exist. */
        int conn = accept(s, NULL, NULL);
        if (conn < 0) {
                perror("recvtty: accept");
                return 1;
        }
        int master = recv_fd(conn);
        if (master < 0) {
                fprintf(stderr, "recvtty: no fd received\n");
                return 1;
        }
        if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0)
                perror("recvtty: write");
        char buf[4096];
        for (;;) {
                ssize_t r = read(master, buf, sizeof(buf));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                if (write(STDOUT_FILENO, buf, (size_t)r) < 0)
                        break;
        }
        return 0;
}
