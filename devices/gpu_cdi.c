/* `rtrun cdi generate`: the discovered GPUs as a CDI spec of kind nvidia.com/gpu. One device
 * per /dev/nvidiaN ("0", "1", ...), "all" with every GPU, and one per IMEX channel
 * ("imex-channel-N"); the spec-wide edits (applied once with any of them) carry the control
 * nodes (nvidiactl, nvidia-uvm*, nvidia-modeset, nvidia-caps) and the driver's files as
 * read-only bind mounts. Only nodes that exist on the host are listed, with their numbers, so
 * engines that check hostPath find it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "devices/cdi_node.h"
#include "devices/devices.h"
#include "devices/gpu.h"

#define CDI_GEN_VERSION "0.5.0"
#define CDI_GEN_KIND "nvidia.com/gpu"

/* Appends key: value (a string, or a number when number is true) to map; false on ENOMEM. */
static bool put(struct cdi_node *map, const char *key, const char *value, bool number)
{
        struct cdi_node *v = cdi_node_new(CDI_NODE_SCALAR);
        if (v == NULL)
                return false;
        v->scalar = number ? CDI_SCALAR_NUMBER : CDI_SCALAR_STRING;
        v->text = strdup(value);
        char *k = strdup(key);
        if (v->text == NULL || k == NULL) {
                free(k);
                cdi_node_free(v);
                return false;
        }
        return cdi_node_append(map, k, v) == 0;
}

/* Appends key: child (taking child); false on ENOMEM. */
static bool put_node(struct cdi_node *map, const char *key, struct cdi_node *child)
{
        if (child == NULL)
                return false;
        char *k = key ? strdup(key) : NULL;
        if (key && k == NULL) {
                cdi_node_free(child);
                return false;
        }
        return cdi_node_append(map, k, child) == 0;
}

static const char *base_of(const char *path)
{
        const char *b = strrchr(path, '/');
        return b ? b + 1 : path;
}

static bool is_gpu(const struct gpu_node *n)
{
        const char *b = base_of(n->ctr);
        return strncmp(b, "nvidia", 6) == 0 && b[6] >= '0' && b[6] <= '9' &&
               strspn(b + 6, "0123456789") == strlen(b + 6);
}

static bool is_imex(const struct gpu_node *n)
{
        return strstr(n->ctr, "/nvidia-caps-imex-channels/channel") != NULL;
}

static struct cdi_node *device_node(const struct gpu_node *n)
{
        struct cdi_node *m = cdi_node_new(CDI_NODE_MAP);
        char type[2] = {n->type, 0}, num[32];
        bool ok = m && put(m, "path", n->ctr, false) &&
                  (strcmp(n->path, n->ctr) == 0 || put(m, "hostPath", n->path, false)) &&
                  put(m, "type", type, false);
        snprintf(num, sizeof(num), "%" PRId64, n->major);
        ok = ok && put(m, "major", num, true);
        snprintf(num, sizeof(num), "%" PRId64, n->minor);
        ok = ok && put(m, "minor", num, true);
        if (!ok) {
                cdi_node_free(m);
                return NULL;
        }
        return m;
}

static bool exists(const struct gpu_node *n)
{
        struct stat st;
        return stat(n->path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* {"deviceNodes": [the nodes that pass want]} */
static struct cdi_node *edits_of(const struct gpu_host *h,
                                 bool (*want)(const struct gpu_node *, const void *),
                                 const void *arg)
{
        struct cdi_node *e = cdi_node_new(CDI_NODE_MAP), *nodes = cdi_node_new(CDI_NODE_SEQ);
        bool ok = e && nodes;
        for (size_t i = 0; ok && i < h->n_nodes; i++)
                if (exists(&h->nodes[i]) && want(&h->nodes[i], arg))
                        ok = put_node(nodes, NULL, device_node(&h->nodes[i]));
        if (ok && put_node(e, "deviceNodes", nodes))
                return e;
        if (!ok)
                cdi_node_free(nodes);
        cdi_node_free(e);
        return NULL;
}

static bool want_same(const struct gpu_node *n, const void *arg)
{
        return n == arg;
}

static bool want_gpus(const struct gpu_node *n, const void *arg)
{
        (void)arg;
        return is_gpu(n);
}

static bool want_control(const struct gpu_node *n, const void *arg)
{
        (void)arg;
        return !is_gpu(n) && !is_imex(n);
}

static struct cdi_node *device(const char *name, struct cdi_node *edits)
{
        struct cdi_node *d = cdi_node_new(CDI_NODE_MAP);
        if (d == NULL || !put(d, "name", name, false)) {
                cdi_node_free(edits);
                cdi_node_free(d);
                return NULL;
        }
        if (!put_node(d, "containerEdits", edits)) {
                cdi_node_free(d);
                return NULL;
        }
        return d;
}

static struct cdi_node *mounts_of(const struct gpu_host *h)
{
        static const char *const opts[] = {"ro", "nosuid", "nodev", "bind"};
        struct cdi_node *seq = cdi_node_new(CDI_NODE_SEQ);
        bool ok = seq != NULL;
        for (size_t i = 0; ok && i < h->files.n; i++) {
                struct cdi_node *m = cdi_node_new(CDI_NODE_MAP), *o = cdi_node_new(CDI_NODE_SEQ);
                ok = m && o && put(m, "hostPath", h->files.v[i], false) &&
                     put(m, "containerPath", h->targets.v[i], false);
                for (size_t j = 0; ok && j < sizeof(opts) / sizeof(opts[0]); j++) {
                        struct cdi_node *s = cdi_node_new(CDI_NODE_SCALAR);
                        ok = s && (s->text = strdup(opts[j])) != NULL;
                        if (ok)
                                ok = cdi_node_append(o, NULL, s) == 0;
                        else
                                cdi_node_free(s);
                }
                if (ok && put_node(m, "options", o)) {
                        ok = put_node(seq, NULL, m);
                        continue;
                }
                if (!ok)
                        cdi_node_free(o);
                cdi_node_free(m);
                ok = false;
        }
        if (ok)
                return seq;
        cdi_node_free(seq);
        return NULL;
}

int gpu_cdi_spec(const struct gpu_host *h, struct cdi_node **out, struct rterr *err)
{
        struct cdi_node *spec = cdi_node_new(CDI_NODE_MAP), *devs = cdi_node_new(CDI_NODE_SEQ);
        bool ok = spec && devs && put(spec, "cdiVersion", CDI_GEN_VERSION, false) &&
                  put(spec, "kind", CDI_GEN_KIND, false);
        size_t gpus = 0;
        for (size_t i = 0; ok && i < h->n_nodes; i++) {
                const struct gpu_node *n = &h->nodes[i];
                if (!exists(n) || !(is_gpu(n) || is_imex(n)))
                        continue;
                char name[64];
                if (is_gpu(n)) {
                        snprintf(name, sizeof(name), "%s", base_of(n->ctr) + 6);
                        gpus++;
                } else {
                        snprintf(name, sizeof(name), "imex-channel-%s", base_of(n->ctr) + 7);
                }
                ok = put_node(devs, NULL, device(name, edits_of(h, want_same, n)));
        }
        if (ok && gpus > 0)
                ok = put_node(devs, NULL, device("all", edits_of(h, want_gpus, NULL)));
        if (!ok) {
                cdi_node_free(devs);
                cdi_node_free(spec);
                return rterr_sys(err, ENOMEM, "CDI spec");
        }
        /* from here each put_node owns what it is given, appended or freed */
        struct cdi_node *common = NULL;
        ok = put_node(spec, "devices", devs) &&
             (common = edits_of(h, want_control, NULL)) != NULL &&
             put_node(spec, "containerEdits", common) && put_node(common, "mounts", mounts_of(h));
        if (!ok) {
                cdi_node_free(spec);
                return rterr_sys(err, ENOMEM, "CDI spec");
        }
        *out = spec;
        return 0;
}

static void cdi_node_freep(struct cdi_node **n)
{
        cdi_node_free(*n);
}

int gpu_cdi_generate(const char *host_root, const char *const *driver_roots, bool yaml, char **out,
                     size_t *out_len, struct rterr *err)
{
        struct gpu_where w = gpu_where_default;
        w.host_root = host_root;
        if (driver_roots)
                w.driver_roots = driver_roots;
        __attribute__((cleanup(gpu_host_free))) struct gpu_host h = {0};
        __attribute__((cleanup(cdi_node_freep))) struct cdi_node *spec = NULL;
        if (gpu_discover(&w, &h, err) < 0 || gpu_cdi_spec(&h, &spec, err) < 0)
                return -1;
        return yaml ? cdi_node_to_yaml(spec, out, out_len, err)
                    : cdi_node_to_json(spec, out, out_len, err);
}
