/* The CDI document tree decoded into struct cdi_spec. Every error names the file and the path
 * inside it: "CDI spec /etc/cdi/x.yaml: devices[0].containerEdits.deviceNodes[1].major: ...". */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/cdi.h"
#include "devices/cdi_node.h"

/* Field paths are built in fixed buffers; a path longer than 512 bytes is cut in the message,
 * which is harmless. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

struct dctx {
        const char *file;
        struct rterr *err;
};

static int bad(const struct dctx *c, const char *path, const char *fmt, const char *arg)
{
        char why[512];
        snprintf(why, sizeof(why), fmt, arg);
        return rterr_set(c->err, EINVAL, "CDI spec %s: %s: %s", c->file, path, why);
}

static const char *kind_name(const struct cdi_node *n)
{
        if (n->kind == CDI_NODE_MAP)
                return "object";
        if (n->kind == CDI_NODE_SEQ)
                return "array";
        if (n->kind == CDI_NODE_NULL)
                return "null";
        return n->scalar == CDI_SCALAR_NUMBER ? "number"
               : n->scalar == CDI_SCALAR_BOOL ? "boolean"
                                              : "string";
}

static int get_str(const struct dctx *c, const struct cdi_node *n, const char *path, char **out)
{
        if (n->kind != CDI_NODE_SCALAR ||
            (n->scalar != CDI_SCALAR_STRING && n->scalar != CDI_SCALAR_PLAIN))
                return bad(c, path, "expected a string, got %s", kind_name(n));
        if ((*out = strdup(n->text)) == NULL)
                return rterr_sys(c->err, ENOMEM, "CDI spec %s: %s", c->file, path);
        return 0;
}

/* Integers: JSON numbers, or YAML plain scalars in decimal, 0x hex, 0o or leading-0 octal. */
static int get_i64(const struct dctx *c, const struct cdi_node *n, const char *path, int64_t min,
                   int64_t max, int64_t *out)
{
        if (n->kind != CDI_NODE_SCALAR ||
            (n->scalar != CDI_SCALAR_NUMBER && n->scalar != CDI_SCALAR_PLAIN))
                return bad(c, path, "expected an integer, got %s", kind_name(n));
        const char *t = n->text;
        int base = 10;
        if (n->scalar == CDI_SCALAR_PLAIN) {
                base = 0;
                if (t[0] == '0' && t[1] == 'o') {
                        t += 2;
                        base = 8;
                }
        }
        char *end = NULL;
        errno = 0;
        long long v = strtoll(t, &end, base);
        if (errno || end == t || *end != '\0')
                return bad(c, path, "expected an integer, got \"%s\"", n->text);
        if (v < min || v > max)
                return bad(c, path, "%s is out of range", n->text);
        *out = v;
        return 0;
}

static int get_strv(const struct dctx *c, const struct cdi_node *n, const char *path,
                    struct oci_strv *out)
{
        if (n->kind == CDI_NODE_NULL)
                return 0;
        if (n->kind != CDI_NODE_SEQ)
                return bad(c, path, "expected an array of strings, got %s", kind_name(n));
        for (size_t i = 0; i < n->n; i++) {
                char p[512];
                _cleanup_free_ char *s = NULL;
                snprintf(p, sizeof(p), "%s[%zu]", path, i);
                if (get_str(c, n->items[i], p, &s) < 0 || cdi_strv_push(out, s, c->err) < 0)
                        return -1;
        }
        return 0;
}

/* Iterates a sequence field: NULL/absent is empty, anything else but an array is an error. */
static int seq_of(const struct dctx *c, const struct cdi_node *n, const char *path, size_t *len)
{
        *len = 0;
        if (n == NULL || n->kind == CDI_NODE_NULL)
                return 0;
        if (n->kind != CDI_NODE_SEQ)
                return bad(c, path, "expected an array, got %s", kind_name(n));
        *len = n->n;
        return 0;
}

static int opt_i64(const struct dctx *c, const struct cdi_node *map, const char *key,
                   const char *path, int64_t min, int64_t max, oci_opt_i64 *out)
{
        const struct cdi_node *n = cdi_node_get(map, key);
        if (n == NULL || n->kind == CDI_NODE_NULL)
                return 0;
        char p[512];
        snprintf(p, sizeof(p), "%s.%s", path, key);
        out->set = true;
        return get_i64(c, n, p, min, max, &out->v);
}

static int opt_u64(const struct dctx *c, const struct cdi_node *map, const char *key,
                   const char *path, int64_t max, oci_opt_u64 *out)
{
        oci_opt_i64 v = {0};
        if (opt_i64(c, map, key, path, 0, max, &v) < 0)
                return -1;
        out->set = v.set;
        out->v = (uint64_t)v.v;
        return 0;
}

static int req_str(const struct dctx *c, const struct cdi_node *map, const char *key,
                   const char *path, char **out)
{
        const struct cdi_node *n = cdi_node_get(map, key);
        char p[512];
        snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
        if (n == NULL || n->kind == CDI_NODE_NULL)
                return bad(c, p, "%s", "required field missing");
        if (get_str(c, n, p, out) < 0)
                return -1;
        if ((*out)[0] == '\0')
                return bad(c, p, "%s", "must not be empty");
        return 0;
}

static int opt_str(const struct dctx *c, const struct cdi_node *map, const char *key,
                   const char *path, char **out)
{
        const struct cdi_node *n = cdi_node_get(map, key);
        if (n == NULL || n->kind == CDI_NODE_NULL)
                return 0;
        char p[512];
        snprintf(p, sizeof(p), "%s.%s", path, key);
        return get_str(c, n, p, out);
}

static int decode_node(const struct dctx *c, const struct cdi_node *m, const char *path,
                       struct cdi_device_node *d)
{
        if (m->kind != CDI_NODE_MAP)
                return bad(c, path, "expected an object, got %s", kind_name(m));
        _cleanup_free_ char *type = NULL, *perm = NULL;
        char p[512];
        if (req_str(c, m, "path", path, &d->path) < 0 ||
            opt_str(c, m, "hostPath", path, &d->host_path) < 0 ||
            opt_str(c, m, "type", path, &type) < 0 || opt_str(c, m, "permissions", path, &perm) < 0)
                return -1;
        snprintf(p, sizeof(p), "%s.path", path);
        if (d->path[0] != '/')
                return bad(c, p, "\"%s\" is not an absolute path", d->path);
        if (type) {
                snprintf(p, sizeof(p), "%s.type", path);
                if (strlen(type) != 1 || strchr("cbpu", type[0]) == NULL)
                        return bad(c, p, "\"%s\" is not one of c, b, u, p", type);
                d->type = type[0] == 'u' ? 'c' : type[0];
        }
        if (perm) {
                snprintf(p, sizeof(p), "%s.permissions", path);
                if (strlen(perm) > 3 || strspn(perm, "rwm") != strlen(perm))
                        return bad(c, p, "\"%s\" is not a combination of r, w, m", perm);
                snprintf(d->permissions, sizeof(d->permissions), "%s", perm);
        }
        return opt_i64(c, m, "major", path, 0, UINT32_MAX, &d->major) < 0 ||
                       opt_i64(c, m, "minor", path, 0, UINT32_MAX, &d->minor) < 0 ||
                       opt_u64(c, m, "fileMode", path, 07777, &d->file_mode) < 0 ||
                       opt_u64(c, m, "uid", path, UINT32_MAX, &d->uid) < 0 ||
                       opt_u64(c, m, "gid", path, UINT32_MAX, &d->gid) < 0
                   ? -1
                   : 0;
}

static int decode_mount(const struct dctx *c, const struct cdi_node *m, const char *path,
                        struct cdi_mount *mt)
{
        if (m->kind != CDI_NODE_MAP)
                return bad(c, path, "expected an object, got %s", kind_name(m));
        char p[512];
        if (req_str(c, m, "hostPath", path, &mt->host_path) < 0 ||
            req_str(c, m, "containerPath", path, &mt->container_path) < 0 ||
            opt_str(c, m, "type", path, &mt->type) < 0)
                return -1;
        snprintf(p, sizeof(p), "%s.containerPath", path);
        if (mt->container_path[0] != '/')
                return bad(c, p, "\"%s\" is not an absolute path", mt->container_path);
        const struct cdi_node *o = cdi_node_get(m, "options");
        snprintf(p, sizeof(p), "%s.options", path);
        return o ? get_strv(c, o, p, &mt->options) : 0;
}

static int decode_hook(const struct dctx *c, const struct cdi_node *m, const char *path,
                       struct cdi_hook *h)
{
        if (m->kind != CDI_NODE_MAP)
                return bad(c, path, "expected an object, got %s", kind_name(m));
        _cleanup_free_ char *name = NULL;
        char p[512];
        if (req_str(c, m, "hookName", path, &name) < 0 || req_str(c, m, "path", path, &h->path) < 0)
                return -1;
        int i = cdi_hook_from_kind(name);
        snprintf(p, sizeof(p), "%s.hookName", path);
        if (i < 0)
                return bad(c, p, "unknown hook \"%s\"", name);
        h->name = (enum cdi_hook_name)i;
        const struct cdi_node *a = cdi_node_get(m, "args"), *e = cdi_node_get(m, "env");
        snprintf(p, sizeof(p), "%s.args", path);
        if (a && get_strv(c, a, p, &h->args) < 0)
                return -1;
        snprintf(p, sizeof(p), "%s.env", path);
        if (e && get_strv(c, e, p, &h->env) < 0)
                return -1;
        if (opt_i64(c, m, "timeout", path, 1, INT32_MAX, &h->timeout) < 0)
                return -1;
        return 0;
}

static int decode_gids(const struct dctx *c, const struct cdi_node *n, const char *path,
                       struct cdi_edits *e)
{
        size_t len;
        if (seq_of(c, n, path, &len) < 0)
                return -1;
        if (len && (e->gids = calloc(len, sizeof(*e->gids))) == NULL)
                return rterr_sys(c->err, ENOMEM, "CDI spec %s: %s", c->file, path);
        for (size_t i = 0; i < len; i++) {
                char p[512];
                int64_t v = 0;
                snprintf(p, sizeof(p), "%s[%zu]", path, i);
                if (get_i64(c, n->items[i], p, 0, UINT32_MAX, &v) < 0)
                        return -1;
                e->gids[e->n_gids++] = (uint32_t)v;
        }
        return 0;
}

/* Decodes the array at map[key] into a freshly calloc'd array of `size`-byte elements. */
#define DECODE_ARRAY(c, map, key, path, arr, count, fn)                                            \
        ({                                                                                         \
                const struct cdi_node *n_ = cdi_node_get(map, key);                                \
                char p_[512];                                                                      \
                size_t len_;                                                                       \
                int rc_ = 0;                                                                       \
                snprintf(p_, sizeof(p_), "%s.%s", path, key);                                      \
                if (seq_of(c, n_, p_, &len_) < 0)                                                  \
                        rc_ = -1;                                                                  \
                else if (len_ && ((arr) = calloc(len_, sizeof(*(arr)))) == NULL)                   \
                        rc_ = rterr_sys((c)->err, ENOMEM, "CDI spec %s: %s", (c)->file, p_);       \
                for (size_t i_ = 0; rc_ == 0 && i_ < len_; i_++) {                                 \
                        char pi_[512];                                                             \
                        snprintf(pi_, sizeof(pi_), "%s[%zu]", p_, i_);                             \
                        (count)++;                                                                 \
                        rc_ = fn(c, n_->items[i_], pi_, &(arr)[i_]);                               \
                }                                                                                  \
                rc_;                                                                               \
        })

static int decode_edits(const struct dctx *c, const struct cdi_node *m, const char *path,
                        struct cdi_edits *e)
{
        if (m == NULL || m->kind == CDI_NODE_NULL)
                return 0;
        if (m->kind != CDI_NODE_MAP)
                return bad(c, path, "expected an object, got %s", kind_name(m));
        char p[512];
        const struct cdi_node *env = cdi_node_get(m, "env");
        snprintf(p, sizeof(p), "%s.env", path);
        if (env && get_strv(c, env, p, &e->env) < 0)
                return -1;
        for (size_t i = 0; i < e->env.n; i++)
                if (strchr(e->env.v[i], '=') == NULL || e->env.v[i][0] == '=') {
                        snprintf(p, sizeof(p), "%s.env[%zu]", path, i);
                        return bad(c, p, "\"%s\" is not KEY=value", e->env.v[i]);
                }
        snprintf(p, sizeof(p), "%s.additionalGids", path);
        if (DECODE_ARRAY(c, m, "deviceNodes", path, e->nodes, e->n_nodes, decode_node) < 0 ||
            DECODE_ARRAY(c, m, "mounts", path, e->mounts, e->n_mounts, decode_mount) < 0 ||
            DECODE_ARRAY(c, m, "hooks", path, e->hooks, e->n_hooks, decode_hook) < 0 ||
            decode_gids(c, cdi_node_get(m, "additionalGids"), p, e) < 0)
                return -1;
        return 0;
}

static int decode_device(const struct dctx *c, const struct cdi_node *m, const char *path,
                         struct cdi_device *d)
{
        if (m->kind != CDI_NODE_MAP)
                return bad(c, path, "expected an object, got %s", kind_name(m));
        char p[512];
        if (req_str(c, m, "name", path, &d->name) < 0)
                return -1;
        snprintf(p, sizeof(p), "%s.name", path);
        if (!cdi_device_name_valid(d->name, strlen(d->name)))
                return bad(c, p, "invalid device name \"%s\"", d->name);
        const struct cdi_node *e = cdi_node_get(m, "containerEdits");
        snprintf(p, sizeof(p), "%s.containerEdits", path);
        if (e == NULL)
                return bad(c, p, "%s", "required field missing");
        return decode_edits(c, e, p, &d->edits);
}

/* cdiVersion: "MAJOR.MINOR.PATCH" with MAJOR 0 or 1 (the versions this decoder understands). */
static int check_version(const struct dctx *c, const char *v)
{
        unsigned maj, min, patch;
        char tail;
        if (sscanf(v, "%u.%u.%u%c", &maj, &min, &patch, &tail) != 3 || maj > 1)
                return bad(c, "cdiVersion", "unsupported version \"%s\"", v);
        return 0;
}

static int check_kind(const struct dctx *c, struct cdi_spec *s, const char *kind)
{
        const char *slash = strchr(kind, '/');
        if (slash == NULL || !cdi_vendor_valid(kind, (size_t)(slash - kind)) ||
            !cdi_class_valid(slash + 1, strlen(slash + 1)))
                return bad(c, "kind", "\"%s\" is not vendor/class", kind);
        s->vendor = strndup(kind, (size_t)(slash - kind));
        s->klass = strdup(slash + 1);
        if (!s->vendor || !s->klass)
                return rterr_sys(c->err, ENOMEM, "CDI spec %s", c->file);
        return 0;
}

static int decode_spec(const struct dctx *c, const struct cdi_node *root, struct cdi_spec *s)
{
        _cleanup_free_ char *kind = NULL;
        if (root->kind != CDI_NODE_MAP)
                return rterr_set(c->err, EINVAL,
                                 "CDI spec %s: expected an object at the top, got %s", c->file,
                                 kind_name(root));
        if (req_str(c, root, "cdiVersion", "", &s->version) < 0 ||
            check_version(c, s->version) < 0 || req_str(c, root, "kind", "", &kind) < 0 ||
            check_kind(c, s, kind) < 0)
                return -1;
        const struct cdi_node *devs = cdi_node_get(root, "devices");
        if (devs == NULL || devs->kind != CDI_NODE_SEQ || devs->n == 0)
                return bad(c, "devices", "%s", "expected a non-empty array");
        if ((s->devices = calloc(devs->n, sizeof(*s->devices))) == NULL)
                return rterr_sys(c->err, ENOMEM, "CDI spec %s", c->file);
        for (size_t i = 0; i < devs->n; i++) {
                char p[64];
                snprintf(p, sizeof(p), "devices[%zu]", i);
                s->n_devices++;
                if (decode_device(c, devs->items[i], p, &s->devices[i]) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(s->devices[j].name, s->devices[i].name) == 0)
                                return bad(c, p, "device \"%s\" is defined twice",
                                           s->devices[i].name);
        }
        return decode_edits(c, cdi_node_get(root, "containerEdits"), "containerEdits", &s->edits);
}

static bool is_json_file(const char *file)
{
        size_t n = strlen(file);
        return n >= 5 && strcmp(file + n - 5, ".json") == 0;
}

int cdi_spec_parse(const char *text, size_t len, const char *file, struct cdi_spec **out,
                   struct rterr *err)
{
        struct cdi_node *root = NULL;
        int rc = is_json_file(file) ? cdi_node_from_json(text, file, &root, err)
                                    : cdi_node_from_yaml(text, len, file, &root, err);
        if (rc < 0)
                return -1;
        struct cdi_spec *s = calloc(1, sizeof(*s));
        struct dctx c = {.file = file, .err = err};
        if (s == NULL || (s->file = strdup(file)) == NULL) {
                free(s);
                cdi_node_free(root);
                return rterr_sys(err, ENOMEM, "CDI spec %s", file);
        }
        rc = decode_spec(&c, root, s);
        cdi_node_free(root);
        if (rc < 0) {
                cdi_spec_free(s);
                return -1;
        }
        *out = s;
        return 0;
}

void cdi_edits_free(struct cdi_edits *e)
{
        cdi_strv_free(&e->env);
        for (size_t i = 0; i < e->n_nodes; i++) {
                free(e->nodes[i].path);
                free(e->nodes[i].host_path);
        }
        free(e->nodes);
        for (size_t i = 0; i < e->n_mounts; i++) {
                free(e->mounts[i].host_path);
                free(e->mounts[i].container_path);
                free(e->mounts[i].type);
                cdi_strv_free(&e->mounts[i].options);
        }
        free(e->mounts);
        for (size_t i = 0; i < e->n_hooks; i++) {
                free(e->hooks[i].path);
                cdi_strv_free(&e->hooks[i].args);
                cdi_strv_free(&e->hooks[i].env);
        }
        free(e->hooks);
        free(e->gids);
        memset(e, 0, sizeof(*e));
}

void cdi_spec_free(struct cdi_spec *s)
{
        if (s == NULL)
                return;
        for (size_t i = 0; i < s->n_devices; i++) {
                free(s->devices[i].name);
                cdi_edits_free(&s->devices[i].edits);
        }
        free(s->devices);
        cdi_edits_free(&s->edits);
        free(s->file);
        free(s->version);
        free(s->vendor);
        free(s->klass);
        free(s);
}
