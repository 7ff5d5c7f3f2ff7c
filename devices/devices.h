/* Device nodes and the /dev links every container gets. */
#ifndef RTRUN_RUNTIME_DEVICES_H
#define RTRUN_RUNTIME_DEVICES_H

#include <stdbool.h>

#include "common/err.h"
#include "oci/oci.h"

/* Whether the runtime populates /dev: not when the spec bind-mounts /dev from elsewhere. */
bool devices_setup_needed(const struct oci_spec *spec);

/* Creates the default devices (null, zero, full, random, urandom, tty) that linux.devices does
 * not override, then linux.devices: mknod, or a bind mount of the host's node when `bind` is
 * set (a user namespace) or mknod is refused. */
int devices_create(int root_fd, const struct oci_spec *spec, bool bind, struct rterr *err);

/* /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/core, and /dev/ptmx -> pts/ptmx. */
int devices_links(int root_fd, struct rterr *err);

#endif
