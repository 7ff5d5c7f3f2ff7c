/* Devices: what a container gets from the host's devices and how.
 *
 * - Device nodes and the /dev links every container gets (devices.c), made inside the new
 *   rootfs.
 * - linux.devices completed from the host and CDI edits applied at create (devices_resolve.c,
 *   cdi*.c: the internal headers devices_resolve.h and cdi.h say more).
 * - `rtrun spec --gpu` and `rtrun cdi generate` (gpu*.c, ldcache.c).
 * - linux.netDevices moved into and out of the container's network namespace (netdev*.c), and
 *   the loopback device set up (netlink.c).
 *
 * This is the folder's public header: runtime/ and cli/ include nothing else from devices/. */
#ifndef RTRUN_DEVICES_DEVICES_H
#define RTRUN_DEVICES_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"
#include "oci/oci.h"

/* ---- device nodes (devices.c) ---- */

/* Creates the default devices (null, zero, full, random, urandom, tty) that linux.devices does
 * not override, then linux.devices: mknod, or a bind mount of the host's node when `bind` is
 * set (a user namespace) or mknod is refused. */
int devices_create(int root_fd, const struct oci_spec *spec, bool bind, struct rterr *err);

/* /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/core, and /dev/ptmx -> pts/ptmx. */
int devices_links(int root_fd, struct rterr *err);

/* ---- the config at create (devices_resolve.c, cdi*.c) ---- */

/* CDI edits, then linux.devices completed from the host, and when that changed the config,
 * *text (the config.json the state directory keeps) rewritten to match, so start, exec and
 * delete see the CDI env, hooks (poststart, poststop) and the resolved devices too. Returns the
 * number of changes (0: untouched), or -1. */
int devices_prepare_config(char **text, size_t *len, struct oci_spec *spec, struct rterr *err);

/* rtrun's device capabilities for the features document (org.rtrun.cdi, ...), appended. */
int devices_features(struct oci_kvs *out, struct rterr *err);

/* When err is a hook failure ("hooks.<kind>[i] ...") of a hook CDI added, appends the device
 * and spec file it came from. Returns -1, for `return cdi_hook_blame(...)`. */
int cdi_hook_blame(const struct oci_kvs *annotations, struct rterr *err);

/* ---- GPUs (gpu.c, gpu_spec.c) ---- */

/* `rtrun spec --gpu` on the template text: this host's NVIDIA device nodes (linux.devices with
 * allow rules) and driver files (read-only bind mounts) added. */
int gpu_spec_json(const char *json, char **out, size_t *out_len, struct rterr *err);

/* `rtrun cdi generate`: a CDI spec (kind nvidia.com/gpu) for the GPUs of the system under
 * host_root (NULL: this host), whose driver files are also looked for in driver_roots
 * (NULL-terminated; NULL: /run/nvidia/driver and /usr/local/nvidia), as JSON or YAML text.
 * Fails with "no NVIDIA GPU ..." when there is no /dev/nvidiaN node. */
int gpu_cdi_generate(const char *host_root, const char *const *driver_roots, bool yaml, char **out,
                     size_t *out_len, struct rterr *err);

/* ---- network devices (netdev.c, netdev_nl.c, netlink.c) ---- */

/* linux.netDevices (runtime-spec 1.3): host network devices moved into the container's
 * network namespace at create (renamed when `name` is given, permanent addresses and the up
 * state kept) and moved back under their host names at delete. What was moved is recorded in
 * the state directory, and the container's network namespace is pinned there (a bind mount of
 * its nsfs file) so delete can return the devices even after the container's processes died:
 * without the pin the kernel would move physical devices back by itself but destroy veths. */

/* After the container's network namespace exists (pid is in it), before start. On failure the
 * devices already moved are moved back; errors name the device. No-op without netDevices. */
int netdev_move_in(const struct oci_spec *spec, pid_t pid, const char *state_dir,
                   struct rterr *err);

/* At delete, before the container's processes are killed: every recorded device back to the
 * caller's network namespace under its host name, then the record and pin removed. No-op
 * when nothing is recorded. */
int netdev_return(const char *state_dir, struct rterr *err);

/* In the container process: sets the loopback device up (a new network namespace starts with
 * it down). */
int netlink_lo_up(struct rterr *err);

#endif
