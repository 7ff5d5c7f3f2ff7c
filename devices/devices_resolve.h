/* linux.devices normalised before the container is created: nodes given without numbers get
 * them from the host (stat, or /proc/devices for dynamic majors such as nvidia-uvm and
 * nvidia-caps) and an allow rule in linux.resources.devices, so the device cgroup (v1 list or v2
 * eBPF program) lets exactly those nodes through. Complete entries keep runc's semantics: they
 * are allowed only by the config's own rules (engines add both, as CDI does here).
 * The nodes themselves are made inside the container by devices/devices.c. */
#ifndef RTRUN_DEVICES_DEVICES_RESOLVE_H
#define RTRUN_DEVICES_DEVICES_RESOLVE_H

#include <stdint.h>

#include "common/common.h"
#include "devices/devices.h"
#include "oci/oci.h"

/* Fills what d lacks (type, major, minor, and fileMode) from the host node at host_path;
 * when that node is absent, from /proc/devices (proc_devices: its text, NULL to read it) for
 * the known dynamic-major nodes. Errors name host_path. */
int devices_fill_from_host(struct oci_device *d, const char *host_path, const char *proc_devices,
                           struct rterr *err);

/* The major registered under `name` for char (type 'c') or block ('b') devices in the text of
 * /proc/devices, or -1. */
int64_t devices_proc_major(const char *proc_devices, char type, const char *name);

/* Appends {allow, type, major, minor, access} unless an exact allow rule for the node exists.
 * Returns 1 when appended, 0 when not needed, -1 on error. */
int devices_allow_rule_add(struct oci_spec *spec, char type, int64_t major, int64_t minor,
                           const char *access, struct rterr *err);

/* Completes linux.devices entries without numbers and adds their allow rules. Returns the number of
 * changes made (0: the config is untouched), or -1. */
int devices_resolve(struct oci_spec *spec, struct rterr *err);

/* The create-time step (devices_config.c), right after config.json is loaded: CDI edits, then
 * devices_resolve.
 * Returns the number of changes (0: untouched), or -1. */
int devices_prepare_spec(struct oci_spec *spec, struct rterr *err);

#endif
