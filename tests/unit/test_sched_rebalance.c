/* Placement through the ledger and `admission rebalance` (issue 20), without root:
 * RTRUN_ADMISSION_DIR points at a temporary directory. Hosts have capacity 1. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "scheduler/scheduler.h"
#include "sched_fixtures.h"

static char dir[] = "/tmp/rtrun-test-rebalance-XXXXXX";

/* Every task here has a 10 ms period. */
static struct sched_task dl10(const char *id, enum sched_crit crit, const char *cpus,
                              uint64_t runtime, uint64_t min_runtime)
{
        return dl(id, crit, cpus, runtime, 10 * MS, min_runtime);
}

struct calls {
        size_t n;
        char who[8][64];
        uint64_t to[8];
};

static int record(const struct sched_entry *e, uint64_t runtime, void *ctx, struct rterr *err)
{
        (void)err;
        struct calls *c = ctx;
        if (c->n < 8) {
                snprintf(c->who[c->n], sizeof(c->who[0]), "%.60s", e->task.id);
                c->to[c->n++] = runtime;
        }
        return 0;
}

static int setup(void **state)
{
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
        return system(cmd) == 0 ? 0 : -1;
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

/* create with auto: the ledger entry holds the chosen CPU, the least loaded one, and
 * sched_admission_cpus reads it back for an exec. */
static void reserve_placed(void **state)
{
        (void)state;
        struct sched_host h = host("0-3");
        struct rterr err;
        uint64_t granted;
        struct cpumask chosen;
        char buf[16];
        struct sched_place_req req;
        assert_int_equal(sched_place_req_parse("auto@1-3", &h.cpus, &req, &err), 0);
        struct sched_task a = dl10("a", SCHED_CRIT_CONTROL, "1-3", 5 * MS, 0);
        struct sched_task b = dl10("b", SCHED_CRIT_PLANNING, "1-3", 5 * MS, 0);
        assert_int_equal(sched_admission_reserve_placed(&a, &req, &h, "/r", getpid(), NULL, NULL,
                                                        &granted, &chosen, NULL, &err),
                         0);
        assert_string_equal(cpumask_format(&chosen, buf, sizeof(buf)), "1");
        assert_int_equal(sched_admission_reserve_placed(&b, &req, &h, "/r", getpid(), NULL, NULL,
                                                        &granted, &chosen, NULL, &err),
                         0);
        assert_string_equal(cpumask_format(&chosen, buf, sizeof(buf)), "2");
        assert_int_equal(sched_admission_cpus("/r", "b", &chosen, &err), 0);
        assert_string_equal(cpumask_format(&chosen, buf, sizeof(buf)), "2");
        assert_int_equal(sched_admission_cpus("/r", "nope", &chosen, &err), -1);
        /* a refusal names the placement and changes nothing */
        struct sched_task big = dl10("big", SCHED_CRIT_CONTROL, "1-3", 9 * MS, 0);
        struct sched_place_req one;
        assert_int_equal(sched_place_req_parse("auto@1", &h.cpus, &one, &err), 0);
        assert_int_equal(sched_admission_reserve_placed(&big, &one, &h, "/r", getpid(), NULL, NULL,
                                                        &granted, &chosen, NULL, &err),
                         -1);
        assert_non_null(strstr(err.msg, "big rejected: placement: fits on no CPU of 1"));
        assert_int_equal(sched_admission_cpus("/r", "big", &chosen, &err), -1);
}

/* Control (0.5, its holder dies without delete), perception elastic (0.5 down to 0.1) and
 * planning elastic (0.3) share CPU 1; planning compressed perception to 0.2. Rebalance drops the
 * dead control, raises perception back to 0.5 through the callback, and plans moving one of
 * the elastic ones to the empty CPU 0 (highest load 0.8 -> 0.5), which it reports and does not
 * apply. */
static void rebalance_reclaims_raises_and_plans(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct rterr err;
        uint64_t granted;
        struct calls c = {0};
        pid_t dead = sleeper();
        struct sched_task ctrl = dl10("ctrl", SCHED_CRIT_CONTROL, "1", 5 * MS, 0);
        struct sched_task perc = dl10("perc", SCHED_CRIT_PERCEPTION, "1", 5 * MS, 1 * MS);
        struct sched_task plan = dl10("plan", SCHED_CRIT_PLANNING, "1", 3 * MS, 1 * MS);
        assert_int_equal(
            sched_admission_reserve(&ctrl, &h, "/r", dead, record, &c, &granted, NULL, &err), 0);
        /* perception and planning asked admission to choose, from CPU 1 only */
        struct sched_place_req one;
        struct cpumask chosen;
        assert_int_equal(sched_place_req_parse("auto@1", &h.cpus, &one, &err), 0);
        assert_int_equal(sched_admission_reserve_placed(&perc, &one, &h, "/r", getpid(), record, &c,
                                                        &granted, &chosen, NULL, &err),
                         0);
        assert_int_equal(sched_admission_reserve_placed(&plan, &one, &h, "/r", getpid(), record, &c,
                                                        &granted, &chosen, NULL, &err),
                         0);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.who[0], "perc");
        assert_int_equal(c.to[0], 2 * MS);
        kill(dead, SIGKILL);
        waitpid(dead, NULL, 0);

        struct sched_rebalance rb;
        assert_int_equal(sched_admission_rebalance(&h, record, &c, NULL, &rb, &err), 0);
        assert_int_equal(rb.reclaimed, 1);
        assert_int_equal(rb.raised, 1);
        assert_int_equal(c.n, 2);
        assert_string_equal(c.who[1], "perc");
        assert_int_equal(c.to[1], 5 * MS);
        assert_int_equal(rb.before.max_load, 500000000); /* dead control dropped: 0.2 + 0.3 */
        assert_int_equal(rb.after.max_load, 800000000);
        assert_true(rb.plan_keeps_all);
        assert_int_equal(rb.plan.max_load, 500000000);
        assert_int_equal(rb.n_moves, 1);
        char from[16], to[16];
        cpumask_format(&rb.moves[0].from, from, sizeof(from));
        cpumask_format(&rb.moves[0].to, to, sizeof(to));
        assert_string_equal(from, "1");
        assert_string_equal(to, "0");
        free(rb.moves);
        /* the ledger holds the raised grant and the entries stay where they run */
        struct sched_ledger l;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        assert_int_equal(l.n, 2);
        for (size_t i = 0; i < l.n; i++) {
                char cpus[16];
                assert_string_equal(cpumask_format(&l.v[i].task.cpus, cpus, sizeof(cpus)), "1");
                if (strcmp(l.v[i].task.id, "perc") == 0)
                        assert_int_equal(l.v[i].task.granted, 5 * MS);
        }
        sched_ledger_close(&l);
        /* the ledger remembers which were placed */
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        for (size_t i = 0; i < l.n; i++)
                assert_true(l.v[i].task.placed);
        sched_ledger_close(&l);
        /* a second rebalance has nothing to raise or reclaim */
        assert_int_equal(sched_admission_rebalance(&h, record, &c, NULL, &rb, &err), 0);
        assert_int_equal(rb.reclaimed, 0);
        assert_int_equal(rb.raised, 0);
        assert_int_equal(c.n, 2);
        free(rb.moves);
}

/* The adjust policy's decision: best-effort (0.4, elastic to 0.1) and perception (0.4, elastic
 * to 0.1) were both compressed to 0.2 when control (0.6) arrived. Perception's measured demand
 * needs more: it grows to the most the online decision gives it by compressing only the class
 * below (best-effort down to its floor 0.1): 0.3, not its full 0.4; control is untouched. A
 * best-effort reservation cannot grow at perception's expense. */
static void grow_through_the_same_decision(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct rterr err;
        uint64_t granted;
        struct calls c = {0};
        struct sched_task be = dl10("be", SCHED_CRIT_BEST_EFFORT, "0", 4 * MS, 1 * MS);
        struct sched_task perc = dl10("perc", SCHED_CRIT_PERCEPTION, "0", 4 * MS, 1 * MS);
        struct sched_task ctrl = dl10("ctrl", SCHED_CRIT_CONTROL, "0", 6 * MS, 0);
        assert_int_equal(
            sched_admission_reserve(&be, &h, "/r", getpid(), record, &c, &granted, NULL, &err), 0);
        assert_int_equal(
            sched_admission_reserve(&perc, &h, "/r", getpid(), record, &c, &granted, NULL, &err),
            0);
        assert_int_equal(
            sched_admission_reserve(&ctrl, &h, "/r", getpid(), record, &c, &granted, NULL, &err),
            0);
        assert_int_equal(c.n, 2);
        assert_int_equal(c.to[0], 2 * MS);
        assert_int_equal(c.to[1], 2 * MS);
        /* best-effort has no class below it to take from */
        assert_int_equal(sched_admission_grow(&h, "/r", "be", record, &c, NULL, &granted, &err), 0);
        assert_int_equal(granted, 2 * MS);
        assert_int_equal(c.n, 2);
        assert_int_equal(sched_admission_grow(&h, "/r", "perc", record, &c, NULL, &granted, &err),
                         0);
        assert_int_equal(granted, 3 * MS);
        assert_int_equal(c.n, 4); /* best-effort lowered first, then perception raised */
        assert_string_equal(c.who[2], "be");
        assert_int_equal(c.to[2], 1 * MS);
        assert_string_equal(c.who[3], "perc");
        assert_int_equal(c.to[3], 3 * MS);
        struct sched_ledger l;
        assert_int_equal(sched_ledger_snapshot(&l, &err), 0);
        for (size_t i = 0; i < l.n; i++) {
                const struct sched_task *t = &l.v[i].task;
                uint64_t want = strcmp(t->id, "ctrl") == 0   ? 6 * MS
                                : strcmp(t->id, "perc") == 0 ? 3 * MS
                                                             : 1 * MS;
                assert_int_equal(t->granted, want);
                assert_int_equal(t->runtime, strcmp(t->id, "ctrl") == 0 ? 6 * MS : 4 * MS);
        }
        sched_ledger_close(&l);
        assert_int_equal(sched_admission_grow(&h, "/r", "nope", record, &c, NULL, &granted, &err),
                         -1);
}

int main(void)
{
        assert_non_null(mkdtemp(dir));
        setenv("RTRUN_ADMISSION_DIR", dir, 1);
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(reserve_placed, setup),
            cmocka_unit_test_setup(rebalance_reclaims_raises_and_plans, setup),
            cmocka_unit_test_setup(grow_through_the_same_decision, setup),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                r = 1;
        return r;
}
