/* The rtnetlink requests linux.netDevices needs, over libmnl: look a link up by name, read its
 * permanent addresses, move it to another network namespace (renamed in the same request),
 * bring it up and add addresses back. One socket is bound to one network namespace. */
#ifndef RTRUN_DEVICES_NETDEV_NL_H
#define RTRUN_DEVICES_NETDEV_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

struct nl_sock;

/* A NETLINK_ROUTE socket in the network namespace netns_fd (-1: the caller's own). */
int nl_open(int netns_fd, struct nl_sock **out, struct rterr *err);
void nl_close(struct nl_sock *s);

struct nl_addr {
        uint8_t family;
        uint8_t prefixlen;
        uint8_t local[16];
        uint8_t address[16];
        bool has_local;
};

struct nl_link {
        int index;
        bool up;
        struct nl_addr *addrs; /* permanent IPv4/IPv6 addresses */
        size_t n_addrs;
};

/* Errors: "network device NAME: ..." */
int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *out, struct rterr *err);
void nl_link_free(struct nl_link *l);
/* Moves link `index` into netns_fd, named new_name there. */
int nl_link_move(struct nl_sock *s, int index, int netns_fd, const char *new_name,
                 struct rterr *err);
/* Restores a moved link's state in the socket's namespace: addresses, then up if it was. */
int nl_link_restore(struct nl_sock *s, const char *name, const struct nl_link *was,
                    struct rterr *err);

#endif
