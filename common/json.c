#include "common/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

int jerr(struct jctx *c, const char *path, const char *fmt, ...)
{
        char msg[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (path && path[0])
                return rterr_set(c->err, 0, "%s: %s: %s", c->src, path, msg);
        return rterr_set(c->err, 0, "%s: %s", c->src, msg);
}

const char *jtype(yajl_val v)
{
        if (v == NULL || YAJL_IS_NULL(v))
                return "null";
        if (YAJL_IS_STRING(v))
                return "string";
        if (YAJL_IS_NUMBER(v))
                return "number";
        if (YAJL_IS_OBJECT(v))
                return "object";
        if (YAJL_IS_ARRAY(v))
                return "array";
        return "boolean";
}

void jpath(char out[JPATH_MAX], const char *parent, const char *key)
{
        if (parent && parent[0])
                snprintf(out, JPATH_MAX, "%s.%s", parent, key);
        else
                snprintf(out, JPATH_MAX, "%s", key);
}

void jpath_idx(char out[JPATH_MAX], const char *parent, size_t i)
{
        snprintf(out, JPATH_MAX, "%s[%zu]", parent, i);
}

yajl_val jmember(yajl_val obj, const char *key)
{
        if (!YAJL_IS_OBJECT(obj))
                return NULL;
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (strcmp(obj->u.object.keys[i], key) == 0)
                        return obj->u.object.values[i];
        return NULL;
}

yajl_val jfield(yajl_val obj, const char *key)
{
        yajl_val v = jmember(obj, key);
        return v && YAJL_IS_NULL(v) ? NULL : v;
}

yajl_val jo_get(yajl_val obj, const char *parent, const char *key, char path[JPATH_MAX])
{
        jpath(path, parent, key);
        return jfield(obj, key);
}

int jparse(struct jctx *c, const char *json, size_t len, yajl_val *out)
{
        return json_parse_strict(c->src, json, len, out, c->err);
}

int j_object(struct jctx *c, const char *path, yajl_val v)
{
        if (!YAJL_IS_OBJECT(v))
                return jerr(c, path, "expected an object, got %s", jtype(v));
        return 0;
}

int j_array(struct jctx *c, const char *path, yajl_val v)
{
        if (!YAJL_IS_ARRAY(v))
                return jerr(c, path, "expected an array, got %s", jtype(v));
        return 0;
}

int j_str(struct jctx *c, const char *path, yajl_val v, char **out)
{
        if (!YAJL_IS_STRING(v))
                return jerr(c, path, "expected a string, got %s", jtype(v));
        char *s = strdup(v->u.string);
        if (s == NULL)
                return rterr_sys(c->err, ENOMEM, "%s: %s", c->src, path);
        free(*out);
        *out = s;
        return 0;
}

int j_bool(struct jctx *c, const char *path, yajl_val v, bool *out)
{
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
                return jerr(c, path, "expected a boolean, got %s", jtype(v));
        *out = YAJL_IS_TRUE(v);
        return 0;
}

int j_i64(struct jctx *c, const char *path, yajl_val v, int64_t *out)
{
        if (!YAJL_IS_NUMBER(v))
                return jerr(c, path, "expected an integer, got %s", jtype(v));
        if (YAJL_IS_INTEGER(v)) {
                *out = v->u.number.i;
                return 0;
        }
        const char *raw = v->u.number.r;
        char *end = NULL;
        errno = 0;
        (void)strtoll(raw, &end, 10);
        if (end != raw && *end == '\0' && errno == ERANGE)
                return jerr(c, path, "integer out of range: %s", raw);
        return jerr(c, path, "expected an integer, got %s", raw);
}

/* Unsigned fields may exceed INT64_MAX (rlimits of 2^64-1, seccomp values): yajl gives up on
 * them as integers, so read the number's own text. */
int j_u64(struct jctx *c, const char *path, yajl_val v, uint64_t *out)
{
        if (!YAJL_IS_NUMBER(v))
                return jerr(c, path, "expected an integer, got %s", jtype(v));
        const char *raw = v->u.number.r;
        if (raw[0] == '-') {
                char *end = NULL;
                (void)strtod(raw, &end);
                if (*end == '\0' && strpbrk(raw, ".eE") == NULL)
                        return jerr(c, path, "must not be negative, got %s", raw);
                return jerr(c, path, "expected an integer, got %s", raw);
        }
        char *end = NULL;
        errno = 0;
        unsigned long long n = strtoull(raw, &end, 10);
        if (end == raw || *end != '\0')
                return jerr(c, path, "expected an integer, got %s", raw);
        if (errno == ERANGE)
                return jerr(c, path, "integer out of range: %s", raw);
        *out = n;
        return 0;
}

int j_u32(struct jctx *c, const char *path, yajl_val v, uint32_t *out)
{
        uint64_t n = 0;
        if (j_u64(c, path, v, &n) < 0)
                return -1;
        if (n > UINT32_MAX)
                return jerr(c, path, "integer out of range: %" PRIu64 " (at most %u)", n,
                            UINT32_MAX);
        *out = (uint32_t)n;
        return 0;
}

int j_i32_range(struct jctx *c, const char *path, yajl_val v, int32_t min, int32_t max,
                int32_t *out)
{
        int64_t n = 0;
        if (j_i64(c, path, v, &n) < 0)
                return -1;
        if (n < min || n > max)
                return jerr(c, path, "%" PRId64 " is out of range [%d, %d]", n, min, max);
        *out = (int32_t)n;
        return 0;
}

/* An optional member whose JSON type `is` checks (j_object, j_array). */
static int jo_typed(struct jctx *c, yajl_val obj, const char *parent, const char *key,
                    int (*is)(struct jctx *, const char *, yajl_val), yajl_val *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        if (is(c, p, v) < 0)
                return -1;
        *out = v;
        return 0;
}

int jo_obj(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out)
{
        return jo_typed(c, obj, parent, key, j_object, out);
}

int jo_arr(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out)
{
        return jo_typed(c, obj, parent, key, j_array, out);
}

int jo_str(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        return j_str(c, p, v, out);
}

int jo_str_req(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out)
{
        char p[JPATH_MAX];
        jpath(p, parent, key);
        yajl_val v = jfield(obj, key);
        if (v == NULL)
                return jerr(c, p, "required but missing");
        return j_str(c, p, v, out);
}

int jo_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool *out)
{
        char p[JPATH_MAX];
        yajl_val v = jo_get(obj, parent, key, p);
        if (v == NULL)
                return 0;
        return j_bool(c, p, v, out);
}

int jo_u32(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool required,
           uint32_t *out)
{
        char p[JPATH_MAX];
        jpath(p, parent, key);
        yajl_val v = jfield(obj, key);
        if (v == NULL)
                return required ? jerr(c, p, "required but missing") : 0;
        return j_u32(c, p, v, out);
}
