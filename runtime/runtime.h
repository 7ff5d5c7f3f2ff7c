/* runtime/'s public interface: the one header cli/ (and anything else above runtime/) includes.
 * Each part is declared in a header of its own, named for its concept; those are public only
 * through this one. Every other header in runtime/ (setup.h, mounts.h, namespaces.h, init.h,
 * ...) is internal: scripts/check-layout.sh refuses it outside runtime/ except in white-box
 * unit tests. */
#ifndef RTRUN_RUNTIME_RUNTIME_H
#define RTRUN_RUNTIME_RUNTIME_H

#include "runtime/context.h"   /* struct runtime_ctx: what every operation takes */
#include "runtime/log.h"       /* log_msg, log_fail, the warning sink */
#include "runtime/container.h" /* a container's state directory: load, lock, free */
#include "runtime/state_dir.h" /* create, save, peek, status, remove */
#include "runtime/launch.h"    /* create, start, destroy */
#include "runtime/exec.h"      /* an additional process in a running container */
#include "runtime/forward.h"   /* the foreground of run and exec */
#include "runtime/admission.h" /* reservations around the lifecycle */
#include "runtime/selfclone.h" /* CVE-2019-5736: run from a sealed copy */
#include "runtime/criu.h"      /* checkpoint and restore with CRIU */

#endif
