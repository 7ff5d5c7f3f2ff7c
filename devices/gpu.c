/* NVIDIA GPU discovery, the way the driver and the loader find things: device nodes (the
 * frontend's fixed major 195, nvidia-uvm from /proc/devices, nvidia-caps and the IMEX
 * channels), the driver's libraries (the default directories, the loader's cache, a driver
 * root such as /usr/local/nvidia or a driver container's /run/nvidia/driver), its tools with
 * wrapper scripts followed to the binaries they exec, and the GSP firmware of its version. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/cdi.h"
#include "devices/devices_resolve.h"
#include "devices/gpu.h"
#include "devices/ldcache.h"

static const char *const default_lib_dirs[] = {"/usr/lib/x86_64-linux-gnu", "/usr/lib64",
                                               "/usr/lib/aarch64-linux-gnu", "/usr/lib", NULL};
static const char *const default_bin_dirs[] = {"/usr/bin", "/usr/local/bin", NULL};
static const char *const default_driver_roots[] = {"/run/nvidia/driver", "/usr/local/nvidia", NULL};

const struct gpu_where gpu_where_default = {
    .dev_dir = "/dev",
    .proc_devices = NULL,
    .lib_dirs = default_lib_dirs,
    .bin_dirs = default_bin_dirs,
    .host_root = NULL,
    .ld_cache = "/etc/ld.so.cache",
    .driver_roots = default_driver_roots,
};

/* Below a driver root: where its installers put libraries and tools. */
static const char *const root_lib_dirs[] = {"/lib64",
                                            "/lib",
                                            "/lib/x86_64-linux-gnu",
                                            "/lib/aarch64-linux-gnu",
                                            "/usr/lib64",
                                            "/usr/lib/x86_64-linux-gnu",
                                            "/usr/lib/aarch64-linux-gnu",
                                            "/usr/lib",
                                            NULL};
static const char *const root_bin_dirs[] = {"/bin", "/usr/bin", NULL};
static const char *const firmware_dirs[] = {"/lib/firmware/nvidia", "/usr/lib/firmware/nvidia",
                                            NULL};
/* What CUDA and NVML load at run time (prefixes: every soname and version matches). */
static const char *const lib_prefixes[] = {
    "libcuda.so",        "libcudadebugger.so",          "libnvidia-ml.so",
    "libnvidia-nvvm.so", "libnvidia-ptxjitcompiler.so", "libnvidia-gpucomp.so",
    "libnvidia-cfg.so",  "libnvidia-opencl.so",         NULL};
static const char *const tools[] = {"nvidia-smi",
                                    "nvidia-debugdump",
                                    "nvidia-persistenced",
                                    "nvidia-cuda-mps-control",
                                    "nvidia-cuda-mps-server",
                                    NULL};

/* One place on the host and where it appears in the container ("" prefixes: the same). */
struct place {
        char host[4096];
        char ctr[4096];
};

static bool place_set(struct place *p, const char *host_prefix, const char *ctr_prefix,
                      const char *path)
{
        return snprintf(p->host, sizeof(p->host), "%s%s", host_prefix, path) <
                   (int)sizeof(p->host) &&
               snprintf(p->ctr, sizeof(p->ctr), "%s%s", ctr_prefix, path) < (int)sizeof(p->ctr);
}

/* The host root as a prefix: "" for the host itself. */
static const char *root_of(const struct gpu_where *w)
{
        return w->host_root == NULL || strcmp(w->host_root, "/") == 0 ? "" : w->host_root;
}

void gpu_host_free(struct gpu_host *h)
{
        for (size_t i = 0; i < h->n_nodes; i++) {
                free(h->nodes[i].path);
                free(h->nodes[i].ctr);
        }
        free(h->nodes);
        cdi_strv_free(&h->files);
        cdi_strv_free(&h->targets);
        memset(h, 0, sizeof(*h));
}

static int add_node(struct gpu_host *h, const struct place *p, char type, int64_t major,
                    int64_t minor, unsigned mode, struct rterr *err)
{
        struct gpu_node *v = realloc(h->nodes, (h->n_nodes + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "GPU node %s", p->host);
        h->nodes = v;
        v[h->n_nodes] =
            (struct gpu_node){strdup(p->host), strdup(p->ctr), type, major, minor, mode};
        if (v[h->n_nodes].path == NULL || v[h->n_nodes].ctr == NULL) {
                free(v[h->n_nodes].path);
                free(v[h->n_nodes].ctr);
                return rterr_sys(err, ENOMEM, "GPU node %s", p->host);
        }
        h->n_nodes++;
        return 0;
}

static bool strv_has(const struct oci_strv *v, const char *s)
{
        for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->v[i], s) == 0)
                        return true;
        return false;
}

/* A driver file, once per container path (the first place found wins). */
static int add_file(struct gpu_host *h, const struct place *p, struct rterr *err)
{
        if (strv_has(&h->targets, p->ctr))
                return 0;
        if (cdi_strv_push(&h->files, p->host, err) < 0 ||
            cdi_strv_push(&h->targets, p->ctr, err) < 0)
                return -1;
        return 0;
}

static bool is_gpu_node_name(const char *n)
{
        if (strncmp(n, "nvidia", 6) != 0)
                return false;
        const char *t = n + 6;
        if (*t >= '0' && *t <= '9')
                return strspn(t, "0123456789") == strlen(t);
        return strcmp(t, "ctl") == 0 || strcmp(t, "-uvm") == 0 || strcmp(t, "-uvm-tools") == 0 ||
               strcmp(t, "-modeset") == 0;
}

static bool is_cap_name(const char *n)
{
        return strncmp(n, "nvidia-cap", 10) == 0;
}

static bool is_imex_channel_name(const char *n)
{
        return strncmp(n, "channel", 7) == 0;
}

/* Adds the char device nodes of dir (below the host root) whose names pass `want`. */
static int scan_nodes(struct gpu_host *h, const struct gpu_where *w, const char *dir,
                      bool (*want)(const char *), struct rterr *err)
{
        struct place d;
        if (!place_set(&d, root_of(w), "", dir))
                return 0;
        struct dirent **names = NULL;
        int n = scandir(d.host, &names, NULL, alphasort);
        if (n < 0)
                return errno == ENOENT || errno == ENOTDIR ? 0
                                                           : rterr_errno(err, "read %s", d.host);
        int rc = 0;
        for (int i = 0; i < n; i++) {
                struct place p;
                struct stat st;
                char rel[4096];
                bool fits =
                    snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]->d_name) < (int)sizeof(rel) &&
                    place_set(&p, root_of(w), "", rel);
                if (rc == 0 && fits && want(names[i]->d_name) && stat(p.host, &st) == 0 &&
                    S_ISCHR(st.st_mode))
                        rc = add_node(h, &p, 'c', major(st.st_rdev), minor(st.st_rdev),
                                      st.st_mode & 07777, err);
                free(names[i]);
        }
        free(names);
        return rc;
}

static bool has_node(const struct gpu_host *h, const char *base)
{
        for (size_t i = 0; i < h->n_nodes; i++) {
                const char *b = strrchr(h->nodes[i].path, '/');
                if (strcmp(b ? b + 1 : h->nodes[i].path, base) == 0)
                        return true;
        }
        return false;
}

static bool has_gpu(const struct gpu_host *h)
{
        for (size_t i = 0; i < h->n_nodes; i++) {
                const char *b = strrchr(h->nodes[i].path, '/');
                b = b ? b + 1 : h->nodes[i].path;
                if (strncmp(b, "nvidia", 6) == 0 && b[6] >= '0' && b[6] <= '9')
                        return true;
        }
        return false;
}

/* nvidia-uvm's node appears only once something loads the module's user: take its dynamic
 * major from /proc/devices so CUDA can open it once the node exists on the host. */
static int add_uvm(struct gpu_host *h, const struct gpu_where *w, const char *proc,
                   struct rterr *err)
{
        int64_t major = devices_proc_major(proc, 'c', "nvidia-uvm");
        if (major < 0 || has_node(h, "nvidia-uvm"))
                return 0;
        char rel[4096];
        struct place p;
        snprintf(rel, sizeof(rel), "%s/nvidia-uvm", w->dev_dir);
        if (!place_set(&p, root_of(w), "", rel) || add_node(h, &p, 'c', major, 0, 0666, err) < 0)
                return -1;
        snprintf(rel, sizeof(rel), "%s/nvidia-uvm-tools", w->dev_dir);
        if (!place_set(&p, root_of(w), "", rel))
                return -1;
        return add_node(h, &p, 'c', major, 1, 0666, err);
}

static bool want_lib(const char *n)
{
        for (size_t i = 0; lib_prefixes[i]; i++)
                if (strncmp(n, lib_prefixes[i], strlen(lib_prefixes[i])) == 0)
                        return true;
        return false;
}

static bool is_dir(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Driver libraries in each directory (host_prefix + dirs[d], seen in the container at
 * ctr_prefix + dirs[d]), each real directory once (/lib may be /usr/lib). */
static int scan_libs(struct gpu_host *h, const char *host_prefix, const char *ctr_prefix,
                     const char *const *dirs, struct oci_strv *seen, struct rterr *err)
{
        int rc = 0;
        for (size_t d = 0; rc == 0 && dirs && dirs[d]; d++) {
                struct place dir;
                if (!place_set(&dir, host_prefix, ctr_prefix, dirs[d]))
                        continue;
                _cleanup_free_ char *real = realpath(dir.host, NULL);
                if (real == NULL || strv_has(seen, real))
                        continue;
                if ((rc = cdi_strv_push(seen, real, err)) < 0)
                        break;
                struct dirent **names = NULL;
                int n = scandir(dir.host, &names, NULL, alphasort);
                for (int i = 0; i < n; i++) {
                        char rel[4096];
                        struct place p;
                        struct stat st;
                        bool fits = snprintf(rel, sizeof(rel), "%s/%s", dirs[d], names[i]->d_name) <
                                        (int)sizeof(rel) &&
                                    place_set(&p, host_prefix, ctr_prefix, rel);
                        if (rc == 0 && fits && want_lib(names[i]->d_name) &&
                            stat(p.host, &st) == 0 && S_ISREG(st.st_mode))
                                rc = add_file(h, &p, err);
                        free(names[i]);
                }
                free(names);
        }
        return rc;
}

struct cache_walk {
        struct gpu_host *h;
        const char *host_prefix, *ctr_prefix;
};

static int cache_entry(const char *soname, const char *path, void *ctx, struct rterr *err)
{
        struct cache_walk *c = ctx;
        struct place p;
        struct stat st;
        if (!want_lib(soname) || path[0] != '/' ||
            !place_set(&p, c->host_prefix, c->ctr_prefix, path) || stat(p.host, &st) < 0 ||
            !S_ISREG(st.st_mode))
                return 0;
        return add_file(c->h, &p, err);
}

/* The loader's cache of a root: the driver libraries it names that exist. */
static int scan_ld_cache(struct gpu_host *h, const char *host_prefix, const char *ctr_prefix,
                         const char *cache, struct rterr *err)
{
        char file[4096];
        if (snprintf(file, sizeof(file), "%s%s", host_prefix, cache) >= (int)sizeof(file))
                return 0;
        struct cache_walk c = {h, host_prefix, ctr_prefix};
        return ldcache_each(file, cache_entry, &c, err);
}

/* Where a wrapper script execs: the absolute paths in its text whose last component is the
 * tool's name (e.g. `exec /usr/local/nvidia/bin/nvidia-smi "$@"`), each added with its own
 * wrappers followed (depth bounds a loop of scripts). */
static int follow_wrapper(struct gpu_host *h, const struct gpu_where *w, const struct place *p,
                          const char *tool, int depth, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct rterr ignored;
        if (depth > 4 || read_file_at(AT_FDCWD, p->host, &text, &len, &ignored) < 0 || len < 2 ||
            text[0] != '#' || text[1] != '!' || strlen(text) != len)
                return 0;
        static const char path_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789._-+/";
        for (char *s = strchr(text, '/'); s; s = strchr(s, '/')) {
                size_t n = strspn(s, path_chars);
                char save = s[n];
                s[n] = '\0';
                const char *base = strrchr(s, '/') + 1;
                struct place t;
                struct stat st;
                int rc = 0;
                if ((s == text || strchr(path_chars, s[-1]) == NULL) && strcmp(base, tool) == 0 &&
                    strcmp(s, p->ctr) != 0 && place_set(&t, root_of(w), "", s) &&
                    stat(t.host, &st) == 0 && S_ISREG(st.st_mode) && access(t.host, X_OK) == 0 &&
                    !strv_has(&h->targets, t.ctr)) {
                        rc = add_file(h, &t, err);
                        if (rc == 0)
                                rc = follow_wrapper(h, w, &t, tool, depth + 1, err);
                }
                s[n] = save;
                if (rc < 0)
                        return -1;
                s += n > 0 ? n : 1;
        }
        return 0;
}

/* Each tool in each directory; a wrapper script's target too. */
static int scan_tools(struct gpu_host *h, const struct gpu_where *w, const char *host_prefix,
                      const char *ctr_prefix, const char *const *dirs, struct rterr *err)
{
        for (size_t t = 0; tools[t]; t++)
                for (size_t d = 0; dirs && dirs[d]; d++) {
                        char rel[4096];
                        struct place p;
                        struct stat st;
                        if (snprintf(rel, sizeof(rel), "%s/%s", dirs[d], tools[t]) >=
                                (int)sizeof(rel) ||
                            !place_set(&p, host_prefix, ctr_prefix, rel) || stat(p.host, &st) < 0 ||
                            !S_ISREG(st.st_mode) || access(p.host, X_OK) < 0)
                                continue;
                        if (add_file(h, &p, err) < 0 ||
                            follow_wrapper(h, w, &p, tools[t], 0, err) < 0)
                                return -1;
                        break;
                }
        return 0;
}

/* The driver's version, from its libcuda.so.VERSION (e.g. 580.65.06); "" when not found. */
static void driver_version(const struct gpu_host *h, char *out, size_t size)
{
        out[0] = '\0';
        for (size_t i = 0; i < h->files.n; i++) {
                const char *b = strrchr(h->files.v[i], '/');
                b = b ? b + 1 : h->files.v[i];
                if (strncmp(b, "libcuda.so.", 11) == 0 && strchr(b + 11, '.') != NULL &&
                    strspn(b + 11, "0123456789.") == strlen(b + 11)) {
                        snprintf(out, size, "%s", b + 11);
                        return;
                }
        }
}

/* The GSP firmware the kernel module loads, under <firmware dir>/<version>/ (every version
 * when the version is unknown). */
static int scan_firmware(struct gpu_host *h, const char *host_prefix, const char *ctr_prefix,
                         const char *version, struct rterr *err)
{
        for (size_t d = 0; firmware_dirs[d]; d++) {
                struct place dir;
                if (!place_set(&dir, host_prefix, ctr_prefix, firmware_dirs[d]) ||
                    !is_dir(dir.host))
                        continue;
                struct dirent **vers = NULL;
                int nv = scandir(dir.host, &vers, NULL, alphasort);
                int rc = 0;
                for (int v = 0; v < nv; v++) {
                        const char *name = vers[v]->d_name;
                        char rel[4096];
                        struct place vd;
                        if (rc == 0 && name[0] != '.' &&
                            (version[0] == '\0' || strcmp(name, version) == 0) &&
                            snprintf(rel, sizeof(rel), "%s/%s", firmware_dirs[d], name) <
                                (int)sizeof(rel) &&
                            place_set(&vd, host_prefix, ctr_prefix, rel)) {
                                struct dirent **fw = NULL;
                                int nf = scandir(vd.host, &fw, NULL, alphasort);
                                for (int f = 0; f < nf; f++) {
                                        char frel[4096];
                                        struct place p;
                                        struct stat st;
                                        if (rc == 0 &&
                                            snprintf(frel, sizeof(frel), "%s/%s", rel,
                                                     fw[f]->d_name) < (int)sizeof(frel) &&
                                            place_set(&p, host_prefix, ctr_prefix, frel) &&
                                            stat(p.host, &st) == 0 && S_ISREG(st.st_mode))
                                                rc = add_file(h, &p, err);
                                        free(fw[f]);
                                }
                                free(fw);
                        }
                        free(vers[v]);
                }
                free(vers);
                if (rc < 0)
                        return -1;
        }
        return 0;
}

/* The driver's user-space files: the host's directories and loader cache, then each driver
 * root that exists. A root with its own usr/ is a whole system (a driver container's root):
 * its paths are the container's paths below it. Otherwise (/usr/local/nvidia with bin/ and
 * lib64/) its files keep their paths. */
static int scan_driver_files(struct gpu_host *h, const struct gpu_where *w, struct rterr *err)
{
        const char *root = root_of(w);
        struct oci_strv seen = {0};
        int rc = scan_libs(h, root, "", w->lib_dirs, &seen, err);
        if (rc == 0 && w->ld_cache)
                rc = scan_ld_cache(h, root, "", w->ld_cache, err);
        if (rc == 0)
                rc = scan_tools(h, w, root, "", w->bin_dirs, err);
        for (size_t r = 0; rc == 0 && w->driver_roots && w->driver_roots[r]; r++) {
                struct place dr, usr;
                if (!place_set(&dr, root, "", w->driver_roots[r]) || !is_dir(dr.host))
                        continue;
                bool whole = place_set(&usr, dr.host, "", "/usr") && is_dir(usr.host);
                const char *ctr_prefix = whole ? "" : w->driver_roots[r];
                rc = scan_libs(h, dr.host, ctr_prefix, root_lib_dirs, &seen, err);
                if (rc == 0)
                        rc = scan_ld_cache(h, dr.host, ctr_prefix, "/etc/ld.so.cache", err);
                if (rc == 0)
                        rc = scan_tools(h, w, dr.host, ctr_prefix, root_bin_dirs, err);
        }
        char version[64];
        driver_version(h, version, sizeof(version));
        if (rc == 0)
                rc = scan_firmware(h, root, "", version, err);
        for (size_t r = 0; rc == 0 && w->driver_roots && w->driver_roots[r]; r++) {
                struct place dr, usr;
                if (!place_set(&dr, root, "", w->driver_roots[r]) || !is_dir(dr.host))
                        continue;
                bool whole = place_set(&usr, dr.host, "", "/usr") && is_dir(usr.host);
                if (whole)
                        rc = scan_firmware(h, dr.host, "", version, err);
        }
        cdi_strv_free(&seen);
        return rc;
}

int gpu_discover(const struct gpu_where *w, struct gpu_host *out, struct rterr *err)
{
        memset(out, 0, sizeof(*out));
        _cleanup_free_ char *text = NULL;
        const char *proc = w->proc_devices;
        if (proc == NULL) {
                size_t len;
                if (read_file_at(AT_FDCWD, "/proc/devices", &text, &len, err) < 0)
                        return -1;
                proc = text;
        }
        char caps[4096], imex[4096];
        snprintf(caps, sizeof(caps), "%s/nvidia-caps", w->dev_dir);
        snprintf(imex, sizeof(imex), "%s/nvidia-caps-imex-channels", w->dev_dir);
        if (scan_nodes(out, w, w->dev_dir, is_gpu_node_name, err) < 0 ||
            scan_nodes(out, w, caps, is_cap_name, err) < 0 ||
            scan_nodes(out, w, imex, is_imex_channel_name, err) < 0)
                goto fail;
        if (!has_gpu(out)) {
                rterr_set(err, ENODEV,
                          "no NVIDIA GPU on this host: no %s%s/nvidia[0-9]* device node (driver "
                          "%s in /proc/devices)",
                          root_of(w), w->dev_dir,
                          devices_proc_major(proc, 'c', "nvidia-frontend") >= 0 ||
                                  devices_proc_major(proc, 'c', "nvidia") >= 0
                              ? "registered"
                              : "not registered");
                goto fail;
        }
        if (add_uvm(out, w, proc, err) < 0 || scan_driver_files(out, w, err) < 0)
                goto fail;
        return 0;
fail:
        gpu_host_free(out);
        return -1;
}
