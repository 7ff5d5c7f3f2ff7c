/* Helpers shared by the files of scheduler/ only (the public API is scheduler.h). */
#ifndef RTRUN_SCHEDULER_INTERNAL_H
#define RTRUN_SCHEDULER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "scheduler/scheduler.h"

#define SCHED_PPB UINT64_C(1000000000)
#define SCHED_US UINT64_C(1000)
/* sched_rta() gives up after this many steps (rta.c says why). */
#define SCHED_RTA_MAX_STEPS 100000u

/* "12.3 ms": nanoseconds as milliseconds with up to three decimals, into buf. */
const char *sched_fmt_ms(uint64_t ns, char *buf, size_t size);

/* ceil(a * SCHED_PPB / ppb) without overflow for the ranges the model allows. */
uint64_t sched_scale_up(unsigned __int128 a, uint64_t ppb);

/* Decides tasks[i] alone against the tasks with granted > 0 (admit.c's batch step: as requested,
 * else elastic shrink of itself, else refused). */
bool sched_admit_alone(struct sched_task *set, size_t n, size_t i, const struct sched_host *h,
                       struct sched_verdict *v);

/* ---- JSON: common/json.h, and one schema check of scheduler/'s own ---- */
#include "common/common.h"

/* A non-negative integer member; -1 with err "<path>.<key>: ..." when absent or not one. */
int sj_u64(yajl_val obj, const char *path, const char *key, bool required, uint64_t *out,
           struct rterr *err);

/* ---- reservations as JSON (the ledger's entries and sidecars) ---- */
void sched_entry_gen(yajl_gen g, const struct sched_entry *e);
int sched_entry_parse(yajl_val v, const char *path, struct sched_entry *e, struct rterr *err);
const char *sched_kind_name(enum sched_kind k);

/* ---- the ledger's files (ledger.c, ledger_reconcile.c) ---- */
#define SCHED_SIDECARS "reservations"
/* The sidecar file name of an entry: FNV-1a of root and id, "%016llx.json". */
void sched_sidecar_name(const struct sched_entry *e, char *buf, size_t size);
/* Appends a copy of e to l. */
int sched_ledger_push(struct sched_ledger *l, const struct sched_entry *e, struct rterr *err);
/* A ledger.json that parses is still checked against the sidecars: a live reservation whose
 * sidecar the file does not list is added back (with l->warning), so an emptied or stale
 * ledger cannot drop reservations. With `repair`, dead sidecars are removed and entries
 * without a sidecar get one at the next commit. */
int sched_ledger_reconcile(struct sched_ledger *l, bool repair, struct rterr *err);
/* ledger.bin (ledger_bin.c): encode to a malloc'd buffer; decode into l->v, l->n, the
 * counters, l->bin_sum and the liveness sweep's cursor (-1 with err when corrupt). */
char *sched_ledger_bin_encode(const struct sched_ledger *l, uint64_t cursor, size_t *len);
int sched_ledger_bin_decode(struct sched_ledger *l, const char *buf, size_t len, uint64_t *cursor,
                            struct rterr *err);
/* The payload checksum of an encoded buffer (what decode leaves in l->bin_sum). */
uint64_t sched_ledger_bin_sum(const char *buf);

#endif
