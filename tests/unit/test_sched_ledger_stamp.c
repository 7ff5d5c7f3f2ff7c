/* The ledger's sidecar stamp: on tmpfs (where /run/rtrun/admission lives) a commit records the
 * reservations/ directory's identity, mtime and size in ledger.stamp, with the checksum of the
 * ledger.bin it wrote; the next open reads the sidecars only when the stamp is not for the
 * ledger.bin it loaded, the directory changed, or a commit was cut short. A restored backup of
 * ledger.bin (another checksum) is reconciled; so is a ledger whose stamp matches while the
 * commit marker is there; with a matching stamp and no marker the sidecars are not read (the
 * saving, and its trust). ledger.bin itself keeps version 2, which every rtrun reads. Runs in
 * a directory under /dev/shm. */
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
#include "sched_fixtures.h"

static char dir[] = "/dev/shm/rtrun-test-ledger-stamp-XXXXXX";

static int setup(void **state)
{
        (void)state;
        return fx_ledger_dir_clear(dir);
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

static void write_stamp_file(uint64_t sum, const uint64_t stamp[4])
{
        char path[256], f[48];
        memcpy(f, "RTRUNST1", 8);
        memcpy(f + 8, &sum, 8);
        memcpy(f + 16, stamp, 32);
        snprintf(path, sizeof(path), "%s/ledger.stamp", dir);
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        assert_int_equal(fwrite(f, 1, sizeof(f), out), sizeof(f));
        fclose(out);
}

/* The same old ledger.bin with a stamp written for it that matches the directory now: with
 * the commit marker there (a commit cut short) the sidecars are read; without it they are
 * trusted unchanged and not read. */
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
        assert_true(stamp[1] != 0);
        sched_ledger_close(&now);
        write_bin(backup, len);
        write_stamp_file(sched_ledger_bin_sum(backup), stamp);
        assert_int_equal(snapshot_n(NULL, 0), 1); /* trusted: the readdir was skipped */
        char marker[256];
        snprintf(marker, sizeof(marker), "%s/committing", dir);
        int fd = open(marker, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(snapshot_n(NULL, 0), 2);
        /* the next decision repairs and commits: 3 held, the marker gone */
        reserve("c", getpid());
        assert_int_equal(snapshot_n(NULL, 0), 3);
        assert_int_equal(access(marker, F_OK), -1);
        free(backup);
        reap(a);
        reap(b);
}

/* ledger.bin stays version 2 (what every rtrun reads); a stamp for another ledger.bin, as an
 * rtrun without stamps leaves when it commits, is not used. */
static void format_kept(void **state)
{
        (void)state;
        pid_t a = sleeper();
        reserve("a", a);
        size_t len;
        char *bin = read_bin(&len);
        uint32_t version;
        memcpy(&version, bin + 8, 4);
        assert_int_equal(version, 2);
        struct sched_ledger l;
        struct rterr err;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_true(l.sidecar_stamp[1] != 0);
        uint64_t stamp[4];
        memcpy(stamp, l.sidecar_stamp, sizeof(stamp));
        sched_ledger_close(&l);
        write_stamp_file(sched_ledger_bin_sum(bin) + 1, stamp);
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.sidecar_stamp[1], 0);
        assert_int_equal(l.n, 1);
        sched_ledger_close(&l);
        free(bin);
        reap(a);
}

int main(void)
{
        struct statfs sf;
        if (statfs("/dev/shm", &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
                printf("FAIL: /dev/shm is not a tmpfs (the stamp is kept only on tmpfs, like "
                       "/run)\n");
                return 1;
        }
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(stamp_recorded, setup),
            cmocka_unit_test_setup(old_stamp_reconciled, setup),
            cmocka_unit_test_setup(marker_forces_reconcile, setup),
            cmocka_unit_test_setup(format_kept, setup),
        };
        return run_in_ledger_dir(dir, tests);
}
