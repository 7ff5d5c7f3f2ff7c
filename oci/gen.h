/* Internal helpers around yajl_gen for the documents oci/ writes (state, features, spec). */
#ifndef RTRUN_OCI_GEN_H
#define RTRUN_OCI_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "common/err.h"

/* A generator; pretty output indents by two spaces like runc's. NULL on ENOMEM. */
yajl_gen gen_new(bool pretty);

/* Each returns the yajl status (yajl_gen_status_ok == 0); they chain with `|`. */
int gen_str(yajl_gen g, const char *s); /* NULL writes "" */
int gen_key(yajl_gen g, const char *key, const char *value);
int gen_key_bool(yajl_gen g, const char *key, bool value);
int gen_key_int(yajl_gen g, const char *key, long long value);
int gen_strs(yajl_gen g, const char *key, const char *const *v, size_t n); /* "key": [..] */

/* Copies the output out (NUL-terminated, with a trailing newline when pretty) and frees g.
 * `status` is the OR of the calls' results; non-zero fails with `what`. */
int gen_finish(yajl_gen g, int status, bool pretty, const char *what, char **out, size_t *len,
               struct rterr *err);

#endif
