/* The process object: config.json's "process" and `exec --process FILE`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "oci/internal.h"

static int parse_user(struct jctx *c, yajl_val v, const char *path, struct oci_user *u)
{
        if (j_object(c, path, v) < 0)
                return -1;
        if (jo_u32(c, v, path, "uid", false, &u->uid) < 0 ||
            jo_u32(c, v, path, "gid", false, &u->gid) < 0 ||
            jo_u64(c, v, path, "umask", &u->umask) < 0 ||
            jo_str(c, v, path, "username", &u->username) < 0)
                return -1;
        char p[JPATH_MAX];
        jpath(p, path, "umask");
        if (u->umask.set && u->umask.v > 0777)
                return jerr(c, p, "%llu is not a file mode mask (at most 0777)",
                            (unsigned long long)u->umask.v);
        yajl_val gids = NULL;
        if (jo_arr(c, v, path, "additionalGids", &gids) < 0)
                return -1;
        if (gids == NULL || gids->u.array.len == 0)
                return 0;
        jpath(p, path, "additionalGids");
        u->additional_gids = oci_calloc(c, p, gids->u.array.len, sizeof(uint32_t));
        if (u->additional_gids == NULL)
                return -1;
        for (size_t i = 0; i < gids->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                if (j_u32(c, q, gids->u.array.values[i], &u->additional_gids[i]) < 0)
                        return -1;
                u->n_additional_gids = i + 1;
        }
        return 0;
}

static int parse_cap_set(struct jctx *c, yajl_val caps, const char *path, const char *key,
                         uint64_t *mask)
{
        yajl_val v = NULL;
        if (jo_arr(c, caps, path, key, &v) < 0)
                return -1;
        if (v == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        for (size_t i = 0; i < v->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                yajl_val e = v->u.array.values[i];
                if (!YAJL_IS_STRING(e))
                        return jerr(c, q, "expected a string, got %s", jtype(e));
                int cap = oci_cap_from_name(e->u.string);
                if (cap < 0)
                        return jerr(c, q, "unknown capability \"%s\"", e->u.string);
                *mask |= 1ULL << cap;
        }
        return 0;
}

static int parse_capabilities(struct jctx *c, yajl_val v, const char *path,
                              struct oci_capabilities *caps)
{
        if (j_object(c, path, v) < 0)
                return -1;
        caps->set = true;
        if (parse_cap_set(c, v, path, "bounding", &caps->bounding) < 0 ||
            parse_cap_set(c, v, path, "effective", &caps->effective) < 0 ||
            parse_cap_set(c, v, path, "inheritable", &caps->inheritable) < 0 ||
            parse_cap_set(c, v, path, "permitted", &caps->permitted) < 0 ||
            parse_cap_set(c, v, path, "ambient", &caps->ambient) < 0)
                return -1;
        return 0;
}

static int parse_rlimit(struct jctx *c, yajl_val v, const char *path, struct oci_rlimit *r)
{
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "type", &r->type) < 0)
                return -1;
        char p[JPATH_MAX];
        jpath(p, path, "type");
        long res;
        if (oci_name_lookup(oci_rlimit_names, r->type, &res) < 0)
                return jerr(c, p, "unknown rlimit type \"%s\"", r->type);
        r->resource = (int)res;
        oci_opt_u64 soft = {0}, hard = {0};
        if (jo_u64(c, v, path, "soft", &soft) < 0 || jo_u64(c, v, path, "hard", &hard) < 0)
                return -1;
        if (!soft.set || !hard.set) {
                jpath(p, path, soft.set ? "hard" : "soft");
                return jerr(c, p, "required but missing");
        }
        if (soft.v > hard.v)
                return jerr(c, path, "%s soft limit %llu is above the hard limit %llu", r->type,
                            (unsigned long long)soft.v, (unsigned long long)hard.v);
        r->soft = soft.v;
        r->hard = hard.v;
        return 0;
}

static int parse_rlimits(struct jctx *c, yajl_val v, const char *path, struct oci_process *p)
{
        if (v->u.array.len == 0)
                return 0;
        p->rlimits = oci_calloc(c, path, v->u.array.len, sizeof(struct oci_rlimit));
        if (p->rlimits == NULL)
                return -1;
        for (size_t i = 0; i < v->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, path, i);
                p->n_rlimits = i + 1;
                if (parse_rlimit(c, v->u.array.values[i], q, &p->rlimits[i]) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++)
                        if (p->rlimits[j].resource == p->rlimits[i].resource)
                                return jerr(c, q, "duplicate rlimit type \"%s\"",
                                            p->rlimits[i].type);
        }
        return 0;
}

static int parse_console_size(struct jctx *c, yajl_val v, const char *path, struct oci_process *p)
{
        if (j_object(c, path, v) < 0 ||
            jo_u32(c, v, path, "height", true, &p->console_height) < 0 ||
            jo_u32(c, v, path, "width", true, &p->console_width) < 0)
                return -1;
        p->has_console_size = true;
        return 0;
}

static int parse_cpu_affinity(struct jctx *c, yajl_val v, const char *path,
                              struct oci_exec_cpu_affinity *a)
{
        if (j_object(c, path, v) < 0 || jo_str(c, v, path, "initial", &a->initial) < 0 ||
            jo_str(c, v, path, "final", &a->final) < 0)
                return -1;
        char p[JPATH_MAX];
        struct cpumask m;
        struct rterr why;
        if (a->initial && cpumask_parse(a->initial, &m, &why) < 0) {
                jpath(p, path, "initial");
                return jerr(c, p, "invalid CPU list \"%s\" (%s)", a->initial, why.msg);
        }
        if (a->final && cpumask_parse(a->final, &m, &why) < 0) {
                jpath(p, path, "final");
                return jerr(c, p, "invalid CPU list \"%s\" (%s)", a->final, why.msg);
        }
        return 0;
}

static int parse_args_cwd(struct jctx *c, yajl_val v, const char *path, struct oci_process *p)
{
        char q[JPATH_MAX];
        if (jo_strv(c, v, path, "args", &p->args) < 0)
                return -1;
        jpath(q, path, "args");
        if (p->args.n == 0)
                return jerr(c, q, "must not be empty");
        if (jo_str_req(c, v, path, "cwd", &p->cwd) < 0)
                return -1;
        jpath(q, path, "cwd");
        if (p->cwd[0] != '/')
                return jerr(c, q, "must be an absolute path, got \"%s\"", p->cwd);
        return 0;
}

/* Each sub-parser gets its member's value when present. */
static int parse_members(struct jctx *c, yajl_val v, const char *path, struct oci_process *p)
{
        struct {
                const char *key;
                int kind;
        } const objs[] = {{"user", 0},           {"capabilities", 1}, {"rlimits", 2},
                          {"consoleSize", 3},    {"scheduler", 4},    {"ioPriority", 5},
                          {"execCPUAffinity", 6}};
        for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
                yajl_val m = jfield(v, objs[i].key);
                if (m == NULL)
                        continue;
                char q[JPATH_MAX];
                jpath(q, path, objs[i].key);
                int rc = 0;
                switch (objs[i].kind) {
                case 0:
                        rc = parse_user(c, m, q, &p->user);
                        break;
                case 1:
                        rc = parse_capabilities(c, m, q, &p->capabilities);
                        break;
                case 2:
                        rc = j_array(c, q, m) < 0 ? -1 : parse_rlimits(c, m, q, p);
                        break;
                case 3:
                        rc = parse_console_size(c, m, q, p);
                        break;
                case 4:
                        rc = oci_parse_scheduler(c, m, q, &p->scheduler);
                        break;
                case 5:
                        rc = oci_parse_io_priority(c, m, q, &p->io_priority);
                        break;
                case 6:
                        rc = parse_cpu_affinity(c, m, q, &p->exec_cpu_affinity);
                        break;
                }
                if (rc < 0)
                        return -1;
        }
        return 0;
}

int oci_parse_process(struct jctx *c, yajl_val v, const char *path, struct oci_process *p)
{
        if (j_object(c, path, v) < 0)
                return -1;
        if (jo_bool(c, v, path, "terminal", &p->terminal) < 0 ||
            jo_strv(c, v, path, "env", &p->env) < 0 ||
            jo_str(c, v, path, "commandLine", &p->command_line) < 0 ||
            jo_bool(c, v, path, "noNewPrivileges", &p->no_new_privileges) < 0 ||
            jo_str(c, v, path, "apparmorProfile", &p->apparmor_profile) < 0 ||
            jo_i64(c, v, path, "oomScoreAdj", &p->oom_score_adj) < 0 ||
            jo_str(c, v, path, "selinuxLabel", &p->selinux_label) < 0)
                return -1;
        if (p->oom_score_adj.set && (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000)) {
                char q[JPATH_MAX];
                jpath(q, path, "oomScoreAdj");
                return jerr(c, q, "%lld is out of range [-1000, 1000]",
                            (long long)p->oom_score_adj.v);
        }
        if (parse_args_cwd(c, v, path, p) < 0 || parse_members(c, v, path, p) < 0)
                return -1;
        return oci_check_process_limits(c, path, p);
}

void oci_process_clear(struct oci_process *p)
{
        free(p->user.additional_gids);
        free(p->user.username);
        strv_free(&p->args);
        free(p->command_line);
        strv_free(&p->env);
        free(p->cwd);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->exec_cpu_affinity.initial);
        free(p->exec_cpu_affinity.final);
        memset(p, 0, sizeof(*p));
}

void oci_process_free(struct oci_process *p)
{
        if (p == NULL)
                return;
        oci_process_clear(p);
        free(p);
}

int oci_process_parse(const char *json, size_t len, const char *what, struct oci_process **out,
                      struct rterr *err)
{
        struct jctx c = {.src = what ? what : "process", .err = err};
        yajl_val root = NULL;
        if (jparse(&c, json, len, &root) < 0)
                return -1;
        struct oci_process *p = calloc(1, sizeof(*p));
        if (p == NULL) {
                yajl_tree_free(root);
                return rterr_sys(err, ENOMEM, "%s", c.src);
        }
        int rc = oci_parse_process(&c, root, "", p);
        yajl_tree_free(root);
        if (rc < 0) {
                oci_process_free(p);
                return -1;
        }
        *out = p;
        return 0;
}
