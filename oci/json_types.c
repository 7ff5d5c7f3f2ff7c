/* The runtime-spec's own value types (string lists, maps, optional numbers) read with the
 * helpers of common/json.h. */
#include "oci/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void strv_free(struct oci_strv *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->v[i]);
        free(s->v);
        s->v = NULL;
        s->n = 0;
}

int j_strv(struct jctx *c, const char *path, yajl_val v, struct oci_strv *out)
{
        if (j_array(c, path, v) < 0)
                return -1;
        size_t n = v->u.array.len;
        strv_free(out);
        if (n == 0)
                return 0;
        out->v = calloc(n + 1, sizeof(char *));
        if (out->v == NULL)
                return rterr_sys(c->err, ENOMEM, "%s: %s", c->src, path);
        for (size_t i = 0; i < n; i++) {
                char p[JPATH_MAX];
                jpath_idx(p, path, i);
                if (j_str(c, p, v->u.array.values[i], &out->v[i]) < 0)
                        return -1; /* the caller frees what was filled */
                out->n = i + 1;
        }
        return 0;
}

int j_kvs(struct jctx *c, const char *path, yajl_val v, struct oci_kvs *out)
{
        if (j_object(c, path, v) < 0)
                return -1;
        size_t n = v->u.object.len;
        oci_kvs_clear(out);
        if (n == 0)
                return 0;
        out->v = calloc(n, sizeof(struct oci_kv));
        if (out->v == NULL)
                return rterr_sys(c->err, ENOMEM, "%s: %s", c->src, path);
        for (size_t i = 0; i < n; i++) {
                char p[JPATH_MAX];
                jpath(p, path, v->u.object.keys[i]);
                out->v[i].key = strdup(v->u.object.keys[i]);
                out->n = i + 1;
                if (out->v[i].key == NULL)
                        return rterr_sys(c->err, ENOMEM, "%s: %s", c->src, p);
                if (j_str(c, p, v->u.object.values[i], &out->v[i].value) < 0)
                        return -1;
        }
        return 0;
}

int jo_opt_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key,
                oci_opt_bool *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        if (j_bool(c, p, v, &out->v) < 0)
                return -1;
        out->set = true;
        return 0;
}

int jo_i64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_i64 *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        if (j_i64(c, p, v, &out->v) < 0)
                return -1;
        out->set = true;
        return 0;
}

int jo_u64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_u64 *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        if (j_u64(c, p, v, &out->v) < 0)
                return -1;
        out->set = true;
        return 0;
}

int jo_strv(struct jctx *c, yajl_val obj, const char *parent, const char *key, struct oci_strv *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        return j_strv(c, p, v, out);
}

int jo_kvs(struct jctx *c, yajl_val obj, const char *parent, const char *key, struct oci_kvs *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        return j_kvs(c, p, v, out);
}
