/* Running the criu binary (runtime/criu_run.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/criu_run.h"
#include "runtime/mounts.h"

#define CRIU_BIN "criu"

void criu_argv_add(struct criu_argv *a, const char *fmt, ...)
{
        if (a->failed)
                return;
        if (a->n + 2 > a->cap) {
                size_t cap = a->cap ? a->cap * 2 : 32;
                char **v = realloc(a->v, cap * sizeof(*v));
                if (v == NULL) {
                        a->failed = true;
                        return;
                }
                a->v = v;
                a->cap = cap;
        }
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&a->v[a->n], fmt, ap);
        va_end(ap);
        if (r < 0) {
                a->failed = true;
                return;
        }
        a->v[++a->n] = NULL;
}

int criu_argv_check(const struct criu_argv *a, struct rterr *err)
{
        return a->failed ? rterr_sys(err, ENOMEM, "criu arguments") : 0;
}

void criu_argv_free(struct criu_argv *a)
{
        for (size_t i = 0; i < a->n; i++)
                free(a->v[i]);
        free(a->v);
        *a = (struct criu_argv){0};
}

const char *criu_work_dir(const struct criu_opts *o)
{
        return o->work_path && o->work_path[0] ? o->work_path : o->image_path;
}

int criu_dirs(const struct criu_opts *o, struct rterr *err)
{
        if (mkdir_p(o->image_path, 0700, err) < 0)
                return rterr_wrap(err, "--image-path");
        if (mkdir_p(criu_work_dir(o), 0700, err) < 0)
                return rterr_wrap(err, "--work-path");
        return 0;
}

void criu_argv_common(struct criu_argv *a, const struct criu_opts *o, const char *log)
{
        criu_argv_add(a, "--images-dir=%s", o->image_path);
        criu_argv_add(a, "--work-dir=%s", criu_work_dir(o));
        criu_argv_add(a, "--log-file=%s", log);
        criu_argv_add(a, "-v4");
        if (o->tcp_established)
                criu_argv_add(a, "--tcp-established");
        if (o->ext_unix_sk)
                criu_argv_add(a, "--ext-unix-sk");
        if (o->shell_job)
                criu_argv_add(a, "--shell-job");
        if (o->file_locks)
                criu_argv_add(a, "--file-locks");
        if (o->lazy_pages)
                criu_argv_add(a, "--lazy-pages");
        if (o->status_fd >= 0)
                criu_argv_add(a, "--status-fd=%d", o->status_fd);
        if (o->manage_cgroups_mode && o->manage_cgroups_mode[0])
                criu_argv_add(a, "--manage-cgroups=%s", o->manage_cgroups_mode);
        else
                criu_argv_add(a, "--manage-cgroups=soft");
}

static void keep_open(int fd)
{
        if (fd >= 0)
                fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) & ~FD_CLOEXEC);
}

int criu_spawn(const struct criu_argv *a, int keep_fd, int keep_fd2, int *go_fd, pid_t *pid,
               struct rterr *err)
{
        int go[2] = {-1, -1};
        if (go_fd && pipe2(go, O_CLOEXEC) < 0)
                return rterr_errno(err, "pipe");
        pid_t p = fork();
        if (p < 0) {
                int saved = errno;
                if (go_fd) {
                        close(go[0]);
                        close(go[1]);
                }
                return rterr_sys(err, saved, "fork criu");
        }
        if (p == 0) {
                if (go_fd) {
                        char c;
                        close(go[1]);
                        while (read(go[0], &c, 1) < 0 && errno == EINTR)
                                ;
                }
                keep_open(keep_fd);
                keep_open(keep_fd2);
                execvp(CRIU_BIN, a->v);
                fprintf(stderr, "rtrun: exec %s: %s\n", CRIU_BIN, strerror(errno));
                _exit(127);
        }
        if (go_fd) {
                close(go[0]);
                *go_fd = go[1];
        }
        *pid = p;
        return 0;
}

/* The cause of a failed criu run from its log (thousands of lines at -v4): the first line criu
 * logged as an error ("Error (file:line): ..."); the lines after it are the failure passed up
 * ("Dump files (pid: N) failed with -1") and criu's closing "Dumping FAILED.". Without one,
 * the last line that mentions an error. */
static void first_error_line(const char *path, char *out, size_t len)
{
        out[0] = '\0';
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (f == NULL)
                return;
        char line[1024];
        while (fgets(line, sizeof(line), f)) {
                if (strstr(line, "Error") == NULL && strstr(line, "error") == NULL)
                        continue;
                line[strcspn(line, "\n")] = '\0';
                snprintf(out, len, "%.500s", line);
                if (strstr(line, "Error (") != NULL)
                        return;
        }
}

int criu_wait(pid_t pid, const struct criu_opts *o, const char *log, const char *what,
              struct rterr *err)
{
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return rterr_errno(err, "wait for criu %s", what);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        char path[4096], line[600];
        snprintf(path, sizeof(path), "%s/%s", criu_work_dir(o), log);
        first_error_line(path, line, sizeof(line));
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                return rterr_set(err, ENOENT,
                                 "criu %s: the criu binary could not be run "
                                 "(apt-get install criu)",
                                 what);
        /* The vDSO check fails this way on kernels newer than criu 3.17 knows (6.18). */
        return rterr_set(err, EIO, "criu %s failed (%s %d): %s (log: %s)", what,
                         WIFEXITED(status) ? "exit status" : "signal",
                         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                         line[0] ? line : "no error line in its log", path);
}

int criu_version(char *buf, size_t len)
{
        _cleanup_fclose_ FILE *f = popen(CRIU_BIN " --version 2>/dev/null", "r");
        if (f == NULL)
                return -1;
        char line[256];
        int found = -1;
        while (fgets(line, sizeof(line), f)) {
                const char *v = strstr(line, "Version: ");
                if (v && found < 0) {
                        v += strlen("Version: ");
                        snprintf(buf, len, "%.*s", (int)strcspn(v, " \n"), v);
                        found = 0;
                }
        }
        int st = pclose(f);
        f = NULL;
        return st == 0 ? found : -1;
}

void criu_argv_externals(struct criu_argv *a, const struct oci_spec *spec, const char *bundle,
                         pid_t dump_pid)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct oci_mount *m = &spec->mounts[i];
                if (mount_kind_of(m) != MOUNT_KIND_BIND || m->destination == NULL)
                        continue;
                const char *slash = m->destination[0] == '/' ? "" : "/";
                if (dump_pid > 0) {
                        criu_argv_add(a, "--external=mnt[%s%s]:%s%s", slash, m->destination, slash,
                                      m->destination);
                        continue;
                }
                const char *src = m->source ? m->source : "";
                if (src[0] == '/' || bundle == NULL)
                        criu_argv_add(a, "--external=mnt[%s%s]:%s", slash, m->destination, src);
                else
                        criu_argv_add(a, "--external=mnt[%s%s]:%s/%s", slash, m->destination,
                                      bundle, src);
        }
        for (size_t i = 0; i < spec->linux_.masked_paths.n; i++) {
                const char *p = spec->linux_.masked_paths.v[i];
                if (dump_pid > 0) {
                        char path[4096];
                        struct stat sb;
                        snprintf(path, sizeof(path), "/proc/%d/root%s", (int)dump_pid, p);
                        if (stat(path, &sb) < 0 || S_ISDIR(sb.st_mode))
                                continue; /* absent, or an empty tmpfs that criu dumps itself */
                        criu_argv_add(a, "--external=mnt[%s]:%s", p, p);
                } else {
                        criu_argv_add(a, "--external=mnt[%s]:/dev/null", p);
                }
        }
}

int criu_features(struct oci_kvs *out, struct rterr *err)
{
        char v[32];
        bool ok = criu_version(v, sizeof(v)) == 0;
        if (oci_kvs_add(out, "org.rtrun.checkpoint.criu", ok ? v : "unavailable", err) < 0)
                return -1;
        return oci_kvs_add(out, "org.rtrun.checkpoint.rtReadmission", "true", err);
}
