/* The one schema check scheduler/ adds to common/json.h: non-negative integer members. */
#include "scheduler/internal.h"

#include <errno.h>

int sj_u64(yajl_val obj, const char *path, const char *key, bool required, uint64_t *out,
           struct rterr *err)
{
        yajl_val v = jmember(obj, key);
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
