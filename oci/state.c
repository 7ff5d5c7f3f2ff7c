/* The state document `rtrun state` prints and hooks read on stdin. */
#include <errno.h>

#include "common/common.h"
#include "oci/oci.h"

int oci_state_gen(yajl_gen g, const struct oci_state *st)
{
        int s = yajl_gen_map_open(g);
        s |= gen_key(g, "ociVersion", st->oci_version ? st->oci_version : OCI_VERSION);
        s |= gen_key(g, "id", st->id);
        s |= gen_key_int(g, "pid", st->pid);
        s |= gen_key(g, "status", oci_status_name(st->status));
        s |= gen_key(g, "bundle", st->bundle);
        s |= gen_key(g, "rootfs", st->rootfs);
        s |= gen_key(g, "created", st->created);
        s |= gen_key(g, "owner", st->owner);
        s |= oci_kvs_gen(g, "annotations", &st->annotations);
        return s | yajl_gen_map_close(g);
}

int oci_state_to_json(const struct oci_state *st, bool pretty, char **out, size_t *len,
                      struct rterr *err)
{
        yajl_gen g = gen_new(pretty);
        if (g == NULL)
                return rterr_sys(err, ENOMEM, "state");
        return gen_finish(g, oci_state_gen(g, st), pretty, "state", out, len, err);
}
