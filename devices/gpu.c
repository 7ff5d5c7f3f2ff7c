/* NVIDIA GPU discovery: device nodes (the frontend's fixed major 195, nvidia-uvm and
 * nvidia-caps from /proc/devices) and the driver's user-space files. */
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

static const char *const default_lib_dirs[] = {"/usr/lib/x86_64-linux-gnu", "/usr/lib64",
                                               "/usr/lib/aarch64-linux-gnu", "/usr/lib", NULL};
static const char *const default_bin_dirs[] = {"/usr/bin", "/usr/local/bin", NULL};

const struct gpu_where gpu_where_default = {
    .dev_dir = "/dev",
    .proc_devices = NULL,
    .lib_dirs = default_lib_dirs,
    .bin_dirs = default_bin_dirs,
};

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

void gpu_host_free(struct gpu_host *h)
{
        for (size_t i = 0; i < h->n_nodes; i++)
                free(h->nodes[i].path);
        free(h->nodes);
        cdi_strv_free(&h->files);
        memset(h, 0, sizeof(*h));
}

static int add_node(struct gpu_host *h, const char *path, char type, int64_t major, int64_t minor,
                    unsigned mode, struct rterr *err)
{
        struct gpu_node *v = realloc(h->nodes, (h->n_nodes + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "GPU node %s", path);
        h->nodes = v;
        v[h->n_nodes] = (struct gpu_node){strdup(path), type, major, minor, mode};
        if (v[h->n_nodes].path == NULL)
                return rterr_sys(err, ENOMEM, "GPU node %s", path);
        h->n_nodes++;
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

/* Adds the char device nodes of dir whose names pass `want`. */
static int scan_nodes(struct gpu_host *h, const char *dir, bool (*want)(const char *),
                      struct rterr *err)
{
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort);
        if (n < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "read %s", dir);
        int rc = 0;
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;
                bool fits = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) <
                            (int)sizeof(path);
                if (rc == 0 && fits && want(names[i]->d_name) && stat(path, &st) == 0 &&
                    S_ISCHR(st.st_mode))
                        rc = add_node(h, path, 'c', major(st.st_rdev), minor(st.st_rdev),
                                      st.st_mode & 07777, err);
                free(names[i]);
        }
        free(names);
        return rc;
}

static bool is_cap_name(const char *n)
{
        return strncmp(n, "nvidia-cap", 10) == 0;
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
                if (b[6] >= '0' && b[6] <= '9')
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
        char path[4096];
        snprintf(path, sizeof(path), "%s/nvidia-uvm", w->dev_dir);
        if (add_node(h, path, 'c', major, 0, 0666, err) < 0)
                return -1;
        snprintf(path, sizeof(path), "%s/nvidia-uvm-tools", w->dev_dir);
        return add_node(h, path, 'c', major, 1, 0666, err);
}

static bool want_lib(const char *n)
{
        for (size_t i = 0; lib_prefixes[i]; i++)
                if (strncmp(n, lib_prefixes[i], strlen(lib_prefixes[i])) == 0)
                        return true;
        return false;
}

static bool strv_has(const struct oci_strv *v, const char *s)
{
        for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->v[i], s) == 0)
                        return true;
        return false;
}

/* Driver libraries in each directory, each directory once (/lib may be /usr/lib). */
static int scan_libs(struct gpu_host *h, const char *const *dirs, struct rterr *err)
{
        struct oci_strv seen = {0};
        int rc = 0;
        for (size_t d = 0; rc == 0 && dirs && dirs[d]; d++) {
                _cleanup_free_ char *real = realpath(dirs[d], NULL);
                if (real == NULL || strv_has(&seen, real))
                        continue;
                if ((rc = cdi_strv_push(&seen, real, err)) < 0)
                        break;
                struct dirent **names = NULL;
                int n = scandir(dirs[d], &names, NULL, alphasort);
                for (int i = 0; i < n; i++) {
                        char path[4096];
                        struct stat st;
                        snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]->d_name);
                        if (rc == 0 && want_lib(names[i]->d_name) && stat(path, &st) == 0 &&
                            S_ISREG(st.st_mode))
                                rc = cdi_strv_push(&h->files, path, err);
                        free(names[i]);
                }
                free(names);
        }
        cdi_strv_free(&seen);
        return rc;
}

static int scan_tools(struct gpu_host *h, const char *const *dirs, struct rterr *err)
{
        for (size_t t = 0; tools[t]; t++)
                for (size_t d = 0; dirs && dirs[d]; d++) {
                        char path[4096];
                        snprintf(path, sizeof(path), "%s/%s", dirs[d], tools[t]);
                        if (access(path, X_OK) == 0) {
                                if (cdi_strv_push(&h->files, path, err) < 0)
                                        return -1;
                                break;
                        }
                }
        return 0;
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
        char caps[4096];
        snprintf(caps, sizeof(caps), "%s/nvidia-caps", w->dev_dir);
        if (scan_nodes(out, w->dev_dir, is_gpu_node_name, err) < 0 ||
            scan_nodes(out, caps, is_cap_name, err) < 0)
                goto fail;
        if (!has_gpu(out)) {
                rterr_set(err, ENODEV,
                          "no NVIDIA GPU on this host: no %s/nvidia[0-9]* device node (driver "
                          "%s in /proc/devices)",
                          w->dev_dir,
                          devices_proc_major(proc, 'c', "nvidia-frontend") >= 0 ||
                                  devices_proc_major(proc, 'c', "nvidia") >= 0
                              ? "registered"
                              : "not registered");
                goto fail;
        }
        if (add_uvm(out, w, proc, err) < 0 || scan_libs(out, w->lib_dirs, err) < 0 ||
            scan_tools(out, w->bin_dirs, err) < 0)
                goto fail;
        return 0;
fail:
        gpu_host_free(out);
        return -1;
}
