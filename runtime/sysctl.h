/* Which kernel namespace a sysctl belongs to: only namespaced ones may be set. */
#ifndef RTRUN_RUNTIME_SYSCTL_H
#define RTRUN_RUNTIME_SYSCTL_H

#include "oci/oci.h"

enum sysctl_scope {
        SYSCTL_SCOPE_NONE, /* global: never settable from a container */
        SYSCTL_SCOPE_NET,
        SYSCTL_SCOPE_IPC,
        SYSCTL_SCOPE_UTS,
};

enum sysctl_scope sysctl_scope_of(const char *name);

#endif
