/* The ledger's sidecar stamp: on tmpfs (where /run/rtrun/admission lives) a commit records the
 * reservations/ directory's identity, mtime and size in ledger.bin, and the next open reads the
 * sidecars only when that changed or a commit was cut short. A restored backup (an older stamp)
 * is reconciled; so is a ledger whose stamp matches while the commit marker is there; with a
 * matching stamp and no marker the sidecars are not read (the saving, and its trust). A
 * version-2 ledger.bin (no stamp) still reads. Runs in a directory under /dev/shm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/sched_policy.h"
#include "scheduler/internal.h"
#include "scheduler/scheduler.h"

#define MS UINT64_C(1000000)

static char dir[] = "/dev/shm/rtrun-test-ledger-stamp-XXXXXX";

static int setup(void **state)
{
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static struct sched_host host1(void)
{
        struct sched_host h;
        struct rterr err;
        assert_int_equal(sched_host_from_values(&h, -1, 1000000, "0-1", 0, 0, &err), 0);
        return h;
}

static struct sched_task task(const char *id)
{
        struct sched_task t = {0};
        snprintf(t.id, sizeof(t.id), "%s", id);
        t.kind = SCHED_KIND_DEADLINE;
        t.policy = SCHED_DEADLINE;
        t.crit = SCHED_CRIT_CONTROL;
        cpumask_set(&t.cpus, 0);
        t.runtime = 2 * MS;
        t.deadline = t.period = 20 * MS;
        t.weight = 1;
        return t;
}

static pid_t sleeper(void)
{
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0) {
                pause();
                _exit(0);
        }
        return p;
}

static void reap(pid_t p)
{
        kill(p, SIGKILL);
        waitpid(p, NULL, 0);
}

static void reserve(const char *id, pid_t pid)
{
        struct sched_host h = host1();
        struct sched_task t = task(id);
        struct rterr err;
        uint64_t granted;
        assert_int_equal(
            sched_admission_reserve(&t, &h, "/r", pid, NULL, NULL, &granted, NULL, &err), 0);
}

static char *read_bin(size_t *len)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char *buf = malloc(1 << 20);
        assert_non_null(buf);
        *len = fread(buf, 1, 1 << 20, f);
        fclose(f);
        return buf;
}

static void write_bin(const char *buf, size_t len)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(buf, 1, len, f), len);
        fclose(f);
}

static size_t snapshot_n(char *warning, size_t size)
{
        struct sched_ledger l;
        struct rterr err;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        size_t n = l.n;
        if (warning)
                snprintf(warning, size, "%s", l.warning);
        sched_ledger_close(&l);
        return n;
}

static void stamp_recorded(void **state)
{
        (void)state;
        pid_t p = sleeper();
        reserve("a", p);
        struct sched_ledger l;
        struct rterr err;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        char side[256];
        snprintf(side, sizeof(side), "%s/reservations", dir);
        struct stat st;
        assert_int_equal(stat(side, &st), 0);
        assert_int_equal(l.sidecar_stamp[1], (uint64_t)st.st_ino);
        assert_int_equal(l.sidecar_stamp[3], (uint64_t)st.st_size);
        assert_int_equal(l.sidecar_stamp[2],
                         (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec);
        sched_ledger_close(&l);
        reap(p);
}

/* A ledger.bin from before the last reservation, as a backup restore or a bug leaves: its
 * stamp is older than the directory, so the missing live reservation comes back. */
static void old_stamp_reconciled(void **state)
{
        (void)state;
        pid_t a = sleeper(), b = sleeper();
        reserve("a", a);
        size_t len;
        char *backup = read_bin(&len);
        reserve("b", b);
        write_bin(backup, len);
        char warning[512];
        assert_int_equal(snapshot_n(warning, sizeof(warning)), 2);
        assert_non_null(strstr(warning, "restored them"));
        free(backup);
        reap(a);
        reap(b);
}

/* The same old ledger with the current stamp written in: with the commit marker there (a
 * commit cut short between sidecars and ledger.bin) the sidecars are read; without it they
 * are trusted unchanged and not read. */
static void marker_forces_reconcile(void **state)
{
        (void)state;
        pid_t a = sleeper(), b = sleeper();
        reserve("a", a);
        size_t len;
        char *backup = read_bin(&len);
        reserve("b", b);
        struct sched_ledger now;
        struct rterr err;
        assert_int_equal(sched_ledger_snapshot(&now, &err), 0);
        uint64_t stamp[4];
        memcpy(stamp, now.sidecar_stamp, sizeof(stamp));
        sched_ledger_close(&now);
        sched_ledger_bin_set_stamp(backup, stamp);
        write_bin(backup, len);
        assert_int_equal(snapshot_n(NULL, 0), 1); /* trusted: the readdir was skipped */
        char marker[256];
        snprintf(marker, sizeof(marker), "%s/committing", dir);
        int fd = open(marker, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(snapshot_n(NULL, 0), 2);
        /* the next decision repairs and commits: 2 held, the marker gone */
        reserve("c", getpid());
        assert_int_equal(snapshot_n(NULL, 0), 3);
        assert_int_equal(access(marker, F_OK), -1);
        free(backup);
        reap(a);
        reap(b);
}

/* A ledger.bin of version 2 (no stamp) reads, and is always reconciled. */
static void version2_reads(void **state)
{
        (void)state;
        struct sched_ledger in = {0};
        struct sched_entry v[1];
        memset(v, 0, sizeof(v));
        v[0].task = task("old");
        v[0].task.granted = v[0].task.runtime;
        v[0].pid = getpid();
        snprintf(v[0].root, sizeof(v[0].root), "/r");
        in.v = v;
        in.n = 1;
        in.sidecar_stamp[1] = 42;
        size_t len;
        char *bin = sched_ledger_bin_encode(&in, 0, &len);
        assert_non_null(bin);
        /* v2: the same header without the 32 bytes of stamp */
        const size_t v2 = 64;
        uint32_t two = 2;
        memcpy(bin + 8, &two, sizeof(two));
        memmove(bin + v2, bin + v2 + 32, len - v2 - 32);
        struct sched_ledger out = {0};
        uint64_t cursor;
        struct rterr err;
        assert_int_equal(sched_ledger_bin_decode(&out, bin, len - 32, &cursor, &err), 0);
        assert_int_equal(out.n, 1);
        assert_string_equal(out.v[0].task.id, "old");
        assert_int_equal(out.sidecar_stamp[1], 0);
        free(out.v);
        /* and a v3 buffer keeps its stamp */
        free(bin);
        bin = sched_ledger_bin_encode(&in, 0, &len);
        struct sched_ledger out3 = {0};
        assert_int_equal(sched_ledger_bin_decode(&out3, bin, len, &cursor, &err), 0);
        assert_int_equal(out3.sidecar_stamp[1], 42);
        free(out3.v);
        free(bin);
}

int main(void)
{
        struct statfs sf;
        if (statfs("/dev/shm", &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
                printf("FAIL: /dev/shm is not a tmpfs (the stamp is kept only on tmpfs, like "
                       "/run)\n");
                return 1;
        }
        assert_non_null(mkdtemp(dir));
        setenv("RTRUN_ADMISSION_DIR", dir, 1);
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(stamp_recorded, setup),
            cmocka_unit_test_setup(old_stamp_reconciled, setup),
            cmocka_unit_test_setup(marker_forces_reconcile, setup),
            cmocka_unit_test(version2_reads),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                r = 1;
        return r;
}
