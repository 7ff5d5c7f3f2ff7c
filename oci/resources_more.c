/* linux.resources: blkio, hugepageLimits, network, rdma and unified. */
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

static int parse_major_minor(struct jctx *c, yajl_val v, const char *path, int64_t *major,
                             int64_t *minor)
{
        oci_opt_i64 ma = {0}, mi = {0};
        if (j_object(c, path, v) < 0 || jo_i64(c, v, path, "major", &ma) < 0 ||
            jo_i64(c, v, path, "minor", &mi) < 0)
                return -1;
        char p[JPATH_MAX];
        if (!ma.set || !mi.set) {
                jpath(p, path, ma.set ? "minor" : "major");
                return jerr(c, p, "required but missing");
        }
        if (ma.v < 0 || mi.v < 0) {
                jpath(p, path, ma.v < 0 ? "major" : "minor");
                return jerr(c, p, "must not be negative, got %lld",
                            (long long)(ma.v < 0 ? ma.v : mi.v));
        }
        *major = ma.v;
        *minor = mi.v;
        return 0;
}

static int check_weight(struct jctx *c, const char *path, const char *key, oci_opt_u64 w)
{
        /* blkio.weight accepts 10..1000 (0 means "unset" in runc). */
        if (!w.set || w.v == 0 || (w.v >= 10 && w.v <= 1000))
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        return jerr(c, p, "must be in [10, 1000], got %llu", (unsigned long long)w.v);
}

static int parse_throttle_device(struct jctx *c, yajl_val e, const char *q,
                                 struct oci_throttle_device *d)
{
        if (parse_major_minor(c, e, q, &d->major, &d->minor) < 0)
                return -1;
        oci_opt_u64 rate = {0};
        if (jo_u64(c, e, q, "rate", &rate) < 0)
                return -1;
        if (!rate.set) {
                char r[JPATH_MAX];
                jpath(r, q, "rate");
                return jerr(c, r, "required but missing");
        }
        d->rate = rate.v;
        return 0;
}

static int parse_throttle(struct jctx *c, yajl_val blk, const char *path, const char *key,
                          struct oci_throttle_list *l)
{
        yajl_val v = NULL;
        if (jo_arr(c, blk, path, key, &v) < 0)
                return -1;
        if (v == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        return J_ARRAY_OF(c, v, p, l->v, l->n, parse_throttle_device);
}

static int parse_weight_device(struct jctx *c, yajl_val e, const char *q,
                               struct oci_weight_device *d)
{
        if (parse_major_minor(c, e, q, &d->major, &d->minor) < 0 ||
            jo_u64(c, e, q, "weight", &d->weight) < 0 ||
            jo_u64(c, e, q, "leafWeight", &d->leaf_weight) < 0 ||
            check_weight(c, q, "weight", d->weight) < 0 ||
            check_weight(c, q, "leafWeight", d->leaf_weight) < 0)
                return -1;
        return 0;
}

static int parse_weight_devices(struct jctx *c, yajl_val blk, const char *path, struct oci_blkio *b)
{
        yajl_val v = NULL;
        if (jo_arr(c, blk, path, "weightDevice", &v) < 0)
                return -1;
        if (v == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, "weightDevice");
        return J_ARRAY_OF(c, v, p, b->weight_device, b->n_weight_device, parse_weight_device);
}

int oci_parse_blkio(struct jctx *c, yajl_val v, const char *path, struct oci_blkio *b)
{
        if (j_object(c, path, v) < 0)
                return -1;
        b->set = true;
        if (jo_u64(c, v, path, "weight", &b->weight) < 0 ||
            jo_u64(c, v, path, "leafWeight", &b->leaf_weight) < 0 ||
            check_weight(c, path, "weight", b->weight) < 0 ||
            check_weight(c, path, "leafWeight", b->leaf_weight) < 0 ||
            parse_weight_devices(c, v, path, b) < 0 ||
            parse_throttle(c, v, path, "throttleReadBpsDevice", &b->throttle_read_bps) < 0 ||
            parse_throttle(c, v, path, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0 ||
            parse_throttle(c, v, path, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0 ||
            parse_throttle(c, v, path, "throttleWriteIOPSDevice", &b->throttle_write_iops) < 0)
                return -1;
        return 0;
}

static int parse_hugepages(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        if (j_array(c, path, v) < 0 || v->u.array.len == 0)
                return v && YAJL_IS_ARRAY(v) ? 0 : -1;
        r->hugepage_limits = oci_calloc(c, path, v->u.array.len, sizeof(*r->hugepage_limits));
        if (r->hugepage_limits == NULL)
                return -1;
        for (size_t i = 0; i < v->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, path, i);
                yajl_val e = v->u.array.values[i];
                struct oci_hugepage_limit *h = &r->hugepage_limits[i];
                r->n_hugepage_limits = i + 1;
                oci_opt_u64 limit = {0};
                if (j_object(c, q, e) < 0 || jo_str_req(c, e, q, "pageSize", &h->page_size) < 0 ||
                    jo_u64(c, e, q, "limit", &limit) < 0)
                        return -1;
                if (!limit.set) {
                        char p[JPATH_MAX];
                        jpath(p, q, "limit");
                        return jerr(c, p, "required but missing");
                }
                h->limit = limit.v;
        }
        return 0;
}

static int parse_network(struct jctx *c, yajl_val v, const char *path, struct oci_network_res *n)
{
        yajl_val pr = NULL;
        if (j_object(c, path, v) < 0 || jo_u64(c, v, path, "classID", &n->class_id) < 0 ||
            jo_arr(c, v, path, "priorities", &pr) < 0)
                return -1;
        n->set = true;
        if (pr == NULL || pr->u.array.len == 0)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, "priorities");
        n->priorities = oci_calloc(c, p, pr->u.array.len, sizeof(*n->priorities));
        if (n->priorities == NULL)
                return -1;
        for (size_t i = 0; i < pr->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                yajl_val e = pr->u.array.values[i];
                n->n_priorities = i + 1;
                if (j_object(c, q, e) < 0 ||
                    jo_str_req(c, e, q, "name", &n->priorities[i].name) < 0 ||
                    jo_u32(c, e, q, "priority", true, &n->priorities[i].priority) < 0)
                        return -1;
        }
        return 0;
}

static int parse_rdma(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        if (j_object(c, path, v) < 0 || v->u.object.len == 0)
                return YAJL_IS_OBJECT(v) ? 0 : -1;
        r->rdma = oci_calloc(c, path, v->u.object.len, sizeof(*r->rdma));
        if (r->rdma == NULL)
                return -1;
        for (size_t i = 0; i < v->u.object.len; i++) {
                char q[JPATH_MAX];
                jpath(q, path, v->u.object.keys[i]);
                yajl_val e = v->u.object.values[i];
                struct oci_rdma *d = &r->rdma[i];
                r->n_rdma = i + 1;
                d->device = strdup(v->u.object.keys[i]);
                if (d->device == NULL)
                        return jerr(c, q, "out of memory");
                if (j_object(c, q, e) < 0 || jo_u64(c, e, q, "hcaHandles", &d->hca_handles) < 0 ||
                    jo_u64(c, e, q, "hcaObjects", &d->hca_objects) < 0)
                        return -1;
        }
        return 0;
}

int oci_parse_resources_more(struct jctx *c, yajl_val v, const char *path, struct oci_resources *r)
{
        yajl_val f;
        char p[JPATH_MAX];
        if ((f = jfield(v, "hugepageLimits"))) {
                jpath(p, path, "hugepageLimits");
                if (parse_hugepages(c, f, p, r) < 0)
                        return -1;
        }
        if ((f = jfield(v, "network"))) {
                jpath(p, path, "network");
                if (parse_network(c, f, p, &r->network) < 0)
                        return -1;
        }
        if ((f = jfield(v, "rdma"))) {
                jpath(p, path, "rdma");
                if (parse_rdma(c, f, p, r) < 0)
                        return -1;
        }
        return jo_kvs(c, v, path, "unified", &r->unified);
}

void oci_resources_clear(struct oci_resources *r)
{
        free(r->devices);
        free(r->cpu.cpus);
        free(r->cpu.mems);
        free(r->blkio.weight_device);
        free(r->blkio.throttle_read_bps.v);
        free(r->blkio.throttle_write_bps.v);
        free(r->blkio.throttle_read_iops.v);
        free(r->blkio.throttle_write_iops.v);
        for (size_t i = 0; i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; i < r->network.n_priorities; i++)
                free(r->network.priorities[i].name);
        free(r->network.priorities);
        for (size_t i = 0; i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        oci_kvs_clear(&r->unified);
        memset(r, 0, sizeof(*r));
}
