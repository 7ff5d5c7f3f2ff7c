/* The admission ledger without root: RTRUN_ADMISSION_DIR points at a temporary directory.
 * Concurrent writers, reclaim of dead and reused pids, rebuild of a corrupt file, and the
 * order in which running containers are resized. */
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "scheduler/internal.h"
#include "scheduler/scheduler.h"
#include "sched_fixtures.h"

static char dir[] = "/tmp/rtrun-test-sched-ledger-XXXXXX";

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

static struct sched_task task(const char *id, enum sched_crit crit, uint64_t runtime,
                              uint64_t min_runtime)
{
        struct sched_task t = {0};
        snprintf(t.id, sizeof(t.id), "%s", id);
        t.kind = SCHED_KIND_DEADLINE;
        t.policy = SCHED_DEADLINE;
        t.crit = crit;
        cpumask_set(&t.cpus, 0);
        t.runtime = runtime;
        t.deadline = t.period = 20 * MS;
        t.elastic = min_runtime > 0;
        t.min_runtime = min_runtime;
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

/* 20 processes race for CPU 0, each asking for 0.1 of it: exactly 10 get in, and the ledger
 * lists exactly those 10 processes. */
static void concurrent_writers(void **state)
{
        (void)state;
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t kids[20];
        for (int i = 0; i < 20; i++) {
                kids[i] = fork();
                assert_true(kids[i] >= 0);
                if (kids[i] == 0) {
                        char id[32];
                        snprintf(id, sizeof(id), "sched-race-%d", i);
                        struct sched_task t = task(id, SCHED_CRIT_CONTROL, 2 * MS, 0);
                        struct sched_host h = host1();
                        uint64_t granted;
                        struct rterr err;
                        char ok = sched_admission_reserve(&t, &h, "/run/rtrun-test-sched", getpid(),
                                                          NULL, NULL, &granted, NULL, &err) == 0
                                      ? 'y'
                                      : 'n';
                        if (write(fds[1], &ok, 1) != 1)
                                _exit(1);
                        pause();
                        _exit(0);
                }
        }
        int yes = 0;
        for (int i = 0; i < 20; i++) {
                char c;
                assert_int_equal(read(fds[0], &c, 1), 1);
                yes += c == 'y';
        }
        close(fds[0]);
        close(fds[1]);
        assert_int_equal(yes, 10);
        struct sched_ledger l;
        struct rterr err;
        assert_int_equal(sched_ledger_open(&l, &err), 0);
        assert_int_equal(l.n, 10);
        /* every decision counted once, under the lock (rtrun metrics exports these) */
        assert_int_equal(l.counters.admitted, 10);
        assert_int_equal(l.counters.refused, 10);
        for (size_t i = 0; i < l.n; i++) {
                assert_int_equal(l.v[i].task.granted, 2 * MS);
                assert_int_equal(l.v[i].starttime, sched_proc_starttime(l.v[i].pid));
        }
        sched_ledger_close(&l);
        for (int i = 0; i < 20; i++)
                reap(kids[i]);
        /* all gone: the next decision reclaims every entry */
        assert_int_equal(sched_ledger_open(&l, &err), 0);
        assert_int_equal(l.n, 0);
        assert_int_equal(l.reclaimed, 10);
        sched_ledger_close(&l);
}

static size_t sidecars(void)
{
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "ls %s/reservations | grep -c json", dir);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        size_t n = 0;
        assert_int_equal(fscanf(f, "%zu", &n), 1);
        pclose(f);
        return n;
}

/* A holder killed without release: its reservation (and sidecar) goes at the next decision,
 * and its CPU share is available again. */
static void dead_pid_reclaimed(void **state)
{
        (void)state;
        struct sched_host h = host1();
        struct rterr err;
        uint64_t granted;
        pid_t p = sleeper();
        struct sched_task big = task("sched-big", SCHED_CRIT_CONTROL, 15 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&big, &h, "/r", p, NULL, NULL, &granted, NULL, &err), 0);
        assert_int_equal(sidecars(), 1);
        struct sched_task other = task("sched-other", SCHED_CRIT_CONTROL, 10 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&other, &h, "/r", getpid(), NULL, NULL, &granted, NULL, &err),
            -1);
        assert_non_null(strstr(err.msg, "sched-other rejected: EDF: utilisation 1.250"));
        reap(p);
        assert_int_equal(
            sched_admission_reserve(&other, &h, "/r", getpid(), NULL, NULL, &granted, NULL, &err),
            0);
        assert_int_equal(granted, 10 * MS);
        assert_int_equal(sidecars(), 1);
        /* a zombie (killed, not reaped yet) holds nothing either */
        pid_t z = sleeper();
        struct sched_task small = task("sched-zombie", SCHED_CRIT_CONTROL, 1 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&small, &h, "/r", z, NULL, NULL, &granted, NULL, &err), 0);
        kill(z, SIGKILL);
        for (int i = 0; i < 5000 && sched_proc_starttime(z) != 0; i++)
                usleep(1000);
        assert_int_equal(sched_proc_starttime(z), 0);
        struct sched_ledger zl;
        assert_int_equal(sched_ledger_open(&zl, &err), 0);
        assert_int_equal(zl.reclaimed, 1);
        assert_int_equal(zl.n, 1);
        assert_string_equal(zl.v[0].task.id, "sched-other");
        assert_int_equal(sched_ledger_commit(&zl, &err), 0);
        sched_ledger_close(&zl);
        waitpid(z, NULL, 0);
        /* a pid whose start time differs is another process: also reclaimed (the entry is in
         * the ledger.json an older rtrun wrote: read when there is no ledger.bin) */
        char path[512], text[1024];
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        assert_int_equal(unlink(path), 0);
        snprintf(path, sizeof(path), "%s/ledger.json", dir);
        snprintf(text, sizeof(text),
                 "{\"version\":1,\"entries\":[{\"id\":\"x\",\"root\":\"/r\",\"pid\":%d,"
                 "\"starttime\":1,\"kind\":\"deadline\",\"criticality\":\"control\","
                 "\"policy\":6,\"priority\":0,\"cpus\":\"0\",\"runtime\":1000000,"
                 "\"deadline\":2000000,\"period\":2000000,\"granted\":1000000}]}",
                 (int)getpid());
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        struct sched_ledger l;
        assert_int_equal(sched_ledger_open(&l, &err), 0);
        /* x is reclaimed; sched-other (alive, its sidecar kept) is restored from its sidecar */
        assert_int_equal(l.reclaimed, 1);
        assert_int_equal(l.n, 1);
        assert_string_equal(l.v[0].task.id, "sched-other");
        assert_non_null(strstr(l.warning, "restored them"));
        /* the commit writes ledger.bin and removes the now stale ledger.json */
        assert_int_equal(sched_ledger_commit(&l, &err), 0);
        sched_ledger_close(&l);
        struct stat st;
        assert_int_equal(stat(path, &st), -1);
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        assert_int_equal(stat(path, &st), 0);
}

/* Liveness in proportion: a decision checks a window of SCHED_LEDGER_SWEEP entries, so a dead
 * holder outside it stays (costing capacity only) until a decision would refuse; then every
 * entry is checked, the dead one reclaimed and the newcomer admitted. */
static void dead_outside_the_window(void **state)
{
        (void)state;
        struct sched_host h = host1();
        struct rterr err;
        uint64_t granted;
        pid_t p = sleeper();
        /* 40 small reservations of this process first, the big one of p last */
        for (int i = 0; i < 40; i++) {
                char id[32];
                snprintf(id, sizeof(id), "sched-small-%d", i);
                struct sched_task t = task(id, SCHED_CRIT_CONTROL, MS / 10, 0);
                assert_int_equal(sched_admission_reserve(&t, &h, "/r", getpid(), NULL, NULL,
                                                         &granted, NULL, &err),
                                 0);
        }
        struct sched_task big = task("sched-big", SCHED_CRIT_CONTROL, 12 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&big, &h, "/r", p, NULL, NULL, &granted, NULL, &err), 0);
        /* move the cursor (decisions with nothing dead) until the next two windows miss it */
        struct sched_ledger l;
        for (int tries = 0;; tries++) {
                assert_true(tries < 64);
                assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
                size_t b = 0;
                while (b < l.n && strcmp(l.v[b].task.id, "sched-big") != 0)
                        b++;
                assert_true(b < l.n);
                size_t ahead = (b + l.n - (size_t)l.cursor) % l.n;
                sched_ledger_close(&l);
                if (ahead >= 2 * SCHED_LEDGER_SWEEP)
                        break;
                assert_int_equal(sched_ledger_open(&l, &err), 0);
                assert_int_equal(sched_ledger_commit(&l, &err), 0);
                sched_ledger_close(&l);
        }
        reap(p);
        assert_int_equal(sched_ledger_open(&l, &err), 0);
        assert_int_equal(l.n, 41); /* the window did not reach it */
        assert_int_equal(l.reclaimed, 0);
        assert_int_equal(sched_ledger_commit(&l, &err), 0);
        sched_ledger_close(&l);
        /* 0.2 + 0.6 + 0.5 > 1: refused unless the dead one is found */
        struct sched_task other = task("sched-other", SCHED_CRIT_CONTROL, 10 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&other, &h, "/r", getpid(), NULL, NULL, &granted, NULL, &err),
            0);
        assert_int_equal(granted, 10 * MS);
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 41);
        for (size_t i = 0; i < l.n; i++)
                assert_string_not_equal(l.v[i].task.id, "sched-big");
        sched_ledger_close(&l);
}

/* ledger.json replaced by a valid but empty one: the live reservations' sidecars put them back
 * (status included), so the next decision still counts them and refuses what no longer fits;
 * a dead holder's sidecar is dropped. */
/* A warning sink that keeps the last warning in a 512-byte buffer. */
static void keep_warning(void *ctx, const char *msg)
{
        snprintf(ctx, 512, "%s", msg);
}

static void emptied_ledger_reconciled(void **state)
{
        (void)state;
        struct sched_host h = host1();
        struct rterr err;
        uint64_t granted;
        pid_t p[3];
        char id[32];
        for (int i = 0; i < 3; i++) {
                p[i] = sleeper();
                snprintf(id, sizeof(id), "held-%d", i);
                struct sched_task t = task(id, SCHED_CRIT_CONTROL, 5 * MS, 0);
                assert_int_equal(
                    sched_admission_reserve(&t, &h, "/r", p[i], NULL, NULL, &granted, NULL, &err),
                    0);
        }
        assert_int_equal(sidecars(), 3);
        reap(p[2]);
        /* a valid ledger.bin that lists nothing, as a restored backup or a bug could leave */
        struct sched_ledger empty = {0};
        size_t len;
        char *bin = sched_ledger_bin_encode(&empty, 0, &len);
        assert_non_null(bin);
        char path[512];
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(bin, 1, len, f), len);
        fclose(f);
        free(bin);
        struct sched_ledger l;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 2);
        sched_ledger_close(&l);
        /* 2 x 0.25 held on CPU 0: 0.6 more does not fit (it would with the empty file) */
        struct sched_task big = task("newcomer", SCHED_CRIT_CONTROL, 12 * MS, 0);
        char warning[512] = "";
        struct rtwarn sink = {keep_warning, warning};
        assert_int_equal(
            sched_admission_reserve(&big, &h, "/r", getpid(), NULL, NULL, &granted, &sink, &err),
            -1);
        assert_non_null(strstr(err.msg, "EDF: utilisation 1.100"));
        assert_non_null(strstr(warning, "listed 0 reservation(s) but 2 more live one(s)"));
        /* the repair was committed although the newcomer was refused */
        assert_int_equal(sidecars(), 2);
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 2);
        assert_false(l.warning[0]);
        sched_ledger_close(&l);
        reap(p[0]);
        reap(p[1]);
}

/* A truncated ledger: detected, warned about, rebuilt from the live sidecars only. */
static void corrupt_ledger_rebuilt(void **state)
{
        (void)state;
        struct sched_host h = host1();
        struct rterr err;
        uint64_t granted;
        pid_t p = sleeper();
        struct sched_task a = task("sched-alive", SCHED_CRIT_CONTROL, 3 * MS, 0);
        struct sched_task b = task("sched-dead", SCHED_CRIT_PLANNING, 4 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&a, &h, "/r1", getpid(), NULL, NULL, &granted, NULL, &err), 0);
        assert_int_equal(
            sched_admission_reserve(&b, &h, "/r2", p, NULL, NULL, &granted, NULL, &err), 0);
        reap(p);
        char path[512];
        snprintf(path, sizeof(path), "%s/ledger.bin", dir);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(truncate(path, st.st_size / 2), 0);
        /* a snapshot (status) refuses to guess */
        struct sched_ledger l;
        assert_int_equal(sched_ledger_snapshot(&l, &err), -1);
        assert_non_null(strstr(err.msg, "is corrupt"));
        assert_int_equal(sched_ledger_open(&l, &err), 0);
        assert_true(l.rebuilt);
        assert_non_null(strstr(l.warning, "was corrupt"));
        assert_non_null(strstr(l.warning, "rebuilt from 1 live reservation"));
        assert_int_equal(l.n, 1);
        assert_string_equal(l.v[0].task.id, "sched-alive");
        assert_string_equal(l.v[0].root, "/r1");
        assert_int_equal(l.v[0].task.granted, 3 * MS);
        assert_int_equal(sched_ledger_commit(&l, &err), 0);
        sched_ledger_close(&l);
        assert_int_equal(sidecars(), 1);
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 1);
        sched_ledger_close(&l);
}

struct calls {
        int n;
        char who[8][1088];
        uint64_t to[8];
};

static int record(const struct sched_entry *e, uint64_t runtime, void *ctx, struct rterr *err)
{
        (void)err;
        struct calls *c = ctx;
        snprintf(c->who[c->n], sizeof(c->who[0]), "%s", e->task.id);
        c->to[c->n++] = runtime;
        return 0;
}

/* Online through the ledger: control arrives, perception is lowered through the callback
 * before reserve returns; on release perception gets its requested runtime back. */
static void compression_applied_and_restored(void **state)
{
        (void)state;
        struct sched_host h = host1();
        struct rterr err;
        uint64_t granted;
        struct calls c = {0};
        struct sched_task perc = task("sched-perc", SCHED_CRIT_PERCEPTION, 10 * MS, 2 * MS);
        struct sched_task ctrl = task("sched-ctrl", SCHED_CRIT_CONTROL, 14 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&perc, &h, "/r", getpid(), record, &c, &granted, NULL, &err),
            0);
        assert_int_equal(c.n, 0);
        assert_int_equal(
            sched_admission_reserve(&ctrl, &h, "/r", getpid(), record, &c, &granted, NULL, &err),
            0);
        assert_int_equal(granted, 14 * MS);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.who[0], "sched-perc");
        assert_int_equal(c.to[0], 6 * MS); /* 20 ms - 14 ms */
        assert_int_equal(sched_admission_release(&h, "/r", "sched-ctrl", record, &c, NULL, &err),
                         0);
        assert_int_equal(c.n, 2);
        assert_int_equal(c.to[1], 10 * MS);
        struct sched_ledger l;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 1);
        assert_int_equal(l.v[0].task.granted, 10 * MS);
        assert_int_equal(l.counters.admitted, 2);
        assert_int_equal(l.counters.compressed, 1);
        assert_int_equal(l.counters.refused, 0);
        sched_ledger_close(&l);
        /* a second reservation of the same container is refused */
        assert_int_equal(
            sched_admission_reserve(&perc, &h, "/r", getpid(), record, &c, &granted, NULL, &err),
            -1);
        assert_non_null(strstr(err.msg, "already holds"));
}

/* ledger.bin keeps every kind the model has, an untimed FIFO entry (no timing, granted 1)
 * and a CPU set beyond the first word included, and refuses a record it cannot trust. */
static void binary_round_trip(void **state)
{
        (void)state;
        struct sched_entry v[2] = {0};
        v[0].task = task("dl", SCHED_CRIT_PLANNING, 5 * MS, 0);
        cpumask_set(&v[0].task.cpus, 4000);
        v[0].pid = 10;
        snprintf(v[0].root, sizeof(v[0].root), "/r");
        v[1].task.kind = SCHED_KIND_UNTIMED_FP;
        v[1].task.policy = SCHED_FIFO;
        v[1].task.priority = 50;
        v[1].task.granted = 1;
        cpumask_set(&v[1].task.cpus, 1);
        snprintf(v[1].task.id, sizeof(v[1].task.id), "fifo");
        v[1].pid = 11;
        snprintf(v[1].root, sizeof(v[1].root), "/r");
        struct sched_ledger in = {.v = v, .n = 2};
        size_t len;
        char *bin = sched_ledger_bin_encode(&in, 7, &len);
        assert_non_null(bin);
        struct sched_ledger out = {0};
        uint64_t cursor = 0;
        struct rterr err = {0};
        assert_int_equal(sched_ledger_bin_decode(&out, bin, len, &cursor, &err), 0);
        assert_int_equal(out.n, 2);
        assert_int_equal(cursor, 7);
        assert_true(cpumask_equal(&out.v[0].task.cpus, &v[0].task.cpus));
        assert_int_equal(out.v[1].task.kind, SCHED_KIND_UNTIMED_FP);
        assert_int_equal(out.v[1].task.granted, 1);
        assert_string_equal(out.v[1].task.id, "fifo");
        free(out.v);
        /* an untimed entry with a real grant is not one rtrun writes */
        v[1].task.granted = 2;
        free(bin);
        bin = sched_ledger_bin_encode(&in, 7, &len);
        struct sched_ledger bad = {0};
        assert_int_equal(sched_ledger_bin_decode(&bad, bin, len, &cursor, &err), -1);
        free(bad.v);
        free(bin);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(binary_round_trip),
            cmocka_unit_test_setup(concurrent_writers, setup),
            cmocka_unit_test_setup(dead_pid_reclaimed, setup),
            cmocka_unit_test_setup(dead_outside_the_window, setup),
            cmocka_unit_test_setup(corrupt_ledger_rebuilt, setup),
            cmocka_unit_test_setup(emptied_ledger_reconciled, setup),
            cmocka_unit_test_setup(compression_applied_and_restored, setup),
        };
        return run_in_ledger_dir(dir, tests);
}
