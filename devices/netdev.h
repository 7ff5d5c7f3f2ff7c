/* linux.netDevices (runtime-spec 1.3): host network devices moved into the container's
 * network namespace at create (renamed when `name` is given, permanent addresses and the up
 * state kept) and moved back under their host names at delete. What was moved is recorded in
 * the state directory, and the container's network namespace is pinned there (a bind mount of
 * its nsfs file) so delete can return the devices even after the container's processes died:
 * without the pin the kernel would move physical devices back by itself but destroy veths. */
#ifndef RTRUN_RUNTIME_NETDEV_H
#define RTRUN_RUNTIME_NETDEV_H

#include <sys/types.h>

#include "common/err.h"
#include "oci/oci.h"

#define NETDEV_RECORD "netdevices"
#define NETDEV_NETNS_PIN "netdevices.netns"

/* After the container's network namespace exists (pid is in it), before start. On failure the
 * devices already moved are moved back; errors name the device. No-op without netDevices. */
int netdev_move_in(const struct oci_spec *spec, pid_t pid, const char *state_dir,
                   struct rterr *err);

/* At delete, before the container's processes are killed: every recorded device back to the
 * caller's network namespace under its host name, then the record and pin removed. No-op
 * when nothing is recorded. */
int netdev_return(const char *state_dir, struct rterr *err);

/* A valid interface name: 1..15 bytes, no '/', ':' or whitespace, not "." or "..". */
bool netdev_name_valid(const char *name);

#endif
