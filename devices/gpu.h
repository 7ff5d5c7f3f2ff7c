/* `rtrun spec --gpu`: what a CUDA program needs from this host, found in /dev/nvidia*,
 * /proc/devices and the driver's user-space files, written into the default config. */
#ifndef RTRUN_DEVICES_GPU_H
#define RTRUN_DEVICES_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "devices/devices.h"
#include "oci/oci.h"

struct gpu_node {
        char *path; /* on the host (under gpu_where.host_root) */
        char *ctr;  /* in the container */
        char type;
        int64_t major, minor;
        unsigned mode;
};

struct gpu_host {
        struct gpu_node *nodes;
        size_t n_nodes;
        struct oci_strv files;   /* driver libraries, tools, firmware: paths on the host */
        struct oci_strv targets; /* files[i]'s path in the container (bind-mounted read-only) */
};

/* Where discovery looks; gpu_host_default() gives this host's. */
struct gpu_where {
        const char *dev_dir;      /* "/dev" */
        const char *proc_devices; /* text of /proc/devices, NULL to read it */
        const char *const *lib_dirs;
        const char *const *bin_dirs;
        /* Zero in the unit tests' initialisers: */
        const char *host_root; /* NULL or "/": the host itself; else every path is under it and
                                  the container paths are the paths below it */
        const char *ld_cache;  /* the loader's cache, e.g. "/etc/ld.so.cache", or NULL */
        /* Where drivers installed outside /usr keep their files (/usr/local/nvidia with bin/
         * and lib64/, or a driver container's whole root under /run/nvidia/driver, whose own
         * etc/ld.so.cache is read and whose paths are the container's paths below it). */
        const char *const *driver_roots;
};
extern const struct gpu_where gpu_where_default;

/* Fails with "no NVIDIA GPU ..." when there is no /dev/nvidiaN node. */
int gpu_discover(const struct gpu_where *w, struct gpu_host *out, struct rterr *err);
void gpu_host_free(struct gpu_host *h);

/* Adds the host's devices (linux.devices, with allow rules) and driver files (read-only bind
 * mounts) to a config.json text, e.g. the one oci_spec_template() wrote. */
int gpu_spec_rewrite(const struct gpu_host *h, const char *json, char **out, size_t *out_len,
                     struct rterr *err);

/* The host's GPUs as a CDI spec tree (kind nvidia.com/gpu: devices "0".., "all" and
 * "imex-channel-N"; the control nodes and driver files in the spec-wide edits), to write with
 * cdi_node_to_json / cdi_node_to_yaml. */
struct cdi_node;
int gpu_cdi_spec(const struct gpu_host *h, struct cdi_node **out, struct rterr *err);

#endif
