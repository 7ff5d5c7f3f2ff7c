/* Small wrappers over yajl so the writers and readers of scheduler/ stay readable. */
#include "scheduler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sj_str(yajl_gen g, const char *s)
{
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void sj_key(yajl_gen g, const char *key)
{
        sj_str(g, key);
}

void sj_kstr(yajl_gen g, const char *key, const char *val)
{
        sj_key(g, key);
        sj_str(g, val);
}

void sj_kint(yajl_gen g, const char *key, long long v)
{
        sj_key(g, key);
        yajl_gen_integer(g, v);
}

void sj_kdbl(yajl_gen g, const char *key, double v)
{
        /* six decimals, trailing zeros dropped: 0.9, not yajl's 0.89999999999999991118 */
        char buf[64];
        int n = snprintf(buf, sizeof(buf), "%.6f", v);
        while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
                buf[--n] = '\0';
        sj_key(g, key);
        yajl_gen_number(g, buf, (size_t)n);
}

void sj_kbool(yajl_gen g, const char *key, bool v)
{
        sj_key(g, key);
        yajl_gen_bool(g, v);
}

yajl_val sj_get(yajl_val obj, const char *key)
{
        if (!YAJL_IS_OBJECT(obj))
                return NULL;
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (strcmp(obj->u.object.keys[i], key) == 0)
                        return obj->u.object.values[i];
        return NULL;
}

int sj_u64(yajl_val obj, const char *path, const char *key, bool required, uint64_t *out,
           struct rterr *err)
{
        yajl_val v = sj_get(obj, key);
        if (v == NULL) {
                if (!required)
                        return 0;
                return rterr_set(err, EINVAL, "%s.%s: required", path, key);
        }
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
                return rterr_set(err, EINVAL, "%s.%s: expected a non-negative integer", path, key);
        *out = (uint64_t)YAJL_GET_INTEGER(v);
        return 0;
}

char *sj_take(yajl_gen g)
{
        const unsigned char *buf;
        size_t len;
        if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return NULL;
        char *s = malloc(len + 1);
        if (s == NULL)
                return NULL;
        memcpy(s, buf, len);
        s[len] = '\0';
        return s;
}
