/* The kernel's size limits on what a config asks for, checked while parsing: a config the
 * kernel would refuse halfway through the set-up (sethostname, execve, mount) fails before
 * anything exists, with the field named. Page-size dependent limits use the running page size
 * (sysconf reads it from the auxiliary vector; no syscall). */
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "oci/internal.h"

/* include/uapi/linux/utsname.h: __NEW_UTS_LEN */
#define UTS_LEN_MAX 64
/* fs/exec.c bprm_stack_limits(): _STK_LIM / 4 * 3 */
#define EXEC_STRINGS_CAP (6UL << 20)
/* kernel/user_namespace.c: UID_GID_MAP_MAX_EXTENTS (since 4.15) */
#define ID_MAP_MAX_EXTENTS 340
/* include/uapi/linux/limits.h: NGROUPS_MAX */
#define GROUPS_MAX 65536

static size_t page_size(void)
{
        long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? (size_t)p : 4096;
}

int oci_check_length(struct jctx *c, const char *path, const char *s, size_t max, const char *why)
{
        size_t n = s ? strlen(s) : 0;
        if (n > max)
                return jerr(c, path, "%zu bytes long, more than the %zu the kernel accepts (%s)", n,
                            max, why);
        return 0;
}

int oci_check_count(struct jctx *c, const char *path, size_t n, size_t max, const char *why)
{
        if (n > max)
                return jerr(c, path, "%zu entries, more than the %zu the kernel accepts (%s)", n,
                            max, why);
        return 0;
}

int oci_check_uts_name(struct jctx *c, const char *path, const char *s)
{
        return oci_check_length(c, path, s, UTS_LEN_MAX, "__NEW_UTS_LEN");
}

int oci_check_path_length(struct jctx *c, const char *path, const char *s)
{
        return oci_check_length(c, path, s, PATH_MAX - 1, "PATH_MAX");
}

int oci_check_mount_data(struct jctx *c, const char *path, const char *data)
{
        /* mount(2) copies one page of data (copy_mount_options), NUL included */
        return oci_check_length(c, path, data, page_size() - 1, "mount(2) data is one page");
}

int oci_check_id_mappings(struct jctx *c, const char *path, size_t n)
{
        return oci_check_count(c, path, n, ID_MAP_MAX_EXTENTS, "UID_GID_MAP_MAX_EXTENTS");
}

int oci_check_groups(struct jctx *c, const char *path, size_t n)
{
        return oci_check_count(c, path, n, GROUPS_MAX, "NGROUPS_MAX");
}

/* What execve(2) may copy for argv and envp (fs/exec.c bprm_stack_limits): a quarter of the
 * stack rlimit the process execs with, at most 6 MiB and at least 32 pages. The rlimit is the
 * config's RLIMIT_STACK, else the one rtrun passes on (glibc's _SC_ARG_MAX is a quarter of it). */
static size_t exec_strings_limit(const struct oci_rlimit *stack)
{
        size_t limit = EXEC_STRINGS_CAP;
        if (stack) {
                if (stack->soft / 4 < limit)
                        limit = (size_t)(stack->soft / 4);
        } else {
                long arg_max = sysconf(_SC_ARG_MAX);
                if (arg_max > 0 && (size_t)arg_max < limit)
                        limit = (size_t)arg_max;
        }
        if (limit < 32 * page_size())
                limit = 32 * page_size();
        return limit;
}

static int check_strings(struct jctx *c, const char *path, const char *key,
                         const struct oci_strv *v, size_t *total)
{
        /* MAX_ARG_STRLEN: 32 pages per string, its NUL included */
        size_t max = 32 * page_size() - 1;
        char p[JPATH_MAX], q[JPATH_MAX];
        jpath(p, path, key);
        for (size_t i = 0; i < v->n; i++) {
                jpath_idx(q, p, i);
                size_t n = strlen(v->v[i]);
                if (n > max)
                        return jerr(c, q,
                                    "%zu bytes long, more than the %zu execve(2) accepts for "
                                    "one string (MAX_ARG_STRLEN)",
                                    n, max);
                *total += n + 1 + sizeof(char *);
        }
        return 0;
}

int oci_check_exec(struct jctx *c, const char *path, const struct oci_strv *args,
                   const struct oci_strv *env, const struct oci_rlimit *stack)
{
        size_t total = 0;
        if (check_strings(c, path, "args", args, &total) < 0 ||
            check_strings(c, path, "env", env, &total) < 0)
                return -1;
        size_t limit = exec_strings_limit(stack);
        if (total > limit)
                return jerr(c, path && path[0] ? path : NULL,
                            "args and env take %zu bytes, more than the %zu execve(2) accepts "
                            "(a quarter of the stack rlimit, at most 6 MiB)",
                            total, limit);
        return 0;
}

int oci_check_process_limits(struct jctx *c, const char *path, const struct oci_process *p)
{
        const struct oci_rlimit *stack = NULL;
        for (size_t i = 0; i < p->n_rlimits; i++)
                if (p->rlimits[i].resource == RLIMIT_STACK)
                        stack = &p->rlimits[i];
        if (oci_check_exec(c, path, &p->args, &p->env, stack) < 0)
                return -1;
        char q[JPATH_MAX];
        jpath(q, path, "cwd");
        if (oci_check_path_length(c, q, p->cwd) < 0)
                return -1;
        jpath(q, path, "user.additionalGids");
        return oci_check_groups(c, q, p->user.n_additional_gids);
}
