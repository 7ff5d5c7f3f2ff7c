/* JSON for every folder: one writer (yajl_gen helpers that chain their status with `|`) and
 * one reader (yajl's tree with typed field access whose errors name the source and the JSON
 * path: "config.json: process.args[1]: expected a string, got number"). */
#ifndef RTRUN_COMMON_JSON_H
#define RTRUN_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common/err.h"

/* ---- writing (json_gen.c) ---- */

/* A generator; pretty output indents by two spaces like runc's. NULL on ENOMEM. */
yajl_gen gen_new(bool pretty);

/* Each returns the yajl status (yajl_gen_status_ok == 0); they chain with `|`. */
int gen_str(yajl_gen g, const char *s); /* NULL writes "" */
int gen_key(yajl_gen g, const char *key, const char *value);
int gen_key_bool(yajl_gen g, const char *key, bool value);
int gen_key_int(yajl_gen g, const char *key, long long value);
/* Six decimals, trailing zeros dropped: 0.9, not yajl's 0.89999999999999991118. */
int gen_key_dbl(yajl_gen g, const char *key, double value);
int gen_strs(yajl_gen g, const char *key, const char *const *v, size_t n); /* "key": [..] */

/* Copies the output out (NUL-terminated, with a trailing newline when pretty) and frees g.
 * `status` is the OR of the calls' results; non-zero fails with `what`. */
int gen_finish(yajl_gen g, int status, bool pretty, const char *what, char **out, size_t *len,
               struct rterr *err);

/* A copy of what g has written so far (NUL-terminated; g stays), NULL on ENOMEM. */
char *gen_copy(yajl_gen g);

/* s as a JSON string literal with its quotes, malloc'd; NULL on ENOMEM. */
char *json_quote(const char *s);

/* For text built by hand (a log line): s escaped as the inside of a JSON string into out,
 * cut short rather than overflow; returns the length written. */
size_t json_escape(char *out, size_t size, const char *s);

/* ---- reading (json.c) ---- */

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

/* JSON text of len bytes to a yajl tree (yajl_tree_free() releases it), refusing what a tree
 * of C strings would silently change: NUL characters (raw, or \u0000 in a string or key; the
 * error names the field: "config.json: process.args[0]: the string contains a NUL character"),
 * a key repeated in one object, and nesting deeper than Go's encoding/json allows. Every
 * JSON document rtrun reads from users goes through it. */
int json_parse_strict(const char *src, const char *json, size_t len, yajl_val *out,
                      struct rterr *err);

/* The member `key` of an object; NULL when absent or JSON null (null means "not set"). */
yajl_val jfield(yajl_val obj, const char *key);
/* The member `key` as it is, JSON null included; NULL when absent or obj is no object. */
yajl_val jmember(yajl_val obj, const char *key);
/* jfield, with the member's JSON path (parent.key) in path: what every optional jo_* reader
 * starts with. */
yajl_val jo_get(yajl_val obj, const char *parent, const char *key, char path[JPATH_MAX]);

/* Parses NUL-less text of length len into a tree; the error names src. */
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

/* Field-level: absent (or null) leaves *out untouched and returns 0. */
int jo_obj(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out);
int jo_arr(struct jctx *c, yajl_val obj, const char *parent, const char *key, yajl_val *out);
int jo_str(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int jo_str_req(struct jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int jo_bool(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool *out);
int jo_u32(struct jctx *c, yajl_val obj, const char *parent, const char *key, bool required,
           uint32_t *out);

#endif
