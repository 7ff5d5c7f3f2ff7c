/* Loading a spec's filter: built and exported to BPF while the process may still make any
 * syscall, installed by one seccomp(2) call as the last step before execve. */
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/seccomp_filter.h"
#include "runtime/setup.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

bool seccomp_uses_notify(const struct oci_seccomp *s)
{
        if (!s->set)
                return false;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (s->syscalls[i].action == OCI_SCMP_NOTIFY)
                        return true;
        return false;
}

bool seccomp_hands_over(const struct oci_seccomp *s)
{
        return s->set && s->listener_path && seccomp_uses_notify(s);
}

/* The SECCOMP_FILTER_FLAG_* the spec's flags asked libseccomp for. */
static unsigned int filter_flags(scmp_filter_ctx ctx)
{
        unsigned int flags = 0;
        uint32_t v = 0;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v) == 0 && v)
                flags |= SECCOMP_FILTER_FLAG_LOG;
        v = 0;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &v) == 0 && v)
                flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
#ifdef SCMP_FLTATR_CTL_WAITKILL
        v = 0;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_WAITKILL, &v) == 0 && v)
                flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
#endif
        return flags;
}

/* libseccomp writes the program to an fd: a memfd, read back into memory. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *p, struct rterr *err)
{
        _cleanup_close_ int fd = memfd_create("rtrun-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "linux.seccomp: memfd_create");
        int rc = seccomp_export_bpf(ctx, fd);
        if (rc < 0)
                return rterr_sys(err, -rc, "linux.seccomp: export the filter");
        struct stat sb;
        if (fstat(fd, &sb) < 0)
                return rterr_errno(err, "linux.seccomp: stat the exported filter");
        size_t n = (size_t)sb.st_size / sizeof(struct sock_filter);
        if (n == 0 || n > BPF_MAXINSNS)
                return rterr_set(err, E2BIG,
                                 "linux.seccomp: the filter has %zu instructions "
                                 "(the kernel takes 1 to %d)",
                                 n, BPF_MAXINSNS);
        p->insns = calloc(n, sizeof(struct sock_filter));
        if (!p->insns)
                return rterr_errno(err, "linux.seccomp: allocate the filter");
        if (pread(fd, p->insns, n * sizeof(struct sock_filter), 0) !=
            (ssize_t)(n * sizeof(struct sock_filter)))
                return rterr_errno(err, "linux.seccomp: read the exported filter");
        p->len = (unsigned short)n;
        return 0;
}

int seccomp_prepare(const struct oci_seccomp *s, struct seccomp_prog *p, struct rterr *err)
{
        *p = (struct seccomp_prog){0};
        if (!s->set)
                return 0;
        scmp_filter_ctx ctx;
        if (seccomp_build(s, &ctx, err) < 0)
                return -1;
        p->flags = filter_flags(ctx);
        int r = export_bpf(ctx, p, err);
        seccomp_release(ctx);
        if (r < 0) {
                seccomp_prog_free(p);
                return -1;
        }
        p->notify = seccomp_uses_notify(s);
        p->set = true;
        return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
        free(p->insns);
        *p = (struct seccomp_prog){0};
}

int seccomp_install(const struct seccomp_prog *p, bool listener)
{
        if (!p->set)
                return 0;
        struct sock_fprog prog = {.len = p->len, .filter = p->insns};
        unsigned int flags = p->flags;
        /* Without a listener, a notified syscall fails with ENOSYS (seccomp_unotify(2)). */
        if (listener && p->notify)
                flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        return r < 0 ? -1 : (int)r;
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

/* The listener hand-over. The process that loads the filter must not be the only holder of
 * the listener fd while it makes a notified syscall (it would wait for itself), and no syscall
 * of its own may come between the load and execve. So a helper thread, made early (before
 * the process takes a real-time policy: a SCHED_DEADLINE task cannot clone) and sharing the
 * fd table and memory, sends the fd to the agent and closes the process's copy while the
 * process spins on memory; then the process execs. */
enum { HANDOVER_WAIT, HANDOVER_LOADED, HANDOVER_FAILED, HANDOVER_DONE };
#define HANDOVER_STACK (64 * 1024)

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#else
        __asm__ volatile("" ::: "memory");
#endif
}

/* Raw syscalls only: this thread shares the process's TLS (no CLONE_SETTLS). */
static int handover_thread(void *arg)
{
        struct seccomp_handover *h = arg;
        char b;
        long r = syscall(SYS_read, h->go[0], &b, 1);
        syscall(SYS_close, h->go[0]);
        syscall(SYS_close, h->go[1]);
        if (r != 1)
                return 0;
        int st;
        while ((st = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE)) == HANDOVER_WAIT)
                syscall(SYS_sched_yield);
        if (st != HANDOVER_LOADED)
                return 0;
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        memset(&ctl, 0, sizeof(ctl));
        struct iovec iov = {.iov_base = h->msg, .iov_len = h->len};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.buf,
                            .msg_controllen = sizeof(ctl.buf)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &h->fd, sizeof(int));
        long n = syscall(SYS_sendmsg, h->sock, &mh, MSG_NOSIGNAL);
        h->error = n < 0 ? errno : (size_t)n != h->len ? EIO : 0;
        syscall(SYS_close, h->fd);
        syscall(SYS_close, h->sock);
        __atomic_store_n(&h->state, HANDOVER_DONE, __ATOMIC_RELEASE);
        return 0;
}

int seccomp_handover_start(struct seccomp_handover *h, const struct oci_seccomp *s, int sock,
                           pid_t pid, const char *state_json, struct rterr *err)
{
        *h = (struct seccomp_handover){.go = {-1, -1}, .sock = -1, .fd = -1};
        if (sock < 0)
                return 0;
        h->msg = process_state(s, pid, state_json);
        if (!h->msg)
                return rterr_errno(err, "linux.seccomp.listenerPath: build the state");
        h->len = strlen(h->msg);
        if (pipe2(h->go, O_CLOEXEC) < 0)
                return rterr_errno(err, "linux.seccomp.listenerPath: pipe");
        h->stack = mmap(NULL, HANDOVER_STACK, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (h->stack == MAP_FAILED)
                return rterr_errno(err, "linux.seccomp.listenerPath: thread stack");
        h->sock = sock;
        int flags =
            CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
        if (clone(handover_thread, (char *)h->stack + HANDOVER_STACK, flags, h) < 0)
                return rterr_errno(err, "linux.seccomp.listenerPath: start the hand-over thread");
        /* The fd table is shared: the pipe is the thread's to close. */
        return 0;
}

int seccomp_install_handover(const struct seccomp_prog *p, struct seccomp_handover *h,
                             struct rterr *err)
{
        if (!p->set)
                return 0;
        if (h->sock < 0 || !p->notify) {
                if (seccomp_install(p, false) < 0)
                        return rterr_errno(err, "linux.seccomp: load the filter");
                return 0;
        }
        char go = 1;
        if (write(h->go[1], &go, 1) != 1)
                return rterr_errno(err, "linux.seccomp.listenerPath: wake the hand-over thread");
        int fd = seccomp_install(p, true);
        if (fd < 0) {
                int e = errno;
                __atomic_store_n(&h->state, HANDOVER_FAILED, __ATOMIC_RELEASE);
                return rterr_sys(err, e, "linux.seccomp: load the filter");
        }
        h->fd = fd;
        __atomic_store_n(&h->state, HANDOVER_LOADED, __ATOMIC_RELEASE);
        while (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) != HANDOVER_DONE)
                cpu_relax();
        if (h->error)
                return rterr_sys(err, h->error,
                                 "linux.seccomp.listenerPath: send the listener to the agent");
        return 0;
}

int seccomp_listener_connect(const struct oci_seccomp *s, int *sock, struct rterr *err)
{
        *sock = -1;
        /* As runc: a listenerPath without a SCMP_ACT_NOTIFY rule has nothing to receive. */
        if (!seccomp_hands_over(s))
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
        /* The hand-over must not wait forever on an agent that does not read. */
        struct timeval tv = {.tv_sec = 10};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        *sock = TAKE_FD(fd);
        return 0;
}
