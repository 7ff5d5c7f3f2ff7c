/* SCMP_ACT_NOTIFY with listenerPath: the child loads the filter and sends the listener fd with
 * the container process state; this test plays the listener and answers the notification. */
#include <errno.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "runtime/setup.h"

#define STATE "{\"ociVersion\":\"1.2.0\",\"id\":\"setup-n\",\"status\":\"creating\",\"pid\":4321}"

static int child(const char *json)
{
        struct oci_spec *spec = NULL;
        struct rterr err = {0};
        int sock = -1;
        struct seccomp_prog prog;
        struct seccomp_handover ho;
        if (oci_spec_parse(json, strlen(json), &spec, &err) < 0 ||
            seccomp_listener_connect(&spec->linux_.seccomp, &sock, &err) < 0 ||
            seccomp_prepare(&spec->linux_.seccomp, &prog, &err) < 0 ||
            seccomp_handover_start(&ho, &spec->linux_.seccomp, sock, 4321, STATE, &err) < 0 ||
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            seccomp_install_handover(&prog, &ho, &err) < 0) {
                fprintf(stderr, "child: %s\n", err.msg);
                return 2;
        }
        /* The hand-over closed our copies of the listener and the socket. */
        if (fcntl(ho.fd, F_GETFD) != -1 || fcntl(sock, F_GETFD) != -1) {
                fprintf(stderr, "child: still holds the listener or the socket\n");
                return 3;
        }
        errno = 0;
        long r = syscall(SYS_getppid);
        if (r != -1 || errno != 77) {
                fprintf(stderr, "child: getppid gave %ld errno %d\n", r, errno);
                return 1;
        }
        return 0;
}

/* Receives the message and the one fd it carries. */
static int recv_fd(int sock, char *buf, size_t len)
{
        union {
                char b[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = buf, .iov_len = len - 1};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.b,
                            .msg_controllen = sizeof(ctl.b)};
        ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        assert_true(n > 0);
        buf[n] = '\0';
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        assert_non_null(c);
        assert_int_equal(c->cmsg_type, SCM_RIGHTS);
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof(fd));
        return fd;
}

static void test_notify_listener(void **state)
{
        (void)state;
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        snprintf(addr.sun_path, sizeof(addr.sun_path), "/tmp/rtrun-test-setup-%d.sock", getpid());
        unlink(addr.sun_path);
        int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(srv >= 0);
        assert_int_equal(bind(srv, (struct sockaddr *)&addr, sizeof(addr)), 0);
        assert_int_equal(listen(srv, 1), 0);
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":"
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
                 "\"listenerMetadata\":\"meta \\\"q\\\"\",\"syscalls\":[{\"names\":[\"getppid\"],"
                 "\"action\":\"SCMP_ACT_NOTIFY\"}]}}}",
                 addr.sun_path);
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(child(json));
        int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
        assert_true(conn >= 0);
        char msg[4096];
        int nfd = recv_fd(conn, msg, sizeof(msg));
        assert_non_null(strstr(msg, "\"fds\":[\"seccompFd\"]"));
        assert_non_null(strstr(msg, "\"pid\":4321"));
        assert_non_null(strstr(msg, "\"metadata\":\"meta \\\"q\\\"\""));
        assert_non_null(strstr(msg, "\"state\":" STATE));
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        assert_int_equal(seccomp_notify_alloc(&req, &resp), 0);
        assert_int_equal(seccomp_notify_receive(nfd, req), 0);
        assert_int_equal(req->data.nr, SYS_getppid);
        resp->id = req->id;
        resp->error = -77;
        resp->val = 0;
        resp->flags = 0;
        assert_int_equal(seccomp_notify_respond(nfd, resp), 0);
        seccomp_notify_free(req, resp);
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        close(nfd);
        close(conn);
        close(srv);
        unlink(addr.sun_path);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_notify_listener),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
