/* common/'s public interface: the one header every other folder includes from common/. Each
 * part is declared in a header of its own, named for its concept; those are public only
 * through this one (scripts/check-layout.sh refuses them outside common/). */
#ifndef RTRUN_COMMON_COMMON_H
#define RTRUN_COMMON_COMMON_H

#include "common/err.h"          /* struct rterr, the one error value; struct rtwarn */
#include "common/cleanup.h"      /* scope-bound free/close (__attribute__((cleanup))) */
#include "common/fileio.h"       /* whole-file reads and atomic writes */
#include "common/pathres.h"      /* openat2(RESOLVE_IN_ROOT) under a container's rootfs */
#include "common/json.h"         /* the one JSON writer and reader */
#include "common/cpumask.h"      /* the one CPU-set type and parser */
#include "common/sched_policy.h" /* scheduling policy names and numbers */

#endif
