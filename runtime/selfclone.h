/* CVE-2019-5736: the commands that enter a container run from a sealed in-memory copy of rtrun,
 * so that a process in the container that reaches rtrun through /proc/PID/exe finds a file it
 * cannot write, never the binary on the host. */
#ifndef RTRUN_RUNTIME_SELFCLONE_H
#define RTRUN_RUNTIME_SELFCLONE_H

#include "common/common.h"

/* Returns 0 when this process already runs from the sealed copy. Otherwise copies
 * /proc/self/exe into a memfd, seals it against any write, and re-executes it with argv (which
 * must be NULL-terminated) and the same environment: it returns only on failure. */
int selfclone_ensure(char **argv, struct rterr *err);

#endif
