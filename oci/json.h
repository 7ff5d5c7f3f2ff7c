/* Internal helpers around yajl's tree API: typed field access that reports the JSON path and
 * the reason on every failure ("config.json: process.args[1]: expected a string, got number"). */
#ifndef RTRUN_OCI_JSON_H
#define RTRUN_OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "oci/oci.h"

#define JPATH_MAX 256

/* What every parser carries: the source name for messages and where errors go. */
struct jctx {
        const char *src;
        struct rterr *err;
};

/* "src: path: message"; returns -1. */
int jerr(struct jctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *jtype(yajl_val v);

/* out = "parent.key" (or "key" at the top); out = "parent[i]". */
void jpath(char out[JPATH_MAX], const char *parent, const char *key);
void jpath_idx(char out[JPATH_MAX], const char *parent, size_t i);

/* The member `key` of an object; NULL when absent or JSON null (null means "not set"). */
yajl_val jfield(yajl_val obj, const char *key);

/* oci_json_parse() with the context's source name and error. */
int jparse(struct jctx *c, const char *json, size_t len, yajl_val *out);

/* Value-level conversions; `path` names v in errors. */
int j_object(struct jctx *c, const char *path, yajl_val v);
int j_array(struct jctx *c, const char *path, yajl_val v);
int j_str(struct jctx *c, const char *path, yajl_val v, char **out);
int j_bool(struct jctx *c, const char *path, yajl_val v, bool *out);
int j_i64(struct jctx *c, const char *path, yajl_val v, int64_t *out);
int j_u64(struct jctx *c, const char *path, yajl_val v, uint64_t *out);
int j_u32(struct jctx *c, const char *path, yajl_val v, uint32_t *out);
int j_i32_range(struct jctx *c, const char *path, yajl_val v, int32_t min, int32_t max,
                int32_t *out);
int j_strv(struct jctx *c, const char *path, yajl_val v, struct oci_strv *out);
int j_kvs(struct jctx *c, const char *path, yajl_val v, struct oci_kvs *out);

/* Field-level: absent (or null) leaves *out untouched and returns 0. */
int jo_obj(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out);
int jo_arr(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out);
int jo_str(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int jo_str_req(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int jo_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool *out);
int jo_opt_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key,
                oci_opt_bool *out);
int jo_i64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_i64 *out);
int jo_u64(struct jctx *c, yajl_val obj, const char *parent, const char *key, oci_opt_u64 *out);
int jo_u32(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool required,
           uint32_t *out);
int jo_strv(struct jctx *c, yajl_val obj, const char *parent, const char *key,
            struct oci_strv *out);
int jo_kvs(struct jctx *c, yajl_val obj, const char *parent, const char *key, struct oci_kvs *out);

/* Frees what the helpers allocate. */
void strv_free(struct oci_strv *s);
void kvs_free(struct oci_kvs *k);

#endif
