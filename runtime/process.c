/* Program lookup, cwd and execve for container processes. */
#include <errno.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/process.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path(const struct oci_process *p)
{
        for (size_t i = 0; i < p->env.n; i++)
                if (strncmp(p->env.v[i], "PATH=", 5) == 0)
                        return p->env.v[i] + 5;
        return DEFAULT_PATH;
}

static bool is_executable(const char *path)
{
        struct stat sb;
        return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

int process_resolve(const struct oci_process *p, char *path, size_t size, struct rterr *err)
{
        if (p->args.n == 0 || p->args.v[0][0] == '\0')
                return rterr_set(err, EINVAL, "process.args: must not be empty");
        const char *file = p->args.v[0];
        if (strchr(file, '/')) {
                if (snprintf(path, size, "%s", file) >= (int)size)
                        return rterr_set(err, ENAMETOOLONG, "process.args[0]: too long");
                if (!is_executable(path))
                        return rterr_errno(err, "exec: \"%s\"", file);
                return 0;
        }
        const char *dirs = env_path(p);
        while (*dirs) {
                const char *end = strchrnul(dirs, ':');
                int n = (int)(end - dirs);
                if (snprintf(path, size, "%.*s%s%s", n, n ? dirs : ".", n ? "/" : "", file) <
                        (int)size &&
                    is_executable(path))
                        return 0;
                dirs = *end ? end + 1 : end;
        }
        return rterr_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", file);
}

static int cmp_int(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

void close_fds_except(int first, const int *keep, size_t n)
{
        int sorted[n > 0 ? n : 1];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                if (keep[i] >= first)
                        sorted[k++] = keep[i];
        qsort(sorted, k, sizeof(int), cmp_int);
        unsigned int from = (unsigned int)first;
        for (size_t i = 0; i < k; i++) {
                if ((unsigned int)sorted[i] > from)
                        syscall(SYS_close_range, from, (unsigned int)sorted[i] - 1, 0);
                from = (unsigned int)sorted[i] + 1;
        }
        syscall(SYS_close_range, from, ~0u, 0);
}

int process_chdir(const struct oci_process *p, struct rterr *err)
{
        const char *cwd = p->cwd && p->cwd[0] ? p->cwd : "/";
        if (chdir(cwd) < 0)
                return rterr_errno(err, "process.cwd: chdir %s", cwd);
        /* A cwd that is not below the root (a leaked host directory) reads "(unreachable)". */
        char buf[PATH_MAX];
        if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
                return rterr_set(err, EPERM, "process.cwd: %s is outside the container root", cwd);
        return 0;
}

/* The home directory of the process's uid in the container's /etc/passwd, or "/": runc puts it
 * in the environment as HOME when process.env has none. */
static void home_of(uid_t uid, char *out, size_t len)
{
        snprintf(out, len, "/");
        FILE *f = fopen("/etc/passwd", "re");
        if (!f)
                return;
        char line[1024];
        while (fgets(line, sizeof(line), f)) {
                char *field[7] = {0};
                char *s = line;
                int n = 0;
                /* name:password:uid:gid:gecos:home:shell, empty fields allowed */
                for (; n < 7 && s; n++) {
                        field[n] = s;
                        s = strchr(s, ':');
                        if (s)
                                *s++ = '\0';
                }
                if (n < 6 || !*field[2] || strtoul(field[2], NULL, 10) != uid)
                        continue;
                field[5][strcspn(field[5], "\n")] = '\0';
                if (*field[5])
                        snprintf(out, len, "%s", field[5]);
                break;
        }
        fclose(f);
}

static bool env_has(const struct oci_process *p, const char *prefix)
{
        for (size_t i = 0; i < p->env.n; i++)
                if (strncmp(p->env.v[i], prefix, strlen(prefix)) == 0)
                        return true;
        return false;
}

int process_exec_prepare(const struct oci_process *p, const char *path, int preserve_fds,
                         struct exec_image *img, struct rterr *err)
{
        unsigned int first = 3u + (unsigned int)(preserve_fds > 0 ? preserve_fds : 0);
        if (syscall(SYS_close_range, first, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
                return rterr_errno(err, "close_range");
        img->path = path;
        img->argv = p->args.v;
        img->envp = calloc(p->env.n + 2, sizeof(char *));
        if (!img->envp)
                return rterr_errno(err, "process.env: allocate");
        for (size_t i = 0; i < p->env.n; i++)
                img->envp[i] = p->env.v[i];
        if (!env_has(p, "HOME=")) {
                memcpy(img->home, "HOME=", 5);
                home_of(getuid(), img->home + 5, sizeof(img->home) - 5);
                img->envp[p->env.n] = img->home;
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        return 0;
}

int process_exec_image(const struct exec_image *img, struct rterr *err)
{
        execve(img->path, img->argv, img->envp);
        return rterr_errno(err, "exec %s", img->path);
}

int process_exec(const struct oci_process *p, const char *path, int preserve_fds, struct rterr *err)
{
        struct exec_image img;
        if (process_exec_prepare(p, path, preserve_fds, &img, err) < 0)
                return -1;
        return process_exec_image(&img, err);
}
