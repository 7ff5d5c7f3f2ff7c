/* The host's one ledger of reservations, shared by every --root.
 *
 * Files in the admission directory (RTRUN_ADMISSION_DIR, default /run/rtrun/admission):
 *   lock               held with flock(LOCK_EX) for a whole decision (LOCK_SH to read);
 *   ledger.bin         the entries, decision counters and sweep cursor in a compact binary
 *                      form (ledger_bin.c), replaced atomically (temp + rename); read it with
 *                      `rtrun admission status`;
 *   ledger.json        {"version": 1, "counters": {...}, "entries": [...]}: what older rtrun
 *                      wrote (and what a person may write by hand); read when there is no
 *                      ledger.bin, removed by the next commit;
 *   reservations/K.json one sidecar per reservation (K: FNV-1a of root and id), the same entry
 *                      object, written when the entry changes and removed with it.
 * Liveness is checked in proportion to what a decision touches: SCHED_LEDGER_SWEEP entries
 * per decision in turn (gone, a zombie, or a pid now another process's: pidfs inode or start
 * time differ), every entry a decision resizes, and all of them only when a decision would
 * otherwise refuse or compress (admission.c). A dead entry left in place costs capacity for a
 * while, never safety: the decisions stay conservative. A
 * ledger that does not parse or holds an invalid entry is rebuilt from the sidecars of live
 * processes, with a warning: the sidecars are small and written one at a time, so a torn ledger
 * never loses them all. */
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
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/common.h"

#define LEDGER "ledger.json"
#define LEDGER_BIN "ledger.bin"
/* Exists while a commit writes (under the lock): found by the next transaction, it means the
 * writer died part-way and may have left temporaries or a sidecar without a ledger entry. */
#define COMMITTING "committing"
#define STAMP "ledger.stamp"
#define STAMP_MAGIC "RTRUNST1"

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

void sched_sidecar_name(const struct sched_entry *e, char *buf, size_t size)
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

int sched_ledger_push(struct sched_ledger *l, const struct sched_entry *e, struct rterr *err)
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
        yajl_val entries = jmember(root, "entries");
        yajl_val counters = jmember(root, "counters");
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

static void drop_sidecar(struct sched_ledger *l, const struct sched_entry *e)
{
        char name[64];
        sched_sidecar_name(e, name, sizeof(name));
        _cleanup_close_ int d = openat(l->dir_fd, SCHED_SIDECARS, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d >= 0)
                unlinkat(d, name, 0);
}

static void drop(struct sched_ledger *l, size_t i)
{
        drop_sidecar(l, &l->v[i]);
        memmove(&l->v[i], &l->v[i + 1], sizeof(*l->v) * (l->n - i - 1));
        l->n--;
}

/* The sidecars of live processes; the others are removed. */
static int rebuild(struct sched_ledger *l, struct rterr *err)
{
        int d = openat(l->dir_fd, SCHED_SIDECARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", SCHED_SIDECARS);
        _cleanup_closedir_ DIR *dir = fdopendir(d);
        if (dir == NULL) {
                close(d);
                return rterr_errno(err, "open %s", SCHED_SIDECARS);
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
                if (sched_ledger_push(l, &e, err) < 0)
                        return -1;
        }
        return 0;
}

static void read_stamp(struct sched_ledger *l);

static int load(struct sched_ledger *l, bool repair, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        const char *file = LEDGER_BIN;
        struct rterr why;
        int r;
        if (read_file_at(l->dir_fd, LEDGER_BIN, &text, &len, err) == 0) {
                r = sched_ledger_bin_decode(l, text, len, &l->cursor, &why);
                if (r == 0)
                        read_stamp(l);
        } else if (err->code != ENOENT) {
                return -1;
        } else {
                file = LEDGER;
                if (read_file_at(l->dir_fd, LEDGER, &text, &len, err) < 0) {
                        if (err->code != ENOENT)
                                return -1;
                        /* first use, or lost: the sidecars still say what is held */
                        return repair ? rebuild(l, err) : 0;
                }
                r = parse_ledger(l, text, &why);
        }
        if (r == 0)
                return 0;
        free(l->v);
        l->v = NULL;
        l->n = 0;
        if (!repair)
                return rterr_set(err, EINVAL,
                                 "admission ledger %s/%s is corrupt (%s); the next decision "
                                 "rebuilds it",
                                 sched_ledger_dir(), file, why.msg);
        memset(&l->counters, 0, sizeof(l->counters));
        if (rebuild(l, err) < 0)
                return -1;
        l->rebuilt = true;
        snprintf(l->warning, sizeof(l->warning),
                 "admission ledger %s/%s was corrupt (%.200s); rebuilt from %zu live "
                 "reservation(s)",
                 sched_ledger_dir(), file, why.msg, l->n);
        return 0;
}

static int open_dir(struct sched_ledger *l, int lock_op, struct rterr *err)
{
        const char *dir = sched_ledger_dir();
        memset(l, 0, sizeof(*l));
        l->lock_fd = l->dir_fd = -1;
        if (mkdir_p(dir, 0711, err) < 0)
                return -1;
        l->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (l->dir_fd < 0)
                return rterr_errno(err, "open %s", dir);
        if (mkdirat(l->dir_fd, SCHED_SIDECARS, 0700) < 0 && errno != EEXIST)
                return rterr_errno(err, "mkdir %s/%s", dir, SCHED_SIDECARS);
        l->lock_fd = openat(l->dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (l->lock_fd < 0)
                return rterr_errno(err, "open %s/lock", dir);
        while (flock(l->lock_fd, lock_op) < 0)
                if (errno != EINTR)
                        return rterr_errno(err, "lock %s/lock", dir);
        return 0;
}

static bool in_ledger(const struct sched_ledger *l, const char *name)
{
        char mine[64];
        for (size_t i = 0; i < l->n; i++) {
                sched_sidecar_name(&l->v[i], mine, sizeof(mine));
                if (strcmp(mine, name) == 0)
                        return true;
        }
        return false;
}

/* What a writer killed part-way leaves, which nothing else would ever remove: temporaries
 * killed between write and rename (ledger.json.tmp.PID, reservations/K.json.tmp.PID), and the
 * sidecar of a reservation whose ledger.json was never written, once its holder is dead. */
static void sweep(const struct sched_ledger *l)
{
        sweep_dead_temporaries(l->dir_fd);
        int d = openat(l->dir_fd, SCHED_SIDECARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return;
        sweep_dead_temporaries(d);
        _cleanup_closedir_ DIR *dir = fdopendir(d);
        if (dir == NULL) {
                close(d);
                return;
        }
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
                if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp.") || in_ledger(l, de->d_name))
                        continue;
                _cleanup_free_ char *text = NULL;
                struct sched_entry e;
                struct rterr ignore;
                yajl_val v = NULL;
                bool live = read_file_at(d, de->d_name, &text, NULL, &ignore) == 0 &&
                            (v = yajl_tree_parse(text, NULL, 0)) != NULL &&
                            sched_entry_parse(v, de->d_name, &e, &ignore) == 0 &&
                            sched_entry_alive(&e);
                yajl_tree_free(v);
                if (!live)
                        unlinkat(d, de->d_name, 0);
        }
}

/* The sidecar directory's identity and last change, on tmpfs only: there a directory's size
 * counts its entries (BOGO_DIRENT_SIZE each), so a sidecar added within the same coarse
 * clock tick as the stamp still changes it. Elsewhere (size in blocks) all 0s: never trusted. */
static void sidecar_stamp(const struct sched_ledger *l, uint64_t out[4])
{
        memset(out, 0, 4 * sizeof(out[0]));
        _cleanup_close_ int d =
            openat(l->dir_fd, SCHED_SIDECARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        struct statfs sf;
        if (d < 0 || fstat(d, &st) < 0 || fstatfs(d, &sf) < 0 || sf.f_type != TMPFS_MAGIC)
                return;
        out[0] = (uint64_t)st.st_dev;
        out[1] = (uint64_t)st.st_ino;
        out[2] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
        out[3] = (uint64_t)st.st_size;
}

/* ledger.stamp: which ledger.bin (its payload checksum) the sidecar stamp belongs to. A
 * separate file, so that ledger.bin keeps the format every rtrun of version 2 reads; an rtrun
 * that writes ledger.bin without it leaves a stamp for another checksum, which is ignored. */
struct stamp_file {
        char magic[8];
        uint64_t sum;
        uint64_t stamp[4];
};

static void write_stamp(struct sched_ledger *l, uint64_t sum)
{
        struct stamp_file f = {.sum = sum};
        memcpy(f.magic, STAMP_MAGIC, 8);
        /* the directory as this commit leaves it: ledger.bin and the marker live outside it */
        sidecar_stamp(l, f.stamp);
        struct rterr ignore;
        if (write_file_atomic_at(l->dir_fd, STAMP, (const char *)&f, sizeof(f), 0600, &ignore) ==
            0) {
                memcpy(l->sidecar_stamp, f.stamp, sizeof(f.stamp));
                l->bin_sum = sum;
        }
}

/* l->sidecar_stamp from ledger.stamp when it was written for the ledger.bin just loaded. */
static void read_stamp(struct sched_ledger *l)
{
        memset(l->sidecar_stamp, 0, sizeof(l->sidecar_stamp));
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct rterr ignore;
        struct stamp_file f;
        if (l->bin_sum == 0 || read_file_at(l->dir_fd, STAMP, &text, &len, &ignore) < 0 ||
            len != sizeof(f))
                return;
        memcpy(&f, text, sizeof(f));
        if (memcmp(f.magic, STAMP_MAGIC, 8) == 0 && f.sum == l->bin_sum)
                memcpy(l->sidecar_stamp, f.stamp, sizeof(f.stamp));
}

/* Whether the sidecars must be read against the ledger: always after a commit was cut short
 * (its marker is there), for a ledger without a stamp (ledger.json, a ledger.bin that
 * ledger.stamp was not written for, not tmpfs), and whenever the directory changed since the last
 * commit recorded it. Otherwise every sidecar is one the ledger names, and the readdir of n files
 * is skipped. */
static bool must_reconcile(const struct sched_ledger *l, bool committing)
{
        uint64_t now[4];
        if (committing || l->sidecar_stamp[1] == 0)
                return true;
        sidecar_stamp(l, now);
        return memcmp(now, l->sidecar_stamp, sizeof(now)) != 0;
}

int sched_ledger_open(struct sched_ledger *l, struct rterr *err)
{
        if (open_dir(l, LOCK_EX, err) < 0) {
                sched_ledger_close(l);
                return -1;
        }
        bool committing = faccessat(l->dir_fd, COMMITTING, F_OK, 0) == 0;
        if (load(l, true, err) < 0 ||
            (must_reconcile(l, committing) && sched_ledger_reconcile(l, true, err) < 0)) {
                sched_ledger_close(l);
                return -1;
        }
        /* temporaries and orphan sidecars of dead writers: only a commit can leave them, and
         * a finished commit leaves no marker, so the directory scans (O(n) files) run only
         * after a crash, or for a ledger an older rtrun (without the marker) wrote */
        if (committing || faccessat(l->dir_fd, LEDGER_BIN, F_OK, 0) < 0)
                sweep(l);
        sched_ledger_sweep(l, false);
        return 0;
}

/* Drops dead entries, compacting once: every entry when `all`, else SCHED_LEDGER_SWEEP of
 * them from the cursor on, so a decision costs the same at 10 and at 1000 reservations. */
size_t sched_ledger_sweep(struct sched_ledger *l, bool all)
{
        size_t n = l->n, sweep = all || n < SCHED_LEDGER_SWEEP ? n : SCHED_LEDGER_SWEEP;
        size_t before = l->reclaimed;
        bool dead_window[SCHED_LEDGER_SWEEP] = {false};
        _cleanup_free_ bool *dead = all ? calloc(n + 1, sizeof(bool)) : NULL;
        if (all && dead == NULL)
                return 0; /* no memory: nothing reclaimed, which only costs capacity */
        for (size_t k = 0; k < sweep; k++) {
                size_t i = all ? k : (size_t)((l->cursor + k) % n);
                bool d = !sched_entry_alive(&l->v[i]);
                if (all)
                        dead[i] = d;
                else
                        dead_window[k] = d;
        }
        if (!all && n > 0) {
                dead = calloc(n + 1, sizeof(bool));
                if (dead == NULL)
                        return 0;
                for (size_t k = 0; k < sweep; k++)
                        dead[(size_t)((l->cursor + k) % n)] = dead_window[k];
                l->cursor = (l->cursor + sweep) % n;
        }
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
                if (dead[i]) {
                        drop_sidecar(l, &l->v[i]);
                        l->reclaimed++;
                } else {
                        if (kept != i)
                                l->v[kept] = l->v[i];
                        kept++;
                }
        }
        l->n = kept;
        if (l->n == 0)
                l->cursor = 0;
        else
                l->cursor %= l->n;
        return l->reclaimed - before;
}

int sched_ledger_snapshot(struct sched_ledger *l, struct rterr *err)
{
        if (open_dir(l, LOCK_SH, err) < 0 || load(l, false, err) < 0 ||
            (must_reconcile(l, faccessat(l->dir_fd, COMMITTING, F_OK, 0) == 0) &&
             sched_ledger_reconcile(l, false, err) < 0)) {
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
        size_t len;
        _cleanup_free_ char *bin = sched_ledger_bin_encode(l, l->cursor, &len);
        if (bin == NULL)
                return rterr_set(err, ENOMEM, "admission ledger: out of memory");
        _cleanup_close_ int d = openat(l->dir_fd, SCHED_SIDECARS, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return rterr_errno(err, "open %s/%s", sched_ledger_dir(), SCHED_SIDECARS);
        _cleanup_close_ int mark =
            openat(l->dir_fd, COMMITTING, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (mark < 0)
                return rterr_errno(err, "create %s/%s", sched_ledger_dir(), COMMITTING);
        /* sidecars first: after a crash between the two, the ledger is older, not newer */
        for (size_t i = 0; i < l->n; i++) {
                if (!l->v[i].changed)
                        continue;
                yajl_gen sg = yajl_gen_alloc(NULL);
                if (sg == NULL)
                        return rterr_set(err, ENOMEM, "admission ledger: out of memory");
                sched_entry_gen(sg, &l->v[i]);
                _cleanup_free_ char *one = gen_copy(sg);
                yajl_gen_free(sg);
                char name[64];
                sched_sidecar_name(&l->v[i], name, sizeof(name));
                if (one == NULL || write_file_atomic_at(d, name, one, strlen(one), 0600, err) < 0)
                        return rterr_wrap(err, "admission sidecar for %s", l->v[i].task.id);
                l->v[i].changed = false;
        }
        if (write_file_atomic_at(l->dir_fd, LEDGER_BIN, bin, len, 0600, err) < 0)
                return rterr_wrap(err, "admission ledger %s", sched_ledger_dir());
        /* best effort: without it (or with one for another ledger.bin) open reads the
         * sidecars, as it always did */
        write_stamp(l, sched_ledger_bin_sum(bin));
        /* an older rtrun's (or a hand-written) ledger.json is now stale */
        if (unlinkat(l->dir_fd, LEDGER, 0) < 0 && errno != ENOENT)
                return rterr_errno(err, "remove %s/%s", sched_ledger_dir(), LEDGER);
        if (unlinkat(l->dir_fd, COMMITTING, 0) < 0)
                return rterr_errno(err, "remove %s/%s", sched_ledger_dir(), COMMITTING);
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
