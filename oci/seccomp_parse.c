/* linux.seccomp: actions, operators, architectures and flags checked against the names
 * runtime-spec defines. */
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

/* A syscall has six argument registers. */
#define SECCOMP_MAX_ARGS 6

static int name_field(struct jctx *c, yajl_val v, const char *path, const char *key,
                      const struct oci_name *table, const char *what, long *out)
{
        char p[JPATH_MAX];
        jpath(p, path, key);
        yajl_val f = jfield(v, key);
        if (f == NULL)
                return jerr(c, p, "required but missing");
        if (!YAJL_IS_STRING(f))
                return jerr(c, p, "expected a string, got %s", jtype(f));
        if (oci_name_lookup(table, f->u.string, out) < 0)
                return jerr(c, p, "unknown %s \"%s\"", what, f->u.string);
        return 0;
}

static int check_names(struct jctx *c, const char *path, const char *key,
                       const struct oci_strv *list, const struct oci_name *table, const char *what)
{
        for (size_t i = 0; i < list->n; i++) {
                long unused;
                if (oci_name_lookup(table, list->v[i], &unused) == 0)
                        continue;
                char p[JPATH_MAX], q[JPATH_MAX];
                jpath(p, path, key);
                jpath_idx(q, p, i);
                return jerr(c, q, "unknown %s \"%s\"", what, list->v[i]);
        }
        return 0;
}

static int parse_arg(struct jctx *c, yajl_val v, const char *path, struct oci_seccomp_arg *a)
{
        oci_opt_u64 value = {0}, two = {0};
        long op;
        if (j_object(c, path, v) < 0 || jo_u32(c, v, path, "index", true, &a->index) < 0 ||
            jo_u64(c, v, path, "value", &value) < 0 || jo_u64(c, v, path, "valueTwo", &two) < 0 ||
            name_field(c, v, path, "op", oci_seccomp_op_names, "seccomp operator", &op) < 0)
                return -1;
        char p[JPATH_MAX];
        if (a->index >= SECCOMP_MAX_ARGS) {
                jpath(p, path, "index");
                return jerr(c, p, "must be below %d, got %u", SECCOMP_MAX_ARGS, a->index);
        }
        if (!value.set) {
                jpath(p, path, "value");
                return jerr(c, p, "required but missing");
        }
        a->value = value.v;
        a->value_two = two.v;
        a->op = (enum oci_seccomp_op)op;
        return 0;
}

static int parse_rule(struct jctx *c, yajl_val v, const char *path, struct oci_seccomp_rule *r)
{
        long action;
        yajl_val args = NULL;
        if (j_object(c, path, v) < 0 || jo_strv(c, v, path, "names", &r->names) < 0 ||
            name_field(c, v, path, "action", oci_seccomp_action_names, "seccomp action", &action) <
                0 ||
            jo_u64(c, v, path, "errnoRet", &r->errno_ret) < 0 ||
            jo_arr(c, v, path, "args", &args) < 0)
                return -1;
        r->action = (enum oci_seccomp_action)action;
        char p[JPATH_MAX];
        if (r->names.n == 0) {
                jpath(p, path, "names");
                return jerr(c, p, "must not be empty");
        }
        if (args == NULL || args->u.array.len == 0)
                return 0;
        jpath(p, path, "args");
        r->args = oci_calloc(c, p, args->u.array.len, sizeof(*r->args));
        if (r->args == NULL)
                return -1;
        for (size_t i = 0; i < args->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                r->n_args = i + 1;
                if (parse_arg(c, args->u.array.values[i], q, &r->args[i]) < 0)
                        return -1;
        }
        return 0;
}

static int parse_rules(struct jctx *c, yajl_val v, const char *path, struct oci_seccomp *s)
{
        yajl_val rules = NULL;
        if (jo_arr(c, v, path, "syscalls", &rules) < 0)
                return -1;
        if (rules == NULL || rules->u.array.len == 0)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, "syscalls");
        s->syscalls = oci_calloc(c, p, rules->u.array.len, sizeof(*s->syscalls));
        if (s->syscalls == NULL)
                return -1;
        for (size_t i = 0; i < rules->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                s->n_syscalls = i + 1;
                if (parse_rule(c, rules->u.array.values[i], q, &s->syscalls[i]) < 0)
                        return -1;
        }
        return 0;
}

static int check_notify(struct jctx *c, const char *path, const struct oci_seccomp *s)
{
        if (s->default_action == OCI_SCMP_NOTIFY) {
                char p[JPATH_MAX];
                jpath(p, path, "defaultAction");
                return jerr(c, p, "SCMP_ACT_NOTIFY cannot be the default action");
        }
        for (size_t i = 0; i < s->n_syscalls; i++) {
                if (s->syscalls[i].action != OCI_SCMP_NOTIFY || s->listener_path)
                        continue;
                char p[JPATH_MAX];
                jpath(p, path, "listenerPath");
                return jerr(c, p, "required when a rule uses SCMP_ACT_NOTIFY");
        }
        return 0;
}

int oci_parse_seccomp(struct jctx *c, yajl_val v, const char *path, struct oci_seccomp *s)
{
        long action;
        if (j_object(c, path, v) < 0 ||
            name_field(c, v, path, "defaultAction", oci_seccomp_action_names, "seccomp action",
                       &action) < 0)
                return -1;
        s->set = true;
        s->default_action = (enum oci_seccomp_action)action;
        if (jo_u64(c, v, path, "defaultErrnoRet", &s->default_errno_ret) < 0 ||
            jo_strv(c, v, path, "architectures", &s->architectures) < 0 ||
            jo_strv(c, v, path, "flags", &s->flags) < 0 ||
            jo_str(c, v, path, "listenerPath", &s->listener_path) < 0 ||
            jo_str(c, v, path, "listenerMetadata", &s->listener_metadata) < 0 ||
            check_names(c, path, "architectures", &s->architectures, oci_seccomp_arch_names,
                        "seccomp architecture") < 0 ||
            check_names(c, path, "flags", &s->flags, oci_seccomp_flag_names, "seccomp flag") < 0 ||
            parse_rules(c, v, path, s) < 0)
                return -1;
        return check_notify(c, path, s);
}

void oci_seccomp_clear(struct oci_seccomp *s)
{
        strv_free(&s->architectures);
        strv_free(&s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                strv_free(&s->syscalls[i].names);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        memset(s, 0, sizeof(*s));
}
