/* Placement internals shared by placement.c, its unit test and the bench (the public calls are
 * in scheduler.h). */
#ifndef RTRUN_SCHEDULER_PLACEMENT_H
#define RTRUN_SCHEDULER_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "scheduler/scheduler.h"

/* How a heuristic picks among the CPUs where a task fits. */
enum sched_fit {
        SCHED_FIT_WORST, /* the least loaded: spreads the load */
        SCHED_FIT_BEST,  /* the most loaded: packs, leaves whole CPUs free */
};

/* The order every placement decides in: decreasing criticality; within a class the tasks with
 * named CPUs first (file order), then the auto ones by decreasing requested utilisation (ties
 * in file order). Fills order[n]. */
void sched_place_order(const struct sched_task *t, const struct sched_place_req *req, size_t n,
                       size_t *order);

/* One task's load on each CPU of its set, in ppb: granted / period / |cpus| (floored). */
uint64_t sched_place_load_ppb(const struct sched_task *t);

/* Helpers placement_score.c shares with placement.c. */
uint64_t sched_place_util_ppb(const struct sched_task *t, uint64_t runtime); /* runtime/period */
bool sched_place_admitted(const struct sched_task *t); /* granted, or nothing to grant */
uint64_t sched_place_foreign_ppb(const struct sched_host *h, int cpu); /* DEADLINE outside us */
/* The highest CPU load and the spread of load[] over the host's CPUs, into s. */
void sched_place_balance_of(const uint64_t *load, const struct sched_host *h,
                            struct sched_place_score *s);
int sched_place_ncpu_of(const struct sched_host *h); /* highest CPU number + 1 */
/* Compares per criticality from control down: admitted counts, then granted ppb (<0, 0, >0). */
int sched_place_primary_cmp(const uint32_t *aa, const uint64_t *ag, const uint32_t *ba,
                            const uint64_t *bg);
/* Whether task i asked admission to choose its CPUs. */
bool sched_place_is_auto(const struct sched_place_req *req, const struct sched_task *t, size_t i);

/* One heuristic pass (no exact search); fills verdicts like sched_place_batch. */
size_t sched_place_heuristic(struct sched_task *t, const struct sched_place_req *req, size_t n,
                             const struct sched_host *h, enum sched_fit fit,
                             struct sched_verdict *v);

#endif
