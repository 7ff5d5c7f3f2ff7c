/* linux.resources: device rules, memory, cpu, pids, and the standalone parser used by
 * `rtrun update --resources`. blkio, hugepages, network, rdma live in resources_more.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "oci/internal.h"

static int parse_rule_number(struct jctx *c, yajl_val v, const char *path, const char *key,
                             int64_t *out)
{
        oci_opt_i64 n = {0};
        if (jo_i64(c, v, path, key, &n) < 0)
                return -1;
        *out = n.set ? n.v : -1;
        if (n.set && n.v < -1) {
                char p[JPATH_MAX];
                jpath(p, path, key);
                return jerr(c, p, "must be -1 (any) or a device number, got %lld", (long long)n.v);
        }
        return 0;
}

static int parse_device_rule(struct jctx *c, yajl_val v, const char *path,
                             struct oci_device_rule *r)
{
        if (j_object(c, path, v) < 0)
                return -1;
        char p[JPATH_MAX];
        jpath(p, path, "allow");
        yajl_val a = jfield(v, "allow");
        if (a == NULL)
                return jerr(c, p, "required but missing");
        if (j_bool(c, p, a, &r->allow) < 0)
                return -1;
        char *type = NULL, *access = NULL;
        int rc = -1;
        if (jo_str(c, v, path, "type", &type) < 0 || jo_str(c, v, path, "access", &access) < 0)
                goto out;
        r->type = 'a';
        if (type) {
                jpath(p, path, "type");
                if (strlen(type) != 1 || !strchr("acb", type[0])) {
                        rc = jerr(c, p, "device type must be \"a\", \"c\" or \"b\", got \"%s\"",
                                  type);
                        goto out;
                }
                r->type = type[0];
        }
        strcpy(r->access, "rwm");
        if (access) {
                jpath(p, path, "access");
                size_t n = strlen(access);
                bool ok = n <= 3;
                for (size_t i = 0; ok && i < n; i++)
                        ok = strchr("rwm", access[i]) && !memchr(access, access[i], i);
                if (!ok) {
                        rc =
                            jerr(c, p, "device access must be a combination of \"rwm\", got \"%s\"",
                                 access);
                        goto out;
                }
                if (n > 0)
                        memcpy(r->access, access, n + 1);
        }
        if (parse_rule_number(c, v, path, "major", &r->major) < 0 ||
            parse_rule_number(c, v, path, "minor", &r->minor) < 0)
                goto out;
        rc = 0;
out:
        free(type);
        free(access);
        return rc;
}

static int parse_device_rules(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        return J_ARRAY_OF(c, v, path, r->devices, r->n_devices, parse_device_rule);
}

static int parse_memory(struct jctx *c, yajl_val v, const char *path, struct oci_memory *m)
{
        if (j_object(c, path, v) < 0)
                return -1;
        m->set = true;
        if (jo_i64(c, v, path, "limit", &m->limit) < 0 ||
            jo_i64(c, v, path, "reservation", &m->reservation) < 0 ||
            jo_i64(c, v, path, "swap", &m->swap) < 0 ||
            jo_i64(c, v, path, "kernel", &m->kernel) < 0 ||
            jo_i64(c, v, path, "kernelTCP", &m->kernel_tcp) < 0 ||
            jo_u64(c, v, path, "swappiness", &m->swappiness) < 0 ||
            jo_opt_bool(c, v, path, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
            jo_opt_bool(c, v, path, "useHierarchy", &m->use_hierarchy) < 0 ||
            jo_opt_bool(c, v, path, "checkBeforeUpdate", &m->check_before_update) < 0)
                return -1;
        if (m->swappiness.set && m->swappiness.v > 100) {
                char p[JPATH_MAX];
                jpath(p, path, "swappiness");
                return jerr(c, p, "must be in [0, 100], got %llu",
                            (unsigned long long)m->swappiness.v);
        }
        return 0;
}

static int check_cpulist(struct jctx *c, const char *path, const char *key, const char *list)
{
        struct cpumask m;
        struct rterr why;
        if (list == NULL || cpumask_parse(list, &m, &why) == 0)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        return jerr(c, p, "invalid %s list \"%s\" (%s)",
                    strcmp(key, "cpus") ? "memory node" : "CPU", list, why.msg);
}

static int parse_cpu(struct jctx *c, yajl_val v, const char *path, struct oci_cpu *cpu)
{
        if (j_object(c, path, v) < 0)
                return -1;
        cpu->set = true;
        if (jo_u64(c, v, path, "shares", &cpu->shares) < 0 ||
            jo_i64(c, v, path, "quota", &cpu->quota) < 0 ||
            jo_u64(c, v, path, "burst", &cpu->burst) < 0 ||
            jo_u64(c, v, path, "period", &cpu->period) < 0 ||
            jo_i64(c, v, path, "realtimeRuntime", &cpu->realtime_runtime) < 0 ||
            jo_u64(c, v, path, "realtimePeriod", &cpu->realtime_period) < 0 ||
            jo_str(c, v, path, "cpus", &cpu->cpus) < 0 ||
            jo_str(c, v, path, "mems", &cpu->mems) < 0 ||
            jo_i64(c, v, path, "idle", &cpu->idle) < 0)
                return -1;
        if (check_cpulist(c, path, "cpus", cpu->cpus) < 0 ||
            check_cpulist(c, path, "mems", cpu->mems) < 0)
                return -1;
        return 0;
}

static int parse_pids(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        if (j_object(c, path, v) < 0)
                return -1;
        if (jo_i64(c, v, path, "limit", &r->pids_limit) < 0)
                return -1;
        if (!r->pids_limit.set) {
                char p[JPATH_MAX];
                jpath(p, path, "limit");
                return jerr(c, p, "required but missing");
        }
        return 0;
}

int oci_parse_resources(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        if (j_object(c, path, v) < 0)
                return -1;
        yajl_val f;
        char p[JPATH_MAX];
#define MEMBER(key, call)                                                                          \
        if ((f = jfield(v, key))) {                                                                \
                jpath(p, path, key);                                                               \
                if ((call) < 0)                                                                    \
                        return -1;                                                                 \
        }
        MEMBER("devices", parse_device_rules(c, f, p, r));
        MEMBER("memory", parse_memory(c, f, p, &r->memory));
        MEMBER("cpu", parse_cpu(c, f, p, &r->cpu));
        MEMBER("pids", parse_pids(c, f, p, r));
        MEMBER("blockIO", oci_parse_blkio(c, f, p, &r->blkio));
#undef MEMBER
        return oci_parse_resources_more(c, v, path, r);
}

int oci_resources_parse(const char *json, size_t len, const char *what, struct oci_resources **out,
                        struct rterr *err)
{
        struct jctx c = {.src = what ? what : "resources", .err = err};
        yajl_val root = NULL;
        if (jparse(&c, json, len, &root) < 0)
                return -1;
        struct oci_resources *r = calloc(1, sizeof(*r));
        if (r == NULL) {
                yajl_tree_free(root);
                return rterr_sys(err, ENOMEM, "%s", c.src);
        }
        int rc = oci_parse_resources(&c, root, "", r);
        yajl_tree_free(root);
        if (rc < 0) {
                oci_resources_free(r);
                return -1;
        }
        *out = r;
        return 0;
}

void oci_resources_free(struct oci_resources *r)
{
        if (r == NULL)
                return;
        oci_resources_clear(r);
        free(r);
}
