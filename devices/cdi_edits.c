/* One CDI edit set applied to the parsed config: env, device nodes (+ their allow rules),
 * mounts, hooks and additional groups. Nodes and mounts replace config entries at the same
 * container path, as the CDI library does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/cdi.h"
#include "devices/devices_resolve.h"

static int env_set(struct oci_process *p, const char *kv, struct rterr *err)
{
        size_t klen = (size_t)(strchr(kv, '=') - kv) + 1; /* "KEY=" */
        for (size_t i = 0; i < p->env.n; i++) {
                if (strncmp(p->env.v[i], kv, klen) == 0) {
                        char *dup = strdup(kv);
                        if (dup == NULL)
                                return rterr_sys(err, ENOMEM, "env %s", kv);
                        free(p->env.v[i]);
                        p->env.v[i] = dup;
                        return 0;
                }
        }
        return cdi_strv_push(&p->env, kv, err);
}

static void device_clear(struct oci_device *d)
{
        free(d->path);
        free(d->host_path);
        memset(d, 0, sizeof(*d));
}

static int add_node(struct oci_spec *spec, const struct cdi_device_node *n, size_t idx,
                    const char *what, struct rterr *err)
{
        struct oci_device d = {.type = n->type,
                               .major = n->major,
                               .minor = n->minor,
                               .file_mode = n->file_mode,
                               .uid = n->uid,
                               .gid = n->gid};
        const char *host = n->host_path ? n->host_path : n->path;
        if (devices_fill_from_host(&d, host, NULL, err) < 0)
                return rterr_wrap(err, "%s: containerEdits.deviceNodes[%zu]", what, idx);
        if ((d.path = strdup(n->path)) == NULL ||
            (n->host_path && strcmp(n->host_path, n->path) != 0 &&
             (d.host_path = strdup(n->host_path)) == NULL)) {
                free(d.path);
                return rterr_sys(err, ENOMEM, "%s", what);
        }
        struct oci_linux *l = &spec->linux_;
        size_t at = l->n_devices;
        for (size_t i = 0; i < l->n_devices; i++)
                if (strcmp(l->devices[i].path, n->path) == 0)
                        at = i;
        if (at == l->n_devices) {
                struct oci_device *v = realloc(l->devices, (l->n_devices + 1) * sizeof(*v));
                if (v == NULL) {
                        free(d.path);
                        free(d.host_path);
                        return rterr_sys(err, ENOMEM, "%s", what);
                }
                l->devices = v;
                l->n_devices++;
        } else {
                device_clear(&l->devices[at]);
        }
        l->devices[at] = d;
        spec->has_linux = true;
        return devices_allow_rule_add(spec, d.type, d.major.v, d.minor.v, n->permissions, err);
}

/* The mounts are handed to the config parser as a tiny config.json, so their options get the
 * very same flag translation as the config's own mounts. */
static int mounts_json(const struct cdi_edits *e, char **out)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return -1;
        int rc = 0;
        rc |= yajl_gen_map_open(g);
        rc |= gen_str(g, "ociVersion") | gen_str(g, OCI_VERSION) | gen_str(g, "root");
        rc |= yajl_gen_map_open(g) | gen_str(g, "path") | gen_str(g, "rootfs");
        rc |= yajl_gen_map_close(g) | gen_str(g, "mounts") | yajl_gen_array_open(g);
        for (size_t i = 0; i < e->n_mounts; i++) {
                const struct cdi_mount *m = &e->mounts[i];
                bool bind = m->type == NULL || strcmp(m->type, "bind") == 0;
                bool has_bind = false;
                rc |= yajl_gen_map_open(g);
                rc |= gen_str(g, "destination") | gen_str(g, m->container_path);
                rc |= gen_str(g, "source") | gen_str(g, m->host_path);
                rc |= gen_str(g, "type") | gen_str(g, m->type ? m->type : "bind");
                rc |= gen_str(g, "options") | yajl_gen_array_open(g);
                for (size_t j = 0; j < m->options.n; j++) {
                        has_bind |= strcmp(m->options.v[j], "bind") == 0 ||
                                    strcmp(m->options.v[j], "rbind") == 0;
                        rc |= gen_str(g, m->options.v[j]);
                }
                if (bind && !has_bind)
                        rc |= gen_str(g, "bind");
                rc |= yajl_gen_array_close(g) | yajl_gen_map_close(g);
        }
        rc |= yajl_gen_array_close(g) | yajl_gen_map_close(g);
        if (rc == 0)
                *out = gen_copy(g);
        yajl_gen_free(g);
        return rc == 0 && *out ? 0 : -1;
}

static int add_mounts(struct oci_spec *spec, const struct cdi_edits *e, const char *what,
                      struct rterr *err)
{
        if (e->n_mounts == 0)
                return 0;
        _cleanup_free_ char *json = NULL;
        _cleanup_spec_ struct oci_spec *tmp = NULL;
        if (mounts_json(e, &json) < 0)
                return rterr_sys(err, ENOMEM, "%s: containerEdits.mounts", what);
        if (oci_spec_parse(json, strlen(json), &tmp, err) < 0)
                return rterr_wrap(err, "%s: containerEdits.mounts", what);
        struct oci_mount *v = realloc(spec->mounts, (spec->n_mounts + tmp->n_mounts) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "%s", what);
        spec->mounts = v;
        for (size_t i = 0; i < tmp->n_mounts; i++) {
                struct oci_mount *m = &tmp->mounts[i];
                size_t at = spec->n_mounts;
                for (size_t j = 0; j < spec->n_mounts; j++)
                        if (strcmp(spec->mounts[j].destination, m->destination) == 0)
                                at = j;
                if (at < spec->n_mounts) {
                        /* swap the replaced one into tmp, which frees it */
                        struct oci_mount old = spec->mounts[at];
                        spec->mounts[at] = *m;
                        *m = old;
                } else {
                        spec->mounts[spec->n_mounts++] = *m;
                        memset(m, 0, sizeof(*m));
                }
        }
        return 0;
}

static struct oci_hook_list *hook_list(struct oci_hooks *h, enum cdi_hook_name n)
{
        switch (n) {
        case CDI_HOOK_PRESTART:
                return &h->prestart;
        case CDI_HOOK_CREATE_RUNTIME:
                return &h->create_runtime;
        case CDI_HOOK_CREATE_CONTAINER:
                return &h->create_container;
        case CDI_HOOK_START_CONTAINER:
                return &h->start_container;
        case CDI_HOOK_POSTSTART:
                return &h->poststart;
        default:
                return &h->poststop;
        }
}

static int copy_strv(struct oci_strv *dst, const struct oci_strv *src, struct rterr *err)
{
        for (size_t i = 0; i < src->n; i++)
                if (cdi_strv_push(dst, src->v[i], err) < 0)
                        return -1;
        return 0;
}

static int add_hook(struct oci_spec *spec, const struct cdi_hook *h, const char *what,
                    struct rterr *err)
{
        struct oci_hook_list *l = hook_list(&spec->hooks, h->name);
        struct oci_hook *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "%s: hook %s", what, h->path);
        l->v = v;
        struct oci_hook *x = &v[l->n++];
        memset(x, 0, sizeof(*x));
        x->timeout = h->timeout;
        if ((x->path = strdup(h->path)) == NULL || copy_strv(&x->args, &h->args, err) < 0 ||
            copy_strv(&x->env, &h->env, err) < 0)
                return rterr_sys(err, ENOMEM, "%s: hook %s", what, h->path);
        return cdi_hook_origin_set(&spec->annotations, cdi_hook_kind(h->name), l->n - 1, what, err);
}

static int add_gid(struct oci_user *u, uint32_t gid, struct rterr *err)
{
        if (gid == 0)
                return 0; /* group 0 is never added as a supplementary group by CDI */
        for (size_t i = 0; i < u->n_additional_gids; i++)
                if (u->additional_gids[i] == gid)
                        return 0;
        uint32_t *v = realloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "additionalGids");
        u->additional_gids = v;
        v[u->n_additional_gids++] = gid;
        return 0;
}

int cdi_edits_apply(struct oci_spec *spec, const struct cdi_edits *e, const char *what,
                    struct rterr *err)
{
        for (size_t i = 0; i < e->env.n; i++)
                if (env_set(&spec->process, e->env.v[i], err) < 0)
                        return -1;
        for (size_t i = 0; i < e->n_nodes; i++)
                if (add_node(spec, &e->nodes[i], i, what, err) < 0)
                        return -1;
        if (add_mounts(spec, e, what, err) < 0)
                return -1;
        for (size_t i = 0; i < e->n_hooks; i++)
                if (add_hook(spec, &e->hooks[i], what, err) < 0)
                        return -1;
        for (size_t i = 0; i < e->n_gids; i++)
                if (add_gid(&spec->process.user, e->gids[i], err) < 0)
                        return -1;
        return 0;
}
