#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/json.h"
#include "common/cleanup.h"
#include "runtime/seccomp_filter.h"
#include "runtime/setup.h"

int seccomp_apply(const struct oci_seccomp *s, int *notify_fd, struct rterr *err)
{
        *notify_fd = -1;
        if (!s->set)
                return 0;
        scmp_filter_ctx ctx;
        if (seccomp_build(s, &ctx, err) < 0)
                return -1;
        int rc = seccomp_load(ctx);
        if (rc < 0) {
                seccomp_release(ctx);
                return rterr_sys(err, -rc, "linux.seccomp: load the filter");
        }
        if (s->listener_path) {
                rc = seccomp_notify_fd(ctx);
                if (rc < 0) {
                        seccomp_release(ctx);
                        return rterr_sys(err, -rc, "linux.seccomp.listenerPath: no notify fd");
                }
                *notify_fd = rc;
        }
        seccomp_release(ctx);
        return 0;
}

/* The runtime-spec's "container process state" document (config-linux.md, seccomp state). */
static char *process_state(const struct oci_seccomp *s, pid_t pid, const char *state_json)
{
        _cleanup_free_ char *meta = json_quote(s->listener_metadata ? s->listener_metadata : "");
        if (!meta)
                return NULL;
        char *out = NULL;
        if (asprintf(&out,
                     "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%ld,"
                     "\"metadata\":%s,\"state\":%s}",
                     OCI_VERSION, (long)pid, meta, state_json) < 0)
                return NULL;
        return out;
}

int seccomp_listener_connect(const struct oci_seccomp *s, int *sock, struct rterr *err)
{
        *sock = -1;
        if (!s->set || !s->listener_path)
                return 0;
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(s->listener_path) >= sizeof(addr.sun_path))
                return rterr_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s is too long",
                                 s->listener_path);
        strcpy(addr.sun_path, s->listener_path);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return rterr_errno(err, "linux.seccomp.listenerPath: socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return rterr_errno(err, "linux.seccomp.listenerPath: connect %s", s->listener_path);
        *sock = TAKE_FD(fd);
        return 0;
}

int seccomp_send_listener(const struct oci_seccomp *s, int sock, int notify_fd, pid_t pid,
                          const char *state_json, struct rterr *err)
{
        _cleanup_free_ char *msg = process_state(s, pid, state_json);
        if (!msg)
                return rterr_errno(err, "linux.seccomp.listenerPath: build the state");
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl = {0};
        struct iovec iov = {.iov_base = msg, .iov_len = strlen(msg)};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.buf,
                            .msg_controllen = sizeof(ctl.buf)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0)
                return rterr_errno(err, "linux.seccomp.listenerPath: send to %s", s->listener_path);
        if ((size_t)n != iov.iov_len)
                return rterr_set(err, EIO, "linux.seccomp.listenerPath: short send to %s",
                                 s->listener_path);
        return 0;
}
