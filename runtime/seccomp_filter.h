/* Translation of linux.seccomp into a libseccomp filter, built in memory (not loaded). */
#ifndef RTRUN_RUNTIME_SECCOMP_FILTER_H
#define RTRUN_RUNTIME_SECCOMP_FILTER_H

#include <seccomp.h>
#include <stdint.h>

#include "common/common.h"
#include "oci/oci.h"

/* The libseccomp action for a spec action; errno_ret applies to ERRNO and TRACE. */
uint32_t seccomp_action(enum oci_seccomp_action a, const oci_opt_u64 *errno_ret);

/* SCMP_ARCH_* value of "SCMP_ARCH_X86_64"; 0 when the name is unknown. */
uint32_t seccomp_arch(const char *name);

/* A filter for the spec: default action, architectures, flags, every rule. Names libseccomp
 * does not know on any of the architectures are skipped, as runc does. */
int seccomp_build(const struct oci_seccomp *s, scmp_filter_ctx *out, struct rterr *err);

#endif
