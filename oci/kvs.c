/* Growing and releasing key/value lists (annotations, sysctl, features annotations). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci/oci.h"

int oci_kvs_add(struct oci_kvs *kvs, const char *key, const char *value, struct rterr *err)
{
        struct oci_kv *nv = realloc(kvs->v, (kvs->n + 1) * sizeof(*nv));
        if (nv == NULL)
                return rterr_sys(err, ENOMEM, "add %s", key);
        kvs->v = nv;
        char *k = strdup(key);
        char *v = strdup(value);
        if (k == NULL || v == NULL) {
                free(k);
                free(v);
                return rterr_sys(err, ENOMEM, "add %s", key);
        }
        kvs->v[kvs->n++] = (struct oci_kv){.key = k, .value = v};
        return 0;
}

void oci_kvs_clear(struct oci_kvs *kvs)
{
        for (size_t i = 0; i < kvs->n; i++) {
                free(kvs->v[i].key);
                free(kvs->v[i].value);
        }
        free(kvs->v);
        kvs->v = NULL;
        kvs->n = 0;
}

int oci_kvs_gen(yajl_gen g, const char *key, const struct oci_kvs *kvs)
{
        int s = gen_str(g, key) | yajl_gen_map_open(g);
        for (size_t i = 0; kvs && i < kvs->n; i++)
                s |= gen_key(g, kvs->v[i].key, kvs->v[i].value);
        return s | yajl_gen_map_close(g);
}
