/* OCI hooks: each runs with the container state as JSON on stdin, its timeout enforced. */
#ifndef RTRUN_RUNTIME_HOOKS_H
#define RTRUN_RUNTIME_HOOKS_H

#include "common/common.h"
#include "oci/oci.h"
#include "runtime/context.h"
#include "runtime/container.h"

/* Runs every hook of the list in order; the first failure (exit status, signal, timeout)
 * stops and fails. `kind` names the list in errors ("prestart"). */
int hooks_run(const struct oci_hook_list *hooks, const char *kind, const char *state_json,
              struct rterr *err);

/* hooks_run with the state of c in `status`; a no-op for an empty list. */
int hooks_run_state(const struct oci_hook_list *hooks, const char *kind, const struct container *c,
                    enum oci_status status, struct rterr *err);

/* poststart and poststop: a failure is only a warning and the remaining hooks still run. */
void hooks_run_warn(const struct runtime_ctx *g, const struct oci_hook_list *hooks,
                    const char *kind, const struct container *c, enum oci_status status);

/* hooks_run_state with each hook under filter (installed in the hook's process before its
 * execve; NULL: none): startContainer hooks run with the container's seccomp filter. */
struct seccomp_prog;
int hooks_run_filtered(const struct oci_hook_list *hooks, const char *kind,
                       const struct container *c, enum oci_status status,
                       const struct seccomp_prog *filter, struct rterr *err);

#endif
