/* ledger.bin: the ledger in a compact binary form, so that a decision at 1000 reservations
 * reads and writes a few hundred kilobytes with memcpy instead of parsing and generating JSON
 * (issue 19: 17.8 ms for reserve+release at 1000, most of it JSON and per-entry checks).
 * Layout, little-endian as the host (the file lives on /run and never leaves the machine):
 *   header: "RTRUNLB1", u32 version, u32 count, u64 cursor, u64 admitted, refused,
 *           compressed, u64 payload bytes, u64 checksum of the payload
 *   payload: count records: struct rec, then the CPU set's words up to its last non-zero one
 *            (cpu_words of them: a few bytes on a small host, not the 1 KiB of an 8192-CPU
 *            mask), then id, name, root (lengths in the record, no NUL).
 * Every length and enum is checked on decode; any mismatch is "corrupt" and the caller
 * rebuilds from the sidecars, exactly as for a torn ledger.json. People read it through
 * `rtrun admission status` (table or JSON). */
#include "scheduler/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "RTRUNLB1"
#define VERSION 2

struct header {
        char magic[8];
        uint32_t version, count;
        uint64_t cursor, admitted, refused, compressed, bytes, sum;
};

struct rec {
        int32_t pid, policy, priority;
        uint8_t kind, crit, elastic, flags; /* flags: 1 = placed (0 before issue 20) */
        uint64_t starttime, pidfs_ino, runtime, deadline, period, granted, min_runtime;
        double weight;
        uint16_t id_len, name_len, root_len, cpu_words;
};

/* Word-wise: the payload is hashed four times per reserve+release, byte-wise FNV would cost
 * more than the decision. Catches truncation and stray writes, not an adversary. */
/* How many words of m matter: up to its last non-zero one. */
static uint16_t mask_words(const struct cpumask *m)
{
        size_t n = sizeof(m->w) / sizeof(m->w[0]);
        while (n > 0 && m->w[n - 1] == 0)
                n--;
        return (uint16_t)n;
}

static uint64_t checksum(const unsigned char *p, size_t n)
{
        uint64_t h = UINT64_C(14695981039346656037);
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                h = (h ^ w) * UINT64_C(1099511628211);
        }
        for (; i < n; i++)
                h = (h ^ p[i]) * UINT64_C(1099511628211);
        return h;
}

char *sched_ledger_bin_encode(const struct sched_ledger *l, uint64_t cursor, size_t *len)
{
        size_t size = sizeof(struct header);
        for (size_t i = 0; i < l->n; i++)
                size += sizeof(struct rec) + 8 * (size_t)mask_words(&l->v[i].task.cpus) +
                        strlen(l->v[i].task.id) + strlen(l->v[i].task.name) + strlen(l->v[i].root);
        char *buf = malloc(size);
        if (buf == NULL)
                return NULL;
        size_t off = sizeof(struct header);
        for (size_t i = 0; i < l->n; i++) {
                const struct sched_entry *e = &l->v[i];
                const struct sched_task *t = &e->task;
                struct rec r = {
                    .pid = e->pid,
                    .policy = t->policy,
                    .priority = t->priority,
                    .kind = (uint8_t)t->kind,
                    .crit = (uint8_t)t->crit,
                    .elastic = t->elastic,
                    .flags = t->placed ? 1 : 0,
                    .starttime = e->starttime,
                    .pidfs_ino = e->pidfs_ino,
                    .runtime = t->runtime,
                    .deadline = t->deadline,
                    .period = t->period,
                    .granted = t->granted,
                    .min_runtime = t->min_runtime,
                    .weight = t->weight,
                    .id_len = (uint16_t)strlen(t->id),
                    .name_len = (uint16_t)strlen(t->name),
                    .root_len = (uint16_t)strlen(e->root),
                    .cpu_words = mask_words(&t->cpus),
                };
                memcpy(buf + off, &r, sizeof(r));
                off += sizeof(r);
                memcpy(buf + off, t->cpus.w, 8 * (size_t)r.cpu_words);
                off += 8 * (size_t)r.cpu_words;
                memcpy(buf + off, t->id, r.id_len);
                off += r.id_len;
                memcpy(buf + off, t->name, r.name_len);
                off += r.name_len;
                memcpy(buf + off, e->root, r.root_len);
                off += r.root_len;
        }
        struct header h = {.version = VERSION,
                           .count = (uint32_t)l->n,
                           .cursor = cursor,
                           .admitted = l->counters.admitted,
                           .refused = l->counters.refused,
                           .compressed = l->counters.compressed,
                           .bytes = size - sizeof(h)};
        memcpy(h.magic, MAGIC, 8);
        h.sum = checksum((unsigned char *)buf + sizeof(h), h.bytes);
        memcpy(buf, &h, sizeof(h));
        *len = size;
        return buf;
}

uint64_t sched_ledger_bin_sum(const char *buf)
{
        struct header h;
        memcpy(&h, buf, sizeof(h));
        return h.sum;
}

static int bad(struct rterr *err, const char *why, size_t i)
{
        return rterr_set(err, EINVAL, "%s (record %zu)", why, i);
}

int sched_ledger_bin_decode(struct sched_ledger *l, const char *buf, size_t len, uint64_t *cursor,
                            struct rterr *err)
{
        struct header h;
        if (len < sizeof(h))
                return rterr_set(err, EINVAL, "shorter than its header");
        memcpy(&h, buf, sizeof(h));
        if (memcmp(h.magic, MAGIC, 8) != 0 || h.version != VERSION)
                return rterr_set(err, EINVAL, "not an rtrun ledger of version %d", VERSION);
        if (h.bytes != len - sizeof(h) ||
            checksum((const unsigned char *)buf + sizeof(h), h.bytes) != h.sum)
                return rterr_set(err, EINVAL, "truncated or damaged (checksum)");
        free(l->v);
        l->n = 0;
        l->v = calloc((size_t)h.count + 1, sizeof(*l->v));
        if (l->v == NULL)
                return rterr_errno(err, "admission ledger");
        size_t off = sizeof(h);
        for (size_t i = 0; i < h.count; i++) {
                struct rec r;
                struct sched_entry *e = &l->v[i];
                struct sched_task *t = &e->task;
                if (len - off < sizeof(r))
                        return bad(err, "truncated", i);
                memcpy(&r, buf + off, sizeof(r));
                off += sizeof(r);
                if (r.id_len == 0 || r.id_len >= sizeof(t->id) || r.name_len >= sizeof(t->name) ||
                    r.root_len >= sizeof(e->root) ||
                    r.cpu_words > sizeof(t->cpus.w) / sizeof(t->cpus.w[0]) ||
                    len - off < 8 * (size_t)r.cpu_words + r.id_len + r.name_len + r.root_len)
                        return bad(err, "bad string or CPU set length", i);
                memcpy(t->cpus.w, buf + off, 8 * (size_t)r.cpu_words);
                off += 8 * (size_t)r.cpu_words;
                /* as sched_entry_parse: an untimed FIFO/RR entry has no timing, granted 0 or 1 */
                bool untimed = r.kind == SCHED_KIND_UNTIMED_FP;
                if ((r.kind != SCHED_KIND_DEADLINE && r.kind != SCHED_KIND_TIMED_FP && !untimed) ||
                    r.crit > SCHED_CRIT_CONTROL || r.pid <= 0 ||
                    (untimed ? r.granted > 1
                             : r.runtime == 0 || r.period == 0 || r.granted > r.runtime))
                        return bad(err, "bad kind, criticality, pid or runtime", i);
                memcpy(t->id, buf + off, r.id_len);
                off += r.id_len;
                memcpy(t->name, buf + off, r.name_len);
                off += r.name_len;
                memcpy(e->root, buf + off, r.root_len);
                off += r.root_len;
                e->pid = r.pid;
                e->starttime = r.starttime;
                e->pidfs_ino = r.pidfs_ino;
                t->kind = (enum sched_kind)r.kind;
                t->crit = (enum sched_crit)r.crit;
                t->policy = r.policy;
                t->priority = r.priority;
                t->elastic = r.elastic;
                t->placed = (r.flags & 1) != 0;
                t->runtime = r.runtime;
                t->deadline = r.deadline;
                t->period = r.period;
                t->granted = r.granted;
                t->min_runtime = r.min_runtime;
                t->weight = r.weight;
                l->n++;
        }
        if (off != len)
                return rterr_set(err, EINVAL, "trailing bytes");
        l->counters.admitted = h.admitted;
        l->counters.refused = h.refused;
        l->counters.compressed = h.compressed;
        l->bin_sum = h.sum;
        *cursor = h.cursor;
        return 0;
}
