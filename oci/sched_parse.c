/* process.scheduler and process.ioPriority, checked the way sched_setattr(2) and
 * ioprio_set(2) would check them, so a bad value fails at parse time with its JSON path. */
#include <inttypes.h>
#include <sched.h>

#include "common/common.h"
#include "oci/internal.h"

/* The kernel truncates DEADLINE runtimes to 2^DL_SCALE ns (DL_SCALE = 10) and rejects less. */
#define DL_MIN_RUNTIME 1024ULL

static int parse_flags(struct jctx *c, yajl_val v, const char *path, struct oci_scheduler *s)
{
        yajl_val flags = NULL;
        if (jo_arr(c, v, path, "flags", &flags) < 0)
                return -1;
        if (flags == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, "flags");
        s->reset_on_fork_explicit = true;
        for (size_t i = 0; i < flags->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                yajl_val e = flags->u.array.values[i];
                if (!YAJL_IS_STRING(e))
                        return jerr(c, q, "expected a string, got %s", jtype(e));
                long f;
                if (oci_name_lookup(oci_sched_flag_names, e->u.string, &f) < 0)
                        return jerr(c, q, "unknown scheduler flag \"%s\"", e->u.string);
                s->flags |= (uint64_t)f;
        }
        return 0;
}

/* runtime-spec leaves the zero cases to the kernel; like sched_setattr(2), a period of 0 means
 * "period = deadline". We also read a deadline of 0 as "deadline = period" (implicit deadline,
 * the common case) where the kernel would refuse it, and store the completed values. */
static int check_deadline(struct jctx *c, const char *path, struct oci_scheduler *s)
{
        if (s->period == 0)
                s->period = s->deadline;
        if (s->deadline == 0)
                s->deadline = s->period;
        if (s->deadline == 0)
                return jerr(c, path, "SCHED_DEADLINE needs a deadline or a period");
        if (s->runtime < DL_MIN_RUNTIME)
                return jerr(c, path, "SCHED_DEADLINE runtime %" PRIu64 " is below %llu ns",
                            s->runtime, DL_MIN_RUNTIME);
        if (s->runtime > s->deadline || s->deadline > s->period)
                return jerr(c, path,
                            "SCHED_DEADLINE needs runtime <= deadline <= period, got %" PRIu64
                            " / %" PRIu64 " / %" PRIu64,
                            s->runtime, s->deadline, s->period);
        /* The kernel reserves bit 63 for wrap-around arithmetic. */
        if (s->period >> 63)
                return jerr(c, path, "SCHED_DEADLINE period %" PRIu64 " is too large", s->period);
        return 0;
}

static int check_priority(struct jctx *c, const char *path, const char *policy,
                          struct oci_scheduler *s)
{
        char p[JPATH_MAX];
        jpath(p, path, "priority");
        if (s->policy == SCHED_FIFO || s->policy == SCHED_RR) {
                if (s->priority < 1 || s->priority > 99)
                        return jerr(c, p, "%s priority must be in [1, 99], got %d", policy,
                                    s->priority);
        } else if (s->priority != 0) {
                return jerr(c, p, "%s priority must be 0, got %d", policy, s->priority);
        }
        return 0;
}

int oci_parse_scheduler(struct jctx *c, yajl_val v, const char *path, struct oci_scheduler *s)
{
        if (j_object(c, path, v) < 0)
                return -1;
        char p[JPATH_MAX];
        jpath(p, path, "policy");
        yajl_val pv = jfield(v, "policy");
        if (pv == NULL)
                return jerr(c, p, "required but missing");
        if (!YAJL_IS_STRING(pv))
                return jerr(c, p, "expected a string, got %s", jtype(pv));
        s->policy = oci_sched_policy_from_name(pv->u.string);
        if (s->policy < 0)
                return jerr(c, p, "unknown scheduler policy \"%s\"", pv->u.string);
        s->set = true;

        yajl_val f;
        if ((f = jfield(v, "nice"))) {
                jpath(p, path, "nice");
                if (j_i32_range(c, p, f, -20, 19, &s->nice) < 0)
                        return -1;
        }
        if ((f = jfield(v, "priority"))) {
                jpath(p, path, "priority");
                if (j_i32_range(c, p, f, INT32_MIN, INT32_MAX, &s->priority) < 0)
                        return -1;
        }
        oci_opt_u64 runtime = {0}, deadline = {0}, period = {0};
        if (jo_u64(c, v, path, "runtime", &runtime) < 0 ||
            jo_u64(c, v, path, "deadline", &deadline) < 0 ||
            jo_u64(c, v, path, "period", &period) < 0)
                return -1;
        s->runtime = runtime.v;
        s->deadline = deadline.v;
        s->period = period.v;
        if (parse_flags(c, v, path, s) < 0)
                return -1;
        if (check_priority(c, path, pv->u.string, s) < 0)
                return -1;
        if (s->policy == SCHED_DEADLINE)
                return check_deadline(c, path, s);
        return 0;
}

int oci_parse_io_priority(struct jctx *c, yajl_val v, const char *path, struct oci_io_priority *io)
{
        if (j_object(c, path, v) < 0)
                return -1;
        char p[JPATH_MAX];
        jpath(p, path, "class");
        yajl_val cv = jfield(v, "class");
        if (cv == NULL)
                return jerr(c, p, "required but missing");
        if (!YAJL_IS_STRING(cv))
                return jerr(c, p, "expected a string, got %s", jtype(cv));
        long k;
        if (oci_name_lookup(oci_ioprio_class_names, cv->u.string, &k) < 0)
                return jerr(c, p, "unknown I/O priority class \"%s\"", cv->u.string);
        io->klass = (int)k;
        yajl_val pr = jfield(v, "priority");
        if (pr) {
                int32_t n = 0;
                jpath(p, path, "priority");
                if (j_i32_range(c, p, pr, 0, 7, &n) < 0)
                        return -1;
                io->priority = n;
        }
        io->set = true;
        return 0;
}
