/* rtnetlink through libmnl: what the container process does to its network namespace. */
#ifndef RTRUN_RUNTIME_NETLINK_H
#define RTRUN_RUNTIME_NETLINK_H

#include "common/err.h"

/* Sets the loopback device up (a new network namespace starts with it down). */
int netlink_lo_up(struct rterr *err);

#endif
