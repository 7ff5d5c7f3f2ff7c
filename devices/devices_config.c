/* The config.json text kept in the state directory, rewritten after the device step changed
 * the parsed config: the original document re-emitted with process.env,
 * process.user.additionalGids, mounts, hooks, annotations, linux.devices and
 * linux.resources.devices taken
 * from the struct (mounts the step did not touch keep their original JSON). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/cdi.h"
#include "devices/devices_resolve.h"

struct emit {
        yajl_gen g;
        const struct oci_spec *s;
        int st;
};

static void str(struct emit *e, const char *v)
{
        e->st |= gen_str(e->g, v);
}

static void strv(struct emit *e, const char *key, const struct oci_strv *v)
{
        str(e, key);
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < v->n; i++)
                str(e, v->v[i]);
        e->st |= yajl_gen_array_close(e->g);
}

static void key_int(struct emit *e, const char *key, long long v)
{
        e->st |= gen_key_int(e->g, key, v);
}

static void emit_value(struct emit *e, yajl_val v);

static void emit_gids(struct emit *e)
{
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < e->s->process.user.n_additional_gids; i++)
                e->st |= yajl_gen_integer(e->g, e->s->process.user.additional_gids[i]);
        e->st |= yajl_gen_array_close(e->g);
}

static void emit_env(struct emit *e)
{
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < e->s->process.env.n; i++)
                str(e, e->s->process.env.v[i]);
        e->st |= yajl_gen_array_close(e->g);
}

static const char *member_str(yajl_val obj, const char *key)
{
        const char *path[] = {key, NULL};
        yajl_val v = obj ? yajl_tree_get(obj, path, yajl_t_string) : NULL;
        return v ? v->u.string : NULL;
}

static bool same(const char *a, const char *b)
{
        return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Mounts the device step kept are emitted as written (idmapped fields and all). */
static void emit_mounts(struct emit *e, yajl_val orig)
{
        size_t n_orig = orig && YAJL_IS_ARRAY(orig) ? orig->u.array.len : 0;
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < e->s->n_mounts; i++) {
                const struct oci_mount *m = &e->s->mounts[i];
                yajl_val o = i < n_orig ? orig->u.array.values[i] : NULL;
                if (o && same(member_str(o, "destination"), m->destination) &&
                    same(member_str(o, "source"), m->source)) {
                        emit_value(e, o);
                        continue;
                }
                e->st |= yajl_gen_map_open(e->g);
                str(e, "destination");
                str(e, m->destination);
                if (m->type) {
                        str(e, "type");
                        str(e, m->type);
                }
                if (m->source) {
                        str(e, "source");
                        str(e, m->source);
                }
                strv(e, "options", &m->options);
                e->st |= yajl_gen_map_close(e->g);
        }
        e->st |= yajl_gen_array_close(e->g);
}

static void emit_hook_list(struct emit *e, const char *name, const struct oci_hook_list *l)
{
        if (l->n == 0)
                return;
        str(e, name);
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < l->n; i++) {
                const struct oci_hook *h = &l->v[i];
                e->st |= yajl_gen_map_open(e->g);
                str(e, "path");
                str(e, h->path);
                if (h->args.n)
                        strv(e, "args", &h->args);
                if (h->env.n)
                        strv(e, "env", &h->env);
                if (h->timeout.set)
                        key_int(e, "timeout", h->timeout.v);
                e->st |= yajl_gen_map_close(e->g);
        }
        e->st |= yajl_gen_array_close(e->g);
}

static void emit_hooks(struct emit *e)
{
        const struct oci_hooks *h = &e->s->hooks;
        e->st |= yajl_gen_map_open(e->g);
        emit_hook_list(e, "prestart", &h->prestart);
        emit_hook_list(e, "createRuntime", &h->create_runtime);
        emit_hook_list(e, "createContainer", &h->create_container);
        emit_hook_list(e, "startContainer", &h->start_container);
        emit_hook_list(e, "poststart", &h->poststart);
        emit_hook_list(e, "poststop", &h->poststop);
        e->st |= yajl_gen_map_close(e->g);
}

static void emit_annotations(struct emit *e)
{
        e->st |= yajl_gen_map_open(e->g);
        for (size_t i = 0; i < e->s->annotations.n; i++) {
                str(e, e->s->annotations.v[i].key);
                str(e, e->s->annotations.v[i].value ? e->s->annotations.v[i].value : "");
        }
        e->st |= yajl_gen_map_close(e->g);
}

static void emit_devices(struct emit *e)
{
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < e->s->linux_.n_devices; i++) {
                const struct oci_device *d = &e->s->linux_.devices[i];
                char type[2] = {d->type, 0};
                e->st |= yajl_gen_map_open(e->g);
                str(e, "path");
                str(e, d->path);
                str(e, "type");
                str(e, type);
                if (d->major.set)
                        key_int(e, "major", d->major.v);
                if (d->minor.set)
                        key_int(e, "minor", d->minor.v);
                if (d->file_mode.set)
                        key_int(e, "fileMode", (long long)d->file_mode.v);
                if (d->uid.set)
                        key_int(e, "uid", (long long)d->uid.v);
                if (d->gid.set)
                        key_int(e, "gid", (long long)d->gid.v);
                e->st |= yajl_gen_map_close(e->g);
        }
        e->st |= yajl_gen_array_close(e->g);
}

static void emit_rules(struct emit *e)
{
        const struct oci_resources *r = &e->s->linux_.resources;
        e->st |= yajl_gen_array_open(e->g);
        for (size_t i = 0; i < r->n_devices; i++) {
                const struct oci_device_rule *x = &r->devices[i];
                char type[2] = {x->type, 0};
                e->st |= yajl_gen_map_open(e->g);
                str(e, "allow");
                e->st |= yajl_gen_bool(e->g, x->allow);
                if (x->type && x->type != 'a') {
                        str(e, "type");
                        str(e, type);
                }
                if (x->major >= 0)
                        key_int(e, "major", x->major);
                if (x->minor >= 0)
                        key_int(e, "minor", x->minor);
                str(e, "access");
                str(e, x->access[0] ? x->access : "rwm");
                e->st |= yajl_gen_map_close(e->g);
        }
        e->st |= yajl_gen_array_close(e->g);
}

/* The members replaced from the struct, by the path of the object holding them. */
static bool replaced(struct emit *e, const char *obj_path, const char *key, yajl_val orig)
{
        if (strcmp(obj_path, ".process") == 0 && strcmp(key, "env") == 0)
                emit_env(e);
        else if (strcmp(obj_path, ".process.user") == 0 && strcmp(key, "additionalGids") == 0)
                emit_gids(e);
        else if (obj_path[0] == '\0' && strcmp(key, "mounts") == 0)
                emit_mounts(e, orig);
        else if (obj_path[0] == '\0' && strcmp(key, "hooks") == 0)
                emit_hooks(e);
        else if (obj_path[0] == '\0' && strcmp(key, "annotations") == 0)
                emit_annotations(e);
        else if (strcmp(obj_path, ".linux") == 0 && strcmp(key, "devices") == 0)
                emit_devices(e);
        else if (strcmp(obj_path, ".linux.resources") == 0 && strcmp(key, "devices") == 0)
                emit_rules(e);
        else
                return false;
        return true;
}

static void add_resources(struct emit *e)
{
        str(e, "resources");
        e->st |= yajl_gen_map_open(e->g);
        str(e, "devices");
        emit_rules(e);
        e->st |= yajl_gen_map_close(e->g);
}

/* Members the original lacked but the struct now has. */
static void add_missing(struct emit *e, const char *path, yajl_val obj)
{
        const struct oci_spec *s = e->s;
        bool rules = s->linux_.resources.n_devices > 0, devs = s->linux_.n_devices > 0;
        if (strcmp(path, ".process") == 0 && !jmember(obj, "env") && s->process.env.n) {
                str(e, "env");
                emit_env(e);
        } else if (strcmp(path, ".process.user") == 0 && !jmember(obj, "additionalGids") &&
                   s->process.user.n_additional_gids) {
                str(e, "additionalGids");
                emit_gids(e);
        } else if (path[0] == '\0') {
                if (!jmember(obj, "mounts") && s->n_mounts) {
                        str(e, "mounts");
                        emit_mounts(e, NULL);
                }
                const struct oci_hooks *h = &s->hooks;
                if (!jmember(obj, "hooks") &&
                    (h->prestart.n || h->create_runtime.n || h->create_container.n ||
                     h->start_container.n || h->poststart.n || h->poststop.n)) {
                        str(e, "hooks");
                        emit_hooks(e);
                }
                if (!jmember(obj, "annotations") && s->annotations.n) {
                        str(e, "annotations");
                        emit_annotations(e);
                }
                if (!jmember(obj, "linux") && (devs || rules)) {
                        str(e, "linux");
                        e->st |= yajl_gen_map_open(e->g);
                        add_missing(e, ".linux", NULL);
                        e->st |= yajl_gen_map_close(e->g);
                }
        } else if (strcmp(path, ".linux") == 0) {
                if (!jmember(obj, "devices") && devs) {
                        str(e, "devices");
                        emit_devices(e);
                }
                if (!jmember(obj, "resources") && rules)
                        add_resources(e);
        } else if (strcmp(path, ".linux.resources") == 0 && !jmember(obj, "devices") && rules) {
                str(e, "devices");
                emit_rules(e);
        }
}

static void emit_tree(struct emit *e, yajl_val v, const char *path)
{
        if (!YAJL_IS_OBJECT(v)) {
                emit_value(e, v);
                return;
        }
        e->st |= yajl_gen_map_open(e->g);
        for (size_t i = 0; i < v->u.object.len; i++) {
                const char *k = v->u.object.keys[i];
                char sub[256];
                snprintf(sub, sizeof(sub), "%s.%s", path, k);
                str(e, k);
                if (!replaced(e, path, k, v->u.object.values[i]))
                        emit_tree(e, v->u.object.values[i], sub);
        }
        add_missing(e, path, v);
        e->st |= yajl_gen_map_close(e->g);
}

/* A value copied as it is. */
static void emit_value(struct emit *e, yajl_val v)
{
        switch (v ? v->type : yajl_t_null) {
        case yajl_t_string:
                str(e, v->u.string);
                break;
        case yajl_t_number:
                e->st |= yajl_gen_number(e->g, v->u.number.r, strlen(v->u.number.r));
                break;
        case yajl_t_true:
        case yajl_t_false:
                e->st |= yajl_gen_bool(e->g, v->type == yajl_t_true);
                break;
        case yajl_t_object:
                e->st |= yajl_gen_map_open(e->g);
                for (size_t i = 0; i < v->u.object.len; i++) {
                        str(e, v->u.object.keys[i]);
                        emit_value(e, v->u.object.values[i]);
                }
                e->st |= yajl_gen_map_close(e->g);
                break;
        case yajl_t_array:
                e->st |= yajl_gen_array_open(e->g);
                for (size_t i = 0; i < v->u.array.len; i++)
                        emit_value(e, v->u.array.values[i]);
                e->st |= yajl_gen_array_close(e->g);
                break;
        default:
                e->st |= yajl_gen_null(e->g);
        }
}

/* CDI first (it may add device nodes without numbers), then the numbers from the host. */
int devices_prepare_spec(struct oci_spec *spec, struct rterr *err)
{
        int applied = cdi_apply(spec, err);
        if (applied < 0)
                return -1;
        int resolved = devices_resolve(spec, err);
        return resolved < 0 ? -1 : applied + resolved;
}

int devices_prepare_config(char **text, size_t *len, struct oci_spec *spec, struct rterr *err)
{
        int changes = devices_prepare_spec(spec, err);
        if (changes <= 0)
                return changes;
        char errbuf[256] = "";
        yajl_val root = yajl_tree_parse(*text, errbuf, sizeof(errbuf));
        if (root == NULL)
                return rterr_set(err, EINVAL, "config.json: %s", errbuf);
        struct emit e = {.g = yajl_gen_alloc(NULL), .s = spec};
        if (e.g == NULL) {
                yajl_tree_free(root);
                return rterr_sys(err, ENOMEM, "config.json");
        }
        emit_tree(&e, root, "");
        yajl_tree_free(root);
        char *out = e.st == yajl_gen_status_ok ? gen_copy(e.g) : NULL;
        yajl_gen_free(e.g);
        if (out == NULL)
                return rterr_set(err, ENOMEM, "config.json: cannot re-emit the device edits");
        free(*text);
        *text = out;
        *len = strlen(out);
        return changes;
}
