/* Running OCI hooks: fork, state on a pipe as stdin, execve, wait with the timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/devices.h"
#include "runtime/hooks.h"
#include "runtime/setup.h"
#include "runtime/log.h"
#include "runtime/state_dir.h"

static int pidfd_open_(pid_t pid)
{
        return (int)syscall(SYS_pidfd_open, pid, 0);
}

static _Noreturn void hook_child(const struct oci_hook *h, int stdin_fd,
                                 const struct seccomp_prog *filter)
{
        if (dup2(stdin_fd, STDIN_FILENO) < 0)
                _exit(127);
        char *const empty[] = {NULL};
        char *argv0[] = {h->path, NULL};
        char *const *argv = h->args.n > 0 ? h->args.v : argv0;
        char *const *envp = h->env.n > 0 ? h->env.v : empty;
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (filter && seccomp_install(filter, false) < 0)
                _exit(127);
        execve(h->path, argv, envp);
        _exit(127);
}

/* Waits for the hook: its exit status, or kills it at the timeout. */
static int hook_wait(pid_t pid, int pidfd, const struct oci_hook *h, const char *kind, size_t i,
                     struct rterr *err)
{
        if (h->timeout.set) {
                struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
                int ms = h->timeout.v > INT32_MAX / 1000 ? INT32_MAX : (int)h->timeout.v * 1000;
                int r;
                do {
                        r = poll(&pfd, 1, ms);
                } while (r < 0 && errno == EINTR);
                if (r == 0) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                        return rterr_set(err, ETIMEDOUT,
                                         "hooks.%s[%zu] (%s): timed out after %lld s", kind, i,
                                         h->path, (long long)h->timeout.v);
                }
        }
        int status;
        pid_t w;
        do {
                w = waitpid(pid, &status, 0);
        } while (w < 0 && errno == EINTR);
        if (w < 0)
                return rterr_errno(err, "hooks.%s[%zu] (%s): wait", kind, i, h->path);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status))
                return rterr_set(err, 0, "hooks.%s[%zu] (%s): exited with status %d", kind, i,
                                 h->path, WEXITSTATUS(status));
        return rterr_set(err, 0, "hooks.%s[%zu] (%s): killed by signal %d", kind, i, h->path,
                         WTERMSIG(status));
}

static int hook_run_one(const struct oci_hook *h, const char *kind, size_t i, const char *state,
                        const struct seccomp_prog *filter, struct rterr *err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return rterr_errno(err, "hooks.%s[%zu]: pipe", kind, i);
        _cleanup_close_ int rd = p[0], wr = p[1];
        pid_t pid = fork();
        if (pid < 0)
                return rterr_errno(err, "hooks.%s[%zu]: fork", kind, i);
        if (pid == 0)
                hook_child(h, rd, filter);
        _cleanup_close_ int pidfd = pidfd_open_(pid);
        close(TAKE_FD(rd));
        /* A hook may exit without reading its stdin: ignore EPIPE. */
        size_t len = strlen(state), off = 0;
        sigset_t pipe_set, old;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        sigprocmask(SIG_BLOCK, &pipe_set, &old);
        while (off < len) {
                ssize_t w = write(wr, state + off, len - off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        break;
                off += (size_t)w;
        }
        close(TAKE_FD(wr));
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
                ;
        sigprocmask(SIG_SETMASK, &old, NULL);
        return hook_wait(pid, pidfd, h, kind, i, err);
}

int hooks_run(const struct oci_hook_list *hooks, const char *kind, const char *state_json,
              struct rterr *err)
{
        for (size_t i = 0; i < hooks->n; i++)
                if (hook_run_one(&hooks->v[i], kind, i, state_json, NULL, err) < 0)
                        return -1;
        return 0;
}

static int state_json(const struct container *c, enum oci_status status, char **json,
                      struct rterr *err)
{
        struct oci_state st;
        container_oci_state(c, status, &st);
        if (status == OCI_STATUS_STOPPED)
                st.pid = c->pid;
        size_t len;
        return oci_state_to_json(&st, false, json, &len, err);
}

void hooks_run_warn(const struct runtime_ctx *g, const struct oci_hook_list *hooks,
                    const char *kind, const struct container *c, enum oci_status status)
{
        if (hooks->n == 0)
                return;
        struct rterr err = {0};
        _cleanup_free_ char *json = NULL;
        if (state_json(c, status, &json, &err) < 0) {
                log_msg(g, LOG_WARN, "hooks.%s: %s", kind, err.msg);
                return;
        }
        for (size_t i = 0; i < hooks->n; i++)
                if (hook_run_one(&hooks->v[i], kind, i, json, NULL, &err) < 0)
                        log_msg(g, LOG_WARN, "%s", err.msg);
}

int hooks_run_filtered(const struct oci_hook_list *hooks, const char *kind,
                       const struct container *c, enum oci_status status,
                       const struct seccomp_prog *filter, struct rterr *err)
{
        if (hooks->n == 0)
                return 0;
        _cleanup_free_ char *json = NULL;
        if (state_json(c, status, &json, err) < 0)
                return rterr_wrap(err, "hooks.%s", kind);
        for (size_t i = 0; i < hooks->n; i++)
                if (hook_run_one(&hooks->v[i], kind, i, json, filter, err) < 0)
                        return cdi_hook_blame(&c->annotations, err);
        return 0;
}

int hooks_run_state(const struct oci_hook_list *hooks, const char *kind, const struct container *c,
                    enum oci_status status, struct rterr *err)
{
        return hooks_run_filtered(hooks, kind, c, status, NULL, err);
}
