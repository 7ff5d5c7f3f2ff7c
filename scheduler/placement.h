/* Placement internals shared by placement.c, its unit test and the bench (the public calls are
 * in scheduler.h). */
#ifndef RTRUN_SCHEDULER_PLACEMENT_H
#define RTRUN_SCHEDULER_PLACEMENT_H

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

/* One heuristic pass (no exact search); fills verdicts like sched_place_batch. */
size_t sched_place_heuristic(struct sched_task *t, const struct sched_place_req *req, size_t n,
                             const struct sched_host *h, enum sched_fit fit,
                             struct sched_verdict *v);

#endif
