/* The host's one ledger of reservations, shared by every --root.
 *
 * Files in the admission directory (RTRUN_ADMISSION_DIR, default /run/rtrun/admission):
 *   lock               held with flock(LOCK_EX) for a whole decision (LOCK_SH to read);
 *   ledger.json        {"version": 1, "counters": {"admitted", "refused", "compressed"},
 *                      "entries": [...]}, replaced atomically (temp + rename); counters are
 *                      optional when read (older ledgers) and lost, as counters may be, when
 *                      the ledger is rebuilt;
 *   reservations/K.json one sidecar per reservation (K: FNV-1a of root and id), the same entry
 *                      object, written when the entry changes and removed with it.
 * Entries whose process is gone, or whose pid now belongs to another process (start time in
 * /proc/PID/stat field 22 differs), are dropped at load. A ledger that does not parse or holds
 * an invalid entry is rebuilt from the sidecars of live processes, with a warning: the
 * sidecars are small and written one at a time, so a torn ledger never loses them all. */
#include "scheduler/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"

#define LEDGER "ledger.json"
#define SIDECARS "reservations"

const char *sched_ledger_dir(void)
{
        const char *d = getenv("RTRUN_ADMISSION_DIR");
        return d && *d ? d : "/run/rtrun/admission";
}

uint64_t sched_proc_starttime(pid_t pid)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
        /* a zombie holds no CPU (nobody reaps an exec'd process orphaned in a container) */
        if (p == NULL || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
                return 0;
        /* after ") " comes field 3 (state); field 22 is 19 fields further */
        for (int field = 2; field < 22 && p; field++)
                p = strchr(p + 1, ' ');
        return p ? strtoull(p + 1, NULL, 10) : 0;
}

#define PIDFS_MAGIC_NUMBER 0x50494446 /* include/uapi/linux/magic.h PID_FS_MAGIC */

static int pidfd_of(pid_t pid)
{
        return (int)syscall(SYS_pidfd_open, pid, 0);
}

uint64_t sched_proc_pidfs_ino(pid_t pid)
{
        _cleanup_close_ int fd = pidfd_of(pid);
        struct statfs fs;
        struct stat st;
        /* before pidfs (6.9) every pidfd shares one anonymous inode: no identity there */
        if (fd < 0 || fstatfs(fd, &fs) < 0 || fs.f_type != PIDFS_MAGIC_NUMBER || fstat(fd, &st) < 0)
                return 0;
        return st.st_ino;
}

/* Same process as recorded? kill(0) answers for the dead cheaply. For the living, the pidfs
 * inode (two syscalls) or else the start time in /proc/PID/stat (which costs the kernel a
 * whole do_task_stat) tells a reused pid; a pidfd that polls readable, or state Z, is a zombie. */
bool sched_entry_alive(const struct sched_entry *e)
{
        if (e->pid <= 0 || (kill(e->pid, 0) < 0 && errno == ESRCH))
                return false;
        if (e->pidfs_ino != 0) {
                _cleanup_close_ int fd = pidfd_of(e->pid);
                struct stat st;
                if (fd >= 0 && fstat(fd, &st) == 0) {
                        struct pollfd p = {.fd = fd, .events = POLLIN};
                        return st.st_ino == e->pidfs_ino && poll(&p, 1, 0) == 0;
                }
        }
        return sched_proc_starttime(e->pid) == e->starttime;
}

static void sidecar_name(const struct sched_entry *e, char *buf, size_t size)
{
        uint64_t h = UINT64_C(14695981039346656037);
        for (const char *s = e->root;; s++) {
                h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
                if (*s == '\0')
                        break;
        }
        for (const char *s = e->task.id; *s; s++)
                h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
        snprintf(buf, size, "%016llx.json", (unsigned long long)h);
}

static int mkdir_p(const char *path, struct rterr *err)
{
        char buf[4096];
        if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
                return rterr_set(err, ENAMETOOLONG, "%s: path too long", path);
        for (char *p = buf + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(buf, 0711) < 0 && errno != EEXIST)
                        return rterr_errno(err, "mkdir %s", buf);
                *p = c;
                if (c == '\0')
                        return 0;
        }
}

static int push(struct sched_ledger *l, const struct sched_entry *e, struct rterr *err)
{
        struct sched_entry *v = realloc(l->v, sizeof(*v) * (l->n + 1));
        if (v == NULL)
                return rterr_errno(err, "admission ledger");
        l->v = v;
        l->v[l->n++] = *e;
        return 0;
}

/* Parses ledger.json into l->v; -1 with err when it is corrupt. */
static int parse_ledger(struct sched_ledger *l, const char *text, struct rterr *err)
{
        char why[256] = "";
        yajl_val root = yajl_tree_parse(text, why, sizeof(why));
        if (root == NULL) {
                why[strcspn(why, "\n")] = '\0'; /* yajl appends the text and a caret */
                return rterr_set(err, EINVAL, "not JSON (%s)", why[0] ? why : "empty");
        }
        yajl_val entries = sj_get(root, "entries");
        yajl_val counters = sj_get(root, "counters");
        int r = 0;
        if (YAJL_IS_OBJECT(counters) &&
            (sj_u64(counters, "counters", "admitted", false, &l->counters.admitted, err) < 0 ||
             sj_u64(counters, "counters", "refused", false, &l->counters.refused, err) < 0 ||
             sj_u64(counters, "counters", "compressed", false, &l->counters.compressed, err) < 0))
                goto out_bad;
        if (!YAJL_IS_ARRAY(entries)) {
                r = rterr_set(err, EINVAL, "entries: expected an array");
                goto out;
        }
        /* one allocation for all: growing entry by entry copies O(n^2) bytes */
        free(l->v);
        l->v = calloc(entries->u.array.len + 1, sizeof(*l->v));
        if (l->v == NULL) {
                r = rterr_errno(err, "admission ledger");
                goto out;
        }
        for (size_t i = 0; i < entries->u.array.len && r == 0; i++) {
                char path[64];
                snprintf(path, sizeof(path), "entries[%zu]", i);
                r = sched_entry_parse(entries->u.array.values[i], path, &l->v[l->n], err);
                l->n += r == 0;
        }
out:
        yajl_tree_free(root);
        return r;
out_bad:
        r = -1;
        goto out;
}

static void drop(struct sched_ledger *l, size_t i)
{
        char name[64];
        sidecar_name(&l->v[i], name, sizeof(name));
        _cleanup_close_ int d = openat(l->dir_fd, SIDECARS, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d >= 0)
                unlinkat(d, name, 0);
        memmove(&l->v[i], &l->v[i + 1], sizeof(*l->v) * (l->n - i - 1));
        l->n--;
}

/* The sidecars of live processes; the others are removed. */
static int rebuild(struct sched_ledger *l, struct rterr *err)
{
        int d = openat(l->dir_fd, SIDECARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", SIDECARS);
        _cleanup_closedir_ DIR *dir = fdopendir(d);
        if (dir == NULL) {
                close(d);
                return rterr_errno(err, "open %s", SIDECARS);
        }
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
                if (de->d_name[0] == '.' || strstr(de->d_name, ".json") == NULL ||
                    strstr(de->d_name, ".tmp."))
                        continue;
                _cleanup_free_ char *text = NULL;
                size_t len;
                struct sched_entry e;
                struct rterr ignore;
                yajl_val v = NULL;
                bool ok = read_file_at(d, de->d_name, &text, &len, &ignore) == 0 &&
                          (v = yajl_tree_parse(text, NULL, 0)) != NULL &&
                          sched_entry_parse(v, de->d_name, &e, &ignore) == 0 &&
                          sched_entry_alive(&e);
                yajl_tree_free(v);
                if (!ok) {
                        unlinkat(d, de->d_name, 0);
                        continue;
                }
                e.changed = true;
                if (push(l, &e, err) < 0)
                        return -1;
        }
        return 0;
}

static int load(struct sched_ledger *l, bool repair, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (read_file_at(l->dir_fd, LEDGER, &text, &len, err) < 0) {
                if (err->code != ENOENT)
                        return -1;
                /* first use, or lost: the sidecars still say what is held */
                return repair ? rebuild(l, err) : 0;
        }
        struct rterr why;
        if (parse_ledger(l, text, &why) == 0)
                return 0;
        free(l->v);
        l->v = NULL;
        l->n = 0;
        if (!repair)
                return rterr_set(err, EINVAL,
                                 "admission ledger %s/%s is corrupt (%s); the next decision "
                                 "rebuilds it",
                                 sched_ledger_dir(), LEDGER, why.msg);
        if (rebuild(l, err) < 0)
                return -1;
        l->rebuilt = true;
        snprintf(l->warning, sizeof(l->warning),
                 "admission ledger %s/%s was corrupt (%.200s); rebuilt from %zu live "
                 "reservation(s)",
                 sched_ledger_dir(), LEDGER, why.msg, l->n);
        return 0;
}

static int open_dir(struct sched_ledger *l, int lock_op, struct rterr *err)
{
        const char *dir = sched_ledger_dir();
        memset(l, 0, sizeof(*l));
        l->lock_fd = l->dir_fd = -1;
        if (mkdir_p(dir, err) < 0)
                return -1;
        l->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (l->dir_fd < 0)
                return rterr_errno(err, "open %s", dir);
        if (mkdirat(l->dir_fd, SIDECARS, 0700) < 0 && errno != EEXIST)
                return rterr_errno(err, "mkdir %s/%s", dir, SIDECARS);
        l->lock_fd = openat(l->dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (l->lock_fd < 0)
                return rterr_errno(err, "open %s/lock", dir);
        while (flock(l->lock_fd, lock_op) < 0)
                if (errno != EINTR)
                        return rterr_errno(err, "lock %s/lock", dir);
        return 0;
}

int sched_ledger_open(struct sched_ledger *l, struct rterr *err)
{
        if (open_dir(l, LOCK_EX, err) < 0 || load(l, true, err) < 0) {
                sched_ledger_close(l);
                return -1;
        }
        for (size_t i = 0; i < l->n;) {
                if (sched_entry_alive(&l->v[i])) {
                        i++;
                        continue;
                }
                drop(l, i);
                l->reclaimed++;
        }
        return 0;
}

int sched_ledger_snapshot(struct sched_ledger *l, struct rterr *err)
{
        if (open_dir(l, LOCK_SH, err) < 0 || load(l, false, err) < 0) {
                sched_ledger_close(l);
                return -1;
        }
        return 0;
}

void sched_ledger_remove(struct sched_ledger *l, size_t i)
{
        drop(l, i);
}

int sched_ledger_commit(struct sched_ledger *l, struct rterr *err)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return rterr_set(err, ENOMEM, "admission ledger: out of memory");
        yajl_gen_map_open(g);
        sj_kint(g, "version", 1);
        sj_key(g, "counters");
        yajl_gen_map_open(g);
        sj_kint(g, "admitted", (long long)l->counters.admitted);
        sj_kint(g, "refused", (long long)l->counters.refused);
        sj_kint(g, "compressed", (long long)l->counters.compressed);
        yajl_gen_map_close(g);
        sj_key(g, "entries");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < l->n; i++)
                sched_entry_gen(g, &l->v[i]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        _cleanup_free_ char *text = sj_take(g);
        yajl_gen_free(g);
        if (text == NULL)
                return rterr_set(err, ENOMEM, "admission ledger: out of memory");
        _cleanup_close_ int d = openat(l->dir_fd, SIDECARS, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return rterr_errno(err, "open %s/%s", sched_ledger_dir(), SIDECARS);
        /* sidecars first: after a crash between the two, the ledger is older, not newer */
        for (size_t i = 0; i < l->n; i++) {
                if (!l->v[i].changed)
                        continue;
                yajl_gen sg = yajl_gen_alloc(NULL);
                if (sg == NULL)
                        return rterr_set(err, ENOMEM, "admission ledger: out of memory");
                sched_entry_gen(sg, &l->v[i]);
                _cleanup_free_ char *one = sj_take(sg);
                yajl_gen_free(sg);
                char name[64];
                sidecar_name(&l->v[i], name, sizeof(name));
                if (one == NULL || write_file_atomic_at(d, name, one, strlen(one), 0600, err) < 0)
                        return rterr_wrap(err, "admission sidecar for %s", l->v[i].task.id);
                l->v[i].changed = false;
        }
        if (write_file_atomic_at(l->dir_fd, LEDGER, text, strlen(text), 0600, err) < 0)
                return rterr_wrap(err, "admission ledger %s", sched_ledger_dir());
        return 0;
}

void sched_ledger_close(struct sched_ledger *l)
{
        if (l->lock_fd >= 0)
                close(l->lock_fd); /* releases the flock */
        if (l->dir_fd >= 0)
                close(l->dir_fd);
        free(l->v);
        l->v = NULL;
        l->n = 0;
        l->lock_fd = l->dir_fd = -1;
}
