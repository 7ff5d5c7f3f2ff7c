/* Reading the runtime-spec's own value types (string lists, maps, optional numbers) with the
 * reader of common/json.h. */
#ifndef RTRUN_OCI_JSON_H
#define RTRUN_OCI_JSON_H

#include "common/common.h"
#include "oci/oci.h"

int j_strv(struct jctx *c, const char *path, yajl_val v, struct oci_strv *out);
int j_kvs(struct jctx *c, const char *path, yajl_val v, struct oci_kvs *out);

int jo_opt_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key,
                oci_opt_bool *out);
int jo_i64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_i64 *out);
int jo_u64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_u64 *out);
int jo_strv(struct jctx *c, yajl_val obj, const char *parent, const char *key,
            struct oci_strv *out);
int jo_kvs(struct jctx *c, yajl_val obj, const char *parent, const char *key, struct oci_kvs *out);

/* Frees what the helpers allocate (a map: oci_kvs_clear, oci.h). */
void strv_free(struct oci_strv *s);

#endif
