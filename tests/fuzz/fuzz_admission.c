/* libFuzzer target: the admission analysis on task sets built straight from the input bytes
 * (wider than the taskset parser lets through: any values sched_task_validate accepts). Besides
 * crashes and undefined behaviour it checks the controller's promise: after batch admission,
 * online admission in order, and a release followed by a restore, every CPU an admitted task
 * touches passes the exact tests again (sched_feasible), and no grant exceeds the request or
 * falls below an elastic task's minimum. A broken promise aborts, which libFuzzer reports. */
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "scheduler/scheduler.h"

#define MAX_TASKS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
        const uint8_t *p;
        size_t left;
};

static uint64_t take(struct input *in, size_t bytes)
{
        uint64_t v = 0;
        for (size_t i = 0; i < bytes; i++) {
                v <<= 8;
                if (in->left) {
                        v |= *in->p++;
                        in->left--;
                }
        }
        return v;
}

/* A time in ns: mostly realistic (100 us .. ~1 s, whole us), sometimes anything positive. */
static uint64_t take_time(struct input *in)
{
        uint8_t mode = (uint8_t)take(in, 1);
        if (mode < 200)
                return 1000 * (100 + take(in, 2) * 16);
        if (mode < 240)
                return 1024 + take(in, 3);
        return take(in, 8) & INT64_MAX;
}

static void take_task(struct input *in, const struct sched_host *h, int ncpus, size_t i,
                      struct sched_task *t)
{
        memset(t, 0, sizeof(*t));
        snprintf(t->id, sizeof(t->id), "t%zu", i);
        uint8_t b = (uint8_t)take(in, 1);
        t->kind = (enum sched_kind)(b % 3);
        t->crit = (enum sched_crit)((b >> 2) % 4);
        t->policy = t->kind == SCHED_KIND_DEADLINE ? SCHED_DEADLINE : SCHED_FIFO;
        t->priority = t->kind == SCHED_KIND_TIMED_FP ? 1 + (int)(take(in, 1) % 99) : 0;
        uint8_t mask = (uint8_t)take(in, 1);
        if (t->kind == SCHED_KIND_TIMED_FP)
                cpumask_set(&t->cpus, mask % ncpus);
        else
                for (int c = 0; c < ncpus; c++)
                        if (mask & (1u << c))
                                cpumask_set(&t->cpus, c);
        uint64_t x[3] = {take_time(in), take_time(in), take_time(in)};
        /* sorted: runtime <= deadline <= period, as validation demands */
        for (int a = 0; a < 3; a++)
                for (int c = a + 1; c < 3; c++)
                        if (x[c] < x[a]) {
                                uint64_t s = x[a];
                                x[a] = x[c];
                                x[c] = s;
                        }
        t->runtime = x[0];
        t->deadline = x[1];
        t->period = x[2];
        if (b & 0x40) {
                t->elastic = true;
                t->min_runtime = 1024 + take(in, 4) % (t->runtime > 1024 ? t->runtime - 1023 : 1);
                t->weight = 0.05 + (double)take(in, 1) / 16.0;
        }
        (void)h;
}

static void check(const struct sched_task *set, size_t n, const struct sched_host *h,
                  const char *when)
{
        char why[512];
        if (getenv("FUZZ_SHOW"))
                for (size_t i = 0; i < n; i++)
                        fprintf(stderr, "%s: %s granted %llu\n", when, set[i].id,
                                (unsigned long long)set[i].granted);
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *t = &set[i];
                if (t->granted == 0 || t->kind == SCHED_KIND_NONE)
                        continue;
                if (t->granted > t->runtime || (t->elastic && t->granted < t->min_runtime) ||
                    (!t->elastic && t->granted != t->runtime)) {
                        fprintf(stderr, "%s: %s granted %llu of %llu (min %llu)\n", when, t->id,
                                (unsigned long long)t->granted, (unsigned long long)t->runtime,
                                (unsigned long long)t->min_runtime);
                        abort();
                }
                if (!sched_feasible(set, n, h, &t->cpus, why, sizeof(why))) {
                        fprintf(stderr, "%s: admitted set fails on %s's CPUs: %s\n", when, t->id,
                                why);
                        abort();
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct input in = {data, size};
        uint8_t hb = (uint8_t)take(&in, 1);
        int ncpus = 1 + hb % 8;
        char cpus[16];
        snprintf(cpus, sizeof(cpus), "0-%d", ncpus - 1);
        int64_t rt_runtime = (hb & 0x08) ? -1 : (int64_t)(500000 + take(&in, 2) * 7);
        uint64_t fs_runtime = (hb & 0x10) ? 0 : 50000000, fs_period = fs_runtime ? 1000000000 : 0;
        struct sched_host h;
        struct rterr err;
        if (rt_runtime > 1000000)
                rt_runtime = 1000000;
        if (sched_host_from_values(&h, rt_runtime, 1000000, cpus, fs_runtime, fs_period, &err) < 0)
                return 0;
        size_t n = 1 + take(&in, 1) % MAX_TASKS;
        struct sched_task set[MAX_TASKS];
        for (size_t i = 0; i < n; i++) {
                take_task(&in, &h, ncpus, i, &set[i]);
                if (sched_task_validate(&set[i], &h, set[i].id, &err) < 0)
                        return 0;
        }
        if (getenv("FUZZ_SHOW")) /* fuzz_admission ARTIFACT with FUZZ_SHOW=1 prints the set */
                for (size_t i = 0; i < n; i++)
                        fprintf(
                            stderr, "%s kind %d crit %d prio %d cpus %d.. c %llu d %llu p %llu%s\n",
                            set[i].id, set[i].kind, set[i].crit, set[i].priority,
                            cpumask_first(&set[i].cpus), (unsigned long long)set[i].runtime,
                            (unsigned long long)set[i].deadline, (unsigned long long)set[i].period,
                            set[i].elastic ? " elastic" : "");
        struct sched_verdict v[MAX_TASKS];
        struct sched_task batch[MAX_TASKS];
        memcpy(batch, set, sizeof(set[0]) * n);
        (void)sched_admit_batch(batch, n, &h, v);
        check(batch, n, &h, "batch");

        struct sched_task online[MAX_TASKS];
        memcpy(online, set, sizeof(set[0]) * n);
        for (size_t i = 0; i < n; i++) {
                online[i].granted = 0;
                (void)sched_admit_online(online, i, &h, &v[i]);
                check(online, i + 1, &h, "online");
        }
        /* the ledger holds the admitted ones; one is released, then restore gives back */
        size_t held = 0;
        for (size_t i = 0; i < n; i++)
                if (online[i].granted > 0)
                        online[held++] = online[i];
        if (held > 1) {
                size_t r = take(&in, 1) % held;
                memmove(&online[r], &online[r + 1], (held - r - 1) * sizeof(online[0]));
                held--;
                (void)sched_restore(online, held, &h);
                check(online, held, &h, "restore");
        }
        free(sched_report_json(online, v, held, &h));
        return 0;
}
