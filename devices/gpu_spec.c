/* A config.json text re-emitted with the GPU's device nodes, their allow rules and the
 * driver's files added: appended to mounts, linux.devices and linux.resources.devices (each
 * created when the config lacks it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/gpu.h"

struct emit {
        yajl_gen g;
        const struct gpu_host *h;
        int s; /* OR of yajl_gen statuses */
};

static void str(struct emit *e, const char *s)
{
        e->s |= gen_str(e->g, s);
}

static void key_int(struct emit *e, const char *k, long long v)
{
        e->s |= gen_key_int(e->g, k, v);
}

static void add_mounts(struct emit *e)
{
        static const char *const opts[] = {"bind", "ro", "nosuid", "nodev"};
        for (size_t i = 0; i < e->h->files.n; i++) {
                e->s |= yajl_gen_map_open(e->g);
                str(e, "destination");
                str(e, e->h->targets.v[i]);
                str(e, "type");
                str(e, "bind");
                str(e, "source");
                str(e, e->h->files.v[i]);
                str(e, "options");
                e->s |= yajl_gen_array_open(e->g);
                for (size_t j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
                        str(e, opts[j]);
                e->s |= yajl_gen_array_close(e->g) | yajl_gen_map_close(e->g);
        }
}

static void add_devices(struct emit *e)
{
        for (size_t i = 0; i < e->h->n_nodes; i++) {
                const struct gpu_node *n = &e->h->nodes[i];
                char type[2] = {n->type, 0};
                e->s |= yajl_gen_map_open(e->g);
                str(e, "path");
                str(e, n->ctr);
                str(e, "type");
                str(e, type);
                key_int(e, "major", n->major);
                key_int(e, "minor", n->minor);
                key_int(e, "fileMode", n->mode);
                key_int(e, "uid", 0);
                key_int(e, "gid", 0);
                e->s |= yajl_gen_map_close(e->g);
        }
}

static void add_rules(struct emit *e)
{
        for (size_t i = 0; i < e->h->n_nodes; i++) {
                const struct gpu_node *n = &e->h->nodes[i];
                char type[2] = {n->type, 0};
                e->s |= yajl_gen_map_open(e->g);
                str(e, "allow");
                e->s |= yajl_gen_bool(e->g, 1);
                str(e, "type");
                str(e, type);
                key_int(e, "major", n->major);
                key_int(e, "minor", n->minor);
                str(e, "access");
                str(e, "rwm");
                e->s |= yajl_gen_map_close(e->g);
        }
}

/* What to append at the end of the array at `path`. */
static void array_tail(struct emit *e, const char *path)
{
        if (strcmp(path, ".mounts") == 0)
                add_mounts(e);
        else if (strcmp(path, ".linux.devices") == 0)
                add_devices(e);
        else if (strcmp(path, ".linux.resources.devices") == 0)
                add_rules(e);
}

static void new_array(struct emit *e, const char *key, const char *path)
{
        str(e, key);
        e->s |= yajl_gen_array_open(e->g);
        array_tail(e, path);
        e->s |= yajl_gen_array_close(e->g);
}

/* Members the config lacks, created at the end of the object at `path`. */
static void object_tail(struct emit *e, yajl_val obj, const char *path)
{
        if (strcmp(path, "") == 0) {
                if (!jmember(obj, "mounts"))
                        new_array(e, "mounts", ".mounts");
                if (!jmember(obj, "linux")) {
                        str(e, "linux");
                        e->s |= yajl_gen_map_open(e->g);
                        new_array(e, "devices", ".linux.devices");
                        str(e, "resources");
                        e->s |= yajl_gen_map_open(e->g);
                        new_array(e, "devices", ".linux.resources.devices");
                        e->s |= yajl_gen_map_close(e->g) | yajl_gen_map_close(e->g);
                }
        } else if (strcmp(path, ".linux") == 0) {
                if (!jmember(obj, "devices"))
                        new_array(e, "devices", ".linux.devices");
                if (!jmember(obj, "resources")) {
                        str(e, "resources");
                        e->s |= yajl_gen_map_open(e->g);
                        new_array(e, "devices", ".linux.resources.devices");
                        e->s |= yajl_gen_map_close(e->g);
                }
        } else if (strcmp(path, ".linux.resources") == 0 && !jmember(obj, "devices")) {
                new_array(e, "devices", ".linux.resources.devices");
        }
}

static void emit(struct emit *e, yajl_val v, const char *path)
{
        char sub[512];
        switch (v ? v->type : yajl_t_null) {
        case yajl_t_string:
                str(e, v->u.string);
                break;
        case yajl_t_number:
                e->s |= yajl_gen_number(e->g, v->u.number.r, strlen(v->u.number.r));
                break;
        case yajl_t_true:
        case yajl_t_false:
                e->s |= yajl_gen_bool(e->g, v->type == yajl_t_true);
                break;
        case yajl_t_object:
                e->s |= yajl_gen_map_open(e->g);
                for (size_t i = 0; i < v->u.object.len; i++) {
                        snprintf(sub, sizeof(sub), "%s.%s", path, v->u.object.keys[i]);
                        str(e, v->u.object.keys[i]);
                        emit(e, v->u.object.values[i], sub);
                }
                object_tail(e, v, path);
                e->s |= yajl_gen_map_close(e->g);
                break;
        case yajl_t_array:
                e->s |= yajl_gen_array_open(e->g);
                for (size_t i = 0; i < v->u.array.len; i++)
                        emit(e, v->u.array.values[i], "[]");
                array_tail(e, path);
                e->s |= yajl_gen_array_close(e->g);
                break;
        default:
                e->s |= yajl_gen_null(e->g);
        }
}

int gpu_spec_rewrite(const struct gpu_host *h, const char *json, char **out, size_t *out_len,
                     struct rterr *err)
{
        char errbuf[256] = "";
        yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
        if (root == NULL || root->type != yajl_t_object) {
                yajl_tree_free(root);
                return rterr_set(err, EINVAL, "spec --gpu: the template is not a JSON object: %s",
                                 errbuf);
        }
        struct emit e = {.g = yajl_gen_alloc(NULL), .h = h};
        if (e.g == NULL) {
                yajl_tree_free(root);
                return rterr_sys(err, ENOMEM, "spec --gpu");
        }
        yajl_gen_config(e.g, yajl_gen_beautify, 1);
        yajl_gen_config(e.g, yajl_gen_indent_string, "\t");
        emit(&e, root, "");
        yajl_tree_free(root);
        int rc = 0;
        if (e.s != yajl_gen_status_ok)
                rc = rterr_set(err, EINVAL, "spec --gpu: cannot write the config");
        else if ((*out = gen_copy(e.g)) == NULL)
                rc = rterr_sys(err, ENOMEM, "spec --gpu");
        else
                *out_len = strlen(*out);
        yajl_gen_free(e.g);
        return rc;
}

int gpu_spec_json(const char *json, char **out, size_t *out_len, struct rterr *err)
{
        struct gpu_host h;
        if (gpu_discover(&gpu_where_default, &h, err) < 0)
                return -1;
        int rc = gpu_spec_rewrite(&h, json, out, out_len, err);
        gpu_host_free(&h);
        return rc;
}
