/* Terminals: a pty created inside the container whose master goes to the --console-socket
 * (one fd with SCM_RIGHTS). */
#ifndef RTRUN_RUNTIME_CONSOLE_H
#define RTRUN_RUNTIME_CONSOLE_H

#include "common/common.h"
#include "oci/oci.h"

/* Connects to the unix socket at path (in the host, before the container changes root). */
int console_connect(const char *path, int *fd, struct rterr *err);

/* In the container process: opens a pty from /dev/ptmx, sends the master over sock, makes the
 * slave the controlling terminal and stdio (owned by the process user, sized by consoleSize). */
int console_setup(int sock, const struct oci_process *p, struct rterr *err);

/* Receives one fd sent with SCM_RIGHTS. */
int console_recv_fd(int sock, int *fd, struct rterr *err);

#endif
