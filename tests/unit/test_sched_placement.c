/* Placement (issue 20): admission chooses the CPUs of "auto" tasks. Hosts have bandwidth 1 and
 * no fair server unless a test says otherwise, so utilisations add up plainly. The exact search
 * is checked against an exhaustive enumeration written here independently: every assignment of
 * the auto tasks to a CPU or to "left out", decided by sched_admit_batch in placement's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"
#include "scheduler/placement.h"
#include "scheduler/scheduler.h"
#include "sched_fixtures.h"

static struct sched_place_req autoreq(const struct sched_host *h, const char *spec)
{
        struct sched_place_req r;
        struct rterr err;
        assert_int_equal(sched_place_req_parse(spec, &h->cpus, &r, &err), 0);
        assert_true(r.place);
        return r;
}

static struct sched_place_req named(void)
{
        struct sched_place_req r;
        memset(&r, 0, sizeof(r));
        return r;
}

/* Every admitted task passes the model's tests on every CPU of the host. */
static void assert_schedulable(const struct sched_task *t, size_t n, const struct sched_host *h)
{
        char why[512];
        bool ok = sched_feasible(t, n, h, &h->cpus, why, sizeof(why));
        if (!ok)
                fail_msg("placed set is not schedulable: %s", why);
}

/* The best score over all (m+1)^k assignments, each decided by the batch rule in the order
 * placement uses (so grants of elastic tasks follow the same rule). */
static void exhaustive(const struct sched_task *t, const struct sched_place_req *req, size_t n,
                       const struct sched_host *h, struct sched_place_score *best)
{
        size_t order[16], autos[16], na = 0;
        int cpus[64], m = 0;
        for (int c = cpumask_first(&h->cpus); c >= 0; c = cpumask_next(&h->cpus, c))
                cpus[m++] = c;
        sched_place_order(t, req, n, order);
        for (size_t i = 0; i < n; i++)
                if (req[i].place)
                        autos[na++] = i;
        size_t total = 1;
        for (size_t a = 0; a < na; a++)
                total *= (size_t)m + 1;
        bool have = false;
        struct sched_task set[16];
        struct sched_verdict v[16];
        for (size_t code = 0; code < total; code++) {
                int choice[16];
                size_t x = code;
                for (size_t a = 0; a < na; a++) {
                        choice[autos[a]] = (int)(x % ((size_t)m + 1)) - 1; /* -1: left out */
                        x /= (size_t)m + 1;
                }
                size_t k = 0;
                for (size_t o = 0; o < n; o++) {
                        size_t i = order[o];
                        if (req[i].place && choice[i] < 0)
                                continue;
                        set[k] = t[i];
                        if (req[i].place) {
                                cpumask_zero(&set[k].cpus);
                                cpumask_set(&set[k].cpus, (unsigned)cpus[choice[i]]);
                        }
                        k++;
                }
                sched_admit_batch(set, k, h, v);
                struct sched_place_score s;
                sched_place_score_of(set, k, h, &s);
                if (!have || sched_place_score_cmp(&s, best) > 0)
                        *best = s;
                have = true;
        }
}

static uint64_t rnd(uint64_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

/* Random small instances: 2 or 3 CPUs, up to 6 tasks, some named, some auto, some elastic,
 * mixed classes. The exact search matches the exhaustive optimum, is proven optimal, never
 * beats it (so it never admits something the batch rule would not), and the result passes
 * every test. The heuristic is never better than the optimum. */
static void exact_matches_exhaustive(void **state)
{
        (void)state;
        uint64_t seed = 0x9e3779b97f4a7c15ull;
        int gaps = 0;
        for (int round = 0; round < 300; round++) {
                struct sched_host h = host(rnd(&seed) % 2 ? "0-2" : "0-1");
                size_t n = 3 + rnd(&seed) % 4;
                struct sched_task t[8];
                struct sched_place_req req[8];
                for (size_t i = 0; i < n; i++) {
                        char id[16];
                        snprintf(id, sizeof(id), "t%zu", i);
                        uint64_t period = (5 + rnd(&seed) % 4) * 2 * MS;
                        uint64_t runtime = period * (10 + rnd(&seed) % 60) / 100;
                        bool elastic = rnd(&seed) % 3 == 0;
                        enum sched_crit crit = (enum sched_crit)(rnd(&seed) % 4);
                        bool place = rnd(&seed) % 4 != 0;
                        const char *fixed = rnd(&seed) % 2 ? "0" : "1";
                        t[i] = dl(id, crit, fixed, runtime, period, elastic ? runtime / 4 : 0);
                        if (rnd(&seed) % 5 == 0) /* constrained deadline: QPA, not U <= 1 */
                                t[i].deadline = period * 3 / 4 > runtime ? period * 3 / 4 : period;
                        req[i] = place ? autoreq(&h, "auto") : named();
                }
                struct sched_place_score want;
                exhaustive(t, req, n, &h, &want);
                struct sched_verdict v[8];
                struct sched_place_stats st;
                sched_place_batch(t, req, n, &h, 1000000, v, &st);
                assert_true(st.exact);
                assert_true(st.optimal);
                if (sched_place_score_cmp(&st.best, &want) != 0)
                        fail_msg("round %d: exact placement differs from the exhaustive optimum "
                                 "(admitted control %u/%u, max load %llu/%llu)",
                                 round, st.best.admitted[3], want.admitted[3],
                                 (unsigned long long)st.best.max_load,
                                 (unsigned long long)want.max_load);
                assert_true(sched_place_score_cmp(&st.heuristic, &want) <= 0);
                gaps += sched_place_score_cmp(&st.heuristic, &want) < 0;
                assert_schedulable(t, n, &h);
                for (size_t i = 0; i < n; i++) {
                        assert_int_equal(v[i].admitted, t[i].granted > 0);
                        if (req[i].place && v[i].admitted) {
                                assert_int_equal(cpumask_count(&t[i].cpus), 1);
                                assert_non_null(strstr(v[i].reason, "placed on CPU"));
                        }
                }
        }
        /* the instances are hard enough that the heuristic is not always optimal */
        assert_true(gaps > 0);
}

/* Larger random sets with the heuristics alone: never an unschedulable result. */
static void heuristics_never_overadmit(void **state)
{
        (void)state;
        uint64_t seed = 12345;
        for (int round = 0; round < 40; round++) {
                struct sched_host h = host("0-3");
                size_t n = 30;
                struct sched_task t[30];
                struct sched_place_req req[30];
                for (size_t i = 0; i < n; i++) {
                        char id[16];
                        snprintf(id, sizeof(id), "t%zu", i);
                        uint64_t period = (1 + rnd(&seed) % 10) * MS;
                        uint64_t runtime = period * (5 + rnd(&seed) % 40) / 100;
                        t[i] = dl(id, (enum sched_crit)(rnd(&seed) % 4), "2", runtime, period,
                                  rnd(&seed) % 2 ? runtime / 3 : 0);
                        if (rnd(&seed) % 4 == 0)
                                t[i].deadline = runtime + (period - runtime) / 2;
                        req[i] = rnd(&seed) % 5 ? autoreq(&h, "auto") : named();
                }
                struct sched_verdict v[30];
                for (int fit = 0; fit < 2; fit++) {
                        sched_place_heuristic(t, req, n, &h, (enum sched_fit)fit, v);
                        assert_schedulable(t, n, &h);
                }
                sched_place_batch(t, req, n, &h, 0, v, NULL);
                assert_schedulable(t, n, &h);
        }
}

/* One CPU: a perception task first in the file (0.5) and a control task (0.6) cannot both
 * fit; control wins although it comes later. */
static void criticality_first(void **state)
{
        (void)state;
        struct sched_host h = host("0");
        struct sched_task t[] = {
            dl("perc", SCHED_CRIT_PERCEPTION, "0", 5 * MS, 10 * MS, 0),
            dl("ctrl", SCHED_CRIT_CONTROL, "0", 6 * MS, 10 * MS, 0),
        };
        struct sched_place_req req[] = {autoreq(&h, "auto"), autoreq(&h, "auto")};
        struct sched_verdict v[2];
        assert_int_equal(sched_place_batch(t, req, 2, &h, 100000, v, NULL), 1);
        assert_true(v[1].admitted);
        assert_false(v[0].admitted);
        assert_non_null(strstr(v[0].reason, "placement: fits on no CPU of 0"));
}

/* Two control tasks of 0.6 and three planning tasks of 0.4 on two CPUs: both control tasks
 * get a CPU of their own, and one planning task fits beside each. The exact search may leave a
 * lower-class task out, never a higher one, for one more of the same class. */
static void more_of_a_class_beats_fewer(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[] = {
            dl("c1", SCHED_CRIT_CONTROL, "0", 6 * MS, 10 * MS, 0),
            dl("c2", SCHED_CRIT_CONTROL, "0", 6 * MS, 10 * MS, 0),
            dl("p1", SCHED_CRIT_PLANNING, "0", 4 * MS, 10 * MS, 0),
            dl("p2", SCHED_CRIT_PLANNING, "0", 4 * MS, 10 * MS, 0),
            dl("p3", SCHED_CRIT_PLANNING, "0", 4 * MS, 10 * MS, 0),
        };
        struct sched_place_req req[5];
        for (int i = 0; i < 5; i++)
                req[i] = autoreq(&h, "auto");
        struct sched_verdict v[5];
        struct sched_place_stats st;
        assert_int_equal(sched_place_batch(t, req, 5, &h, 100000, v, &st), 1);
        assert_true(v[0].admitted && v[1].admitted);
        assert_false(cpumask_equal(&t[0].cpus, &t[1].cpus));
        assert_int_equal(st.best.admitted[SCHED_CRIT_PLANNING], 2);
        assert_schedulable(t, 5, &h);
}

/* Ties toward balance: 0.5, 0.4, 0.3, 0.3, 0.3 on two CPUs all fit either way, but worst-fit
 * decreasing ends at 0.8 / 1.0 while 0.9 / 0.9 exists; the exact search finds it. Two light
 * tasks on two CPUs go to different CPUs. */
static void ties_toward_balance(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[] = {
            dl("a", SCHED_CRIT_PLANNING, "0", 5 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_PLANNING, "0", 4 * MS, 10 * MS, 0),
            dl("c", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
            dl("d", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
            dl("e", SCHED_CRIT_PLANNING, "0", 3 * MS, 10 * MS, 0),
        };
        struct sched_place_req req[5];
        for (int i = 0; i < 5; i++)
                req[i] = autoreq(&h, "auto");
        struct sched_verdict v[5];
        struct sched_place_stats st;
        assert_int_equal(sched_place_batch(t, req, 5, &h, 100000, v, &st), 0);
        assert_int_equal(st.best.max_load, 900000000);
        assert_int_equal(st.best.spread, 0);
        assert_true(st.optimal);
        assert_true(cpumask_equal(&t[0].cpus, &t[1].cpus));
        assert_schedulable(t, 5, &h);
        struct sched_place_score wf;
        assert_int_equal(sched_place_heuristic(t, req, 5, &h, SCHED_FIT_WORST, v), 0);
        sched_place_score_of(t, 5, &h, &wf);
        assert_int_equal(wf.max_load, 1000000000);
        assert_true(sched_place_score_cmp(&st.best, &wf) > 0);

        struct sched_task u[] = {
            dl("x", SCHED_CRIT_CONTROL, "0", 2 * MS, 10 * MS, 0),
            dl("y", SCHED_CRIT_CONTROL, "0", 2 * MS, 10 * MS, 0),
        };
        assert_int_equal(sched_place_batch(u, req, 2, &h, 0, v, &st), 0);
        assert_false(cpumask_equal(&u[0].cpus, &u[1].cpus));
        assert_int_equal(st.best.spread, 0);
}

/* Named tasks keep their CPUs and shape the choice: an
 * auto partition of two may join a named partition of two (identical) or take two free CPUs
 * (disjoint); a pool limits the choice. */
static void named_tasks_and_partitions(void **state)
{
        (void)state;
        struct sched_host h = host("0-3");
        struct sched_task t[] = {
            dl("fixed", SCHED_CRIT_CONTROL, "2-3", 4 * MS, 10 * MS, 0),
            dl("part", SCHED_CRIT_PLANNING, "0", 8 * MS, 10 * MS, 0),
            dl("one", SCHED_CRIT_PLANNING, "0", 8 * MS, 10 * MS, 0),
        };
        struct sched_place_req req[] = {named(), autoreq(&h, "auto:2"), autoreq(&h, "auto")};
        struct sched_verdict v[3];
        char buf[64];
        assert_int_equal(sched_place_batch(t, req, 3, &h, 100000, v, NULL), 0);
        assert_string_equal(cpumask_format(&t[0].cpus, buf, sizeof(buf)), "2-3");
        /* worst-fit would give "part" the empty pair 0-1 and leave no CPU for "one" (every CPU
         * in a partition of two); the exact search joins "part" to 2-3 (GFB: 1.2 <= 2 - 0.8)
         * and admits both */
        assert_string_equal(cpumask_format(&t[1].cpus, buf, sizeof(buf)), "2-3");
        assert_string_equal(cpumask_format(&t[2].cpus, buf, sizeof(buf)), "0");
        assert_true(v[1].admitted && v[2].admitted);
        assert_non_null(strstr(v[1].reason, "placed on CPUs 2-3"));
        /* the heuristic alone leaves "one" out, saying why */
        assert_int_equal(sched_place_heuristic(t, req, 3, &h, SCHED_FIT_WORST, v), 1);
        assert_string_equal(cpumask_format(&t[1].cpus, buf, sizeof(buf)), "0-1");
        assert_non_null(strstr(v[2].reason, "DEADLINE partitions must be identical or disjoint"));
        assert_schedulable(t, 3, &h);

        /* a pool limits the choice */
        struct sched_place_req pool = autoreq(&h, "auto@3");
        struct sched_task w[] = {dl("w", SCHED_CRIT_CONTROL, "0", 1 * MS, 10 * MS, 0)};
        assert_int_equal(sched_place_batch(w, &pool, 1, &h, 100, v, NULL), 0);
        assert_string_equal(cpumask_format(&w[0].cpus, buf, sizeof(buf)), "3");
}

/* An elastic auto task that fits nowhere as requested takes the CPU where it keeps most. */
static void elastic_shrinks_where_it_keeps_most(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[] = {
            dl("a", SCHED_CRIT_CONTROL, "0", 7 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_CONTROL, "1", 6 * MS, 10 * MS, 0),
            dl("e", SCHED_CRIT_PERCEPTION, "0", 5 * MS, 10 * MS, 1 * MS),
        };
        struct sched_place_req req[] = {named(), named(), autoreq(&h, "auto")};
        struct sched_verdict v[3];
        char buf[16];
        assert_int_equal(sched_place_batch(t, req, 3, &h, 1000, v, NULL), 0);
        assert_string_equal(cpumask_format(&t[2].cpus, buf, sizeof(buf)), "1");
        assert_int_equal(t[2].granted, 4 * MS);
        assert_non_null(strstr(v[2].reason, "placed on CPU 1: elastic: runtime 4 ms of 5 ms"));
}

/* Online: the newcomer goes to the least loaded CPU where it fits; else it compresses. */
static void online_least_loaded(void **state)
{
        (void)state;
        struct sched_host h = host("0-1");
        struct sched_task t[3] = {
            dl("a", SCHED_CRIT_CONTROL, "0", 5 * MS, 10 * MS, 0),
            dl("b", SCHED_CRIT_PERCEPTION, "1", 6 * MS, 10 * MS, 2 * MS),
        };
        t[0].granted = t[0].runtime;
        t[1].granted = t[1].runtime;
        struct sched_place_req r = autoreq(&h, "auto");
        struct sched_verdict v;
        char buf[16];
        t[2] = dl("n", SCHED_CRIT_CONTROL, "0", 4 * MS, 10 * MS, 0);
        assert_true(sched_place_online(t, 2, &r, &h, &v));
        assert_string_equal(cpumask_format(&t[2].cpus, buf, sizeof(buf)), "0");
        assert_int_equal(t[1].granted, 6 * MS); /* nothing compressed */
        /* a second one fits nowhere as requested: it compresses perception on CPU 1 */
        struct sched_task u[4];
        memcpy(u, t, sizeof(t));
        u[3] = dl("m", SCHED_CRIT_CONTROL, "0", 6 * MS, 10 * MS, 0);
        assert_true(sched_place_online(u, 3, &r, &h, &v));
        assert_string_equal(cpumask_format(&u[3].cpus, buf, sizeof(buf)), "1");
        assert_int_equal(u[1].granted, 4 * MS);
        assert_schedulable(u, 4, &h);
}

/* The taskset takes "cpus": "auto"; the report gives each admitted container its CPUs and says
 * how far the heuristic is from the exact search (the example of bundles/tasksets/
 * auto-placement.json: worst-fit per class ends at 0.6 on one CPU, the optimum at 0.48). */
static void taskset_auto_report(void **state)
{
        (void)state;
        struct sched_host k = host("0-3");
        struct sched_taskset ts;
        struct rterr err;
        const char *json =
            "{\"host\": {\"cpus\": \"1-3\", \"bandwidth\": 1, \"fair_server\": null},"
            "\"containers\": ["
            "{\"id\": \"control\", \"criticality\": \"control\", \"cpus\": \"auto\", "
            "\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 4300000, \"period\": "
            "10000000}},"
            "{\"id\": \"lidar\", \"criticality\": \"perception\", \"cpus\": \"auto\", "
            "\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 2700000, \"period\": "
            "10000000}},"
            "{\"id\": \"camera\", \"criticality\": \"perception\", \"cpus\": \"auto\", "
            "\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1100000, \"period\": "
            "10000000}},"
            "{\"id\": \"radar\", \"criticality\": \"perception\", \"cpus\": \"auto\", "
            "\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000, \"period\": "
            "10000000}},"
            "{\"id\": \"logger\", \"cpus\": \"auto@2-3\", \"scheduler\": {\"policy\": "
            "\"SCHED_DEADLINE\", \"runtime\": 3900000, \"deadline\": 7500000, \"period\": "
            "10000000}},"
            "{\"id\": \"can\", \"criticality\": \"control\", \"cpus\": \"2\", \"scheduler\": "
            "{\"policy\": \"SCHED_FIFO\", \"priority\": 80}, \"timing\": {\"wcet\": 1000000, "
            "\"period\": 200000000}}]}";
        assert_int_equal(sched_taskset_parse(json, "t", &k, &ts, &err), 0);
        assert_true(ts.placed);
        struct sched_verdict v[6];
        assert_int_equal(sched_taskset_run(&ts, v), 0);
        assert_true(ts.stats.optimal);
        assert_true(sched_place_score_cmp(&ts.stats.best, &ts.stats.heuristic) > 0);
        char *doc = sched_report_json_placed(ts.tasks, v, ts.n, &ts.host, &ts.stats);
        assert_non_null(doc);
        assert_non_null(strstr(doc, "\"granted_runtime\": 4300000,\n"
                                    "            \"cpus\": \"1\","));
        /* the FIFO task named CPU 2 (0.005) and the logger's pool shape the choice: the optimum
         * gives the three perception tasks CPU 3 (0.48) and the logger CPU 2 (0.395) */
        assert_non_null(strstr(doc, "\"id\": \"logger\",\n"
                                    "            \"admitted\": true,\n"
                                    "            \"granted_runtime\": 3900000,\n"
                                    "            \"cpus\": \"2\","));
        assert_non_null(strstr(doc, "\"gap\": \"placement: the exact optimum admits 6 "
                                    "(heuristic 6), highest CPU load 0.480 (heuristic 0.605)"));
        free(doc);
        char *x = sched_report_junit_placed(ts.tasks, v, ts.n, &ts.host, &ts.stats);
        assert_non_null(strstr(x, "<property name=\"cpus\" value=\"3\"/>"));
        assert_non_null(strstr(x, "placement: the exact optimum"));
        free(x);
        sched_taskset_free(&ts);

        /* a partition of more than one CPU is DEADLINE only */
        const char *bad = "{\"containers\": [{\"id\": \"f\", \"cpus\": \"auto:2\", "
                          "\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 5}}]}";
        assert_int_equal(sched_taskset_parse(bad, "t.json", &k, &ts, &err), -1);
        assert_string_equal(err.msg, "t.json: containers[0].cpus: auto with more than one CPU is "
                                     "for SCHED_DEADLINE partitions only");
}

static void request_syntax(void **state)
{
        (void)state;
        struct sched_host h = host("0-3");
        struct sched_place_req r;
        struct rterr err;
        char buf[16];
        assert_int_equal(sched_place_req_parse("1-2", &h.cpus, &r, &err), 0);
        assert_false(r.place);
        assert_int_equal(sched_place_req_parse("auto:2@1-3", &h.cpus, &r, &err), 0);
        assert_true(r.place);
        assert_int_equal(r.count, 2);
        assert_string_equal(cpumask_format(&r.pool, buf, sizeof(buf)), "1-3");
        assert_int_equal(sched_place_req_parse("auto:0", &h.cpus, &r, &err), -1);
        assert_int_equal(sched_place_req_parse("auto:5", &h.cpus, &r, &err), -1);
        assert_non_null(strstr(err.msg, "5 CPUs asked, the pool has 4"));
        assert_int_equal(sched_place_req_parse("auto@4-5", &h.cpus, &r, &err), -1);
        assert_int_equal(sched_place_req_parse("autox", &h.cpus, &r, &err), -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(exact_matches_exhaustive),
            cmocka_unit_test(heuristics_never_overadmit),
            cmocka_unit_test(criticality_first),
            cmocka_unit_test(more_of_a_class_beats_fewer),
            cmocka_unit_test(ties_toward_balance),
            cmocka_unit_test(named_tasks_and_partitions),
            cmocka_unit_test(elastic_shrinks_where_it_keeps_most),
            cmocka_unit_test(online_least_loaded),
            cmocka_unit_test(taskset_auto_report),
            cmocka_unit_test(request_syntax),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
