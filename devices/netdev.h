/* Inside devices/: the state-directory names netdev.c keeps, and the name check the tests use.
 * The operations are in devices/devices.h. */
#ifndef RTRUN_DEVICES_NETDEV_H
#define RTRUN_DEVICES_NETDEV_H

#include <stdbool.h>

#include "devices/devices.h"

#define NETDEV_RECORD "netdevices"
#define NETDEV_NETNS_PIN "netdevices.netns"

/* A valid interface name: 1..15 bytes, no '/', ':' or whitespace, not "." or "..". */
bool netdev_name_valid(const char *name);

#endif
