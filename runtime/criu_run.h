/* Running the criu binary: its argument vector, the options checkpoint and restore share, and
 * the reason of a failure read back from its log. Only runtime/checkpoint.c and restore.c use
 * it. */
#ifndef RTRUN_RUNTIME_CRIU_RUN_H
#define RTRUN_RUNTIME_CRIU_RUN_H

#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"
#include "runtime/criu.h"

struct criu_argv {
        char **v; /* NULL-terminated */
        size_t n, cap;
        bool failed; /* out of memory on some add: criu_argv_check reports it */
};

void criu_argv_add(struct criu_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int criu_argv_check(const struct criu_argv *a, struct rterr *err);
void criu_argv_free(struct criu_argv *a);

/* The options dump and restore share (-D, -W, -o LOG, the runc flags that criu takes as they
 * are). log is the log file's name in the work directory. */
void criu_argv_common(struct criu_argv *a, const struct criu_opts *o, const char *log);

/* The work directory o names (the image path when none); both are made when missing. */
int criu_dirs(const struct criu_opts *o, struct rterr *err);
const char *criu_work_dir(const struct criu_opts *o);

/* Forks criu with argv; the child first waits until *go_fd (the write end, returned) is
 * written or closed, so the caller can place it (a cgroup) before it runs. go_fd NULL: it
 * runs at once. keep_fd (or -1) stays open across exec. */
int criu_spawn(const struct criu_argv *a, int keep_fd, int keep_fd2, int *go_fd, pid_t *pid,
               struct rterr *err);
/* Waits for criu; a failure says which step failed, with the last error criu logged. */
int criu_wait(pid_t pid, const struct criu_opts *o, const char *log, const char *what,
              struct rterr *err);

/* The mounts CRIU must take as external, as runc names them: every bind mount (dumped under its
 * destination, restored from its source, relative to the bundle), and each masked file (a bind
 * of /dev/null; the dump looks in /proc/dump_pid/root to tell files from directories).
 * dump_pid 0: the restore's side. */
void criu_argv_externals(struct criu_argv *a, const struct oci_spec *spec, const char *bundle,
                         pid_t dump_pid);

/* runc's descriptors.json: fds 0-2 of the container's init, saved into the image directory at
 * dump; at restore each pipe among them becomes `--inherit-fd fd[N]:pipe:[...]`, our own fd N
 * taking its place (criu_stdio.c). */
int criu_stdio_save(pid_t pid, const char *image_dir, struct rterr *err);
void criu_argv_stdio(struct criu_argv *a, const char *image_dir);
/* At dump: `--external file[MNT:INODE]` for each stdio fd of pid on a mount its mount namespace
 * lacks (the caller's /dev/null), recorded so that restore passes its own fd in its place. */
int criu_stdio_externals(struct criu_argv *a, pid_t pid, const char *image_dir, struct rterr *err);

#endif
