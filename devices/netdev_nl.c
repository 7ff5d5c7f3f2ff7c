/* rtnetlink over libmnl for moving network devices between namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/netdev_nl.h"

struct nl_sock {
        struct mnl_socket *nl;
        unsigned int portid;
        unsigned int seq;
};

void nl_close(struct nl_sock *s)
{
        if (s == NULL)
                return;
        if (s->nl)
                mnl_socket_close(s->nl);
        free(s);
}

/* A netlink socket belongs to the namespace it was created in, so enter the target only for
 * the socket() call (rtrun is single-threaded here) and come back. */
int nl_open(int netns_fd, struct nl_sock **out, struct rterr *err)
{
        _cleanup_close_ int self = -1;
        if (netns_fd >= 0) {
                if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
                        return rterr_errno(err, "open /proc/self/ns/net");
                if (setns(netns_fd, CLONE_NEWNET) < 0)
                        return rterr_errno(err, "setns into the container's network namespace");
        }
        struct nl_sock *s = calloc(1, sizeof(*s));
        int saved = 0;
        if (s == NULL)
                saved = ENOMEM;
        else if ((s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL ||
                 mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
                saved = errno;
        if (self >= 0 && setns(self, CLONE_NEWNET) < 0)
                abort(); /* continuing in the wrong network namespace would be worse */
        if (saved) {
                nl_close(s);
                return rterr_sys(err, saved, "open rtnetlink socket");
        }
        s->portid = mnl_socket_get_portid(s->nl);
        s->seq = (unsigned int)time(NULL);
        *out = s;
        return 0;
}

/* Sends nlh and runs cb over every reply until the ACK/DONE; returns 0 or -errno. */
static int transact(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        nlh->nlmsg_seq = ++s->seq;
        if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                int rc = mnl_cb_run(buf, (size_t)n, s->seq, s->portid, cb, data);
                if (rc < 0)
                        return -errno;
                if (rc == MNL_CB_STOP)
                        return 0;
        }
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
        struct nl_link *l = data;
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        l->index = ifi->ifi_index;
        l->up = (ifi->ifi_flags & IFF_UP) != 0;
        return MNL_CB_OK;
}

struct addr_ctx {
        struct nl_link *link;
        int failed;
};

static int addr_attr_cb(const struct nlattr *a, void *data)
{
        struct nl_addr *x = data;
        size_t len = mnl_attr_get_payload_len(a);
        if (len > sizeof(x->local))
                return MNL_CB_OK;
        if (mnl_attr_get_type(a) == IFA_LOCAL) {
                memcpy(x->local, mnl_attr_get_payload(a), len);
                x->has_local = true;
        } else if (mnl_attr_get_type(a) == IFA_ADDRESS) {
                memcpy(x->address, mnl_attr_get_payload(a), len);
        }
        return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
        struct addr_ctx *c = data;
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        if ((int)ifa->ifa_index != c->link->index || !(ifa->ifa_flags & IFA_F_PERMANENT) ||
            (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
                return MNL_CB_OK;
        struct nl_addr *v = realloc(c->link->addrs, (c->link->n_addrs + 1) * sizeof(*v));
        if (v == NULL) {
                c->failed = ENOMEM;
                return MNL_CB_OK;
        }
        c->link->addrs = v;
        struct nl_addr *x = &v[c->link->n_addrs++];
        memset(x, 0, sizeof(*x));
        x->family = ifa->ifa_family;
        x->prefixlen = ifa->ifa_prefixlen;
        mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, x);
        return MNL_CB_OK;
}

void nl_link_free(struct nl_link *l)
{
        free(l->addrs);
        memset(l, 0, sizeof(*l));
}

int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *out, struct rterr *err)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        memset(out, 0, sizeof(*out));
        int rc = transact(s, nlh, link_cb, out);
        if (rc == 0 && out->index == 0)
                rc = -ENODEV;
        if (rc < 0)
                return rterr_sys(err, -rc, "network device %s", name);

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_UNSPEC;
        struct addr_ctx c = {.link = out};
        rc = transact(s, nlh, addr_cb, &c);
        if (rc == 0 && c.failed)
                rc = -c.failed;
        if (rc < 0) {
                nl_link_free(out);
                return rterr_sys(err, -rc, "network device %s: read its addresses", name);
        }
        return 0;
}

int nl_link_move(struct nl_sock *s, int index, int netns_fd, const char *new_name,
                 struct rterr *err)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
        /* With a namespace change, IFLA_IFNAME is the name in the target namespace
         * (do_setlink passes it to __dev_change_net_namespace): move and rename are atomic. */
        mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
        int rc = transact(s, nlh, NULL, NULL);
        if (rc < 0)
                return rterr_sys(err, -rc, "move as %s", new_name);
        return 0;
}

static int link_up(struct nl_sock *s, int index)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        return transact(s, nlh, NULL, NULL);
}

static int addr_add(struct nl_sock *s, int index, const struct nl_addr *a)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        size_t alen = a->family == AF_INET ? 4 : 16;
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = a->family;
        ifa->ifa_prefixlen = a->prefixlen;
        ifa->ifa_index = (unsigned)index;
        ifa->ifa_flags = IFA_F_PERMANENT;
        mnl_attr_put(nlh, IFA_LOCAL, alen, a->has_local ? a->local : a->address);
        mnl_attr_put(nlh, IFA_ADDRESS, alen, a->address);
        return transact(s, nlh, NULL, NULL);
}

int nl_link_restore(struct nl_sock *s, const char *name, const struct nl_link *was,
                    struct rterr *err)
{
        struct nl_link now;
        if (nl_link_get(s, name, &now, err) < 0)
                return -1;
        int index = now.index;
        nl_link_free(&now);
        for (size_t i = 0; i < was->n_addrs; i++) {
                int rc = addr_add(s, index, &was->addrs[i]);
                if (rc < 0)
                        return rterr_sys(err, -rc, "network device %s: restore address %zu", name,
                                         i);
        }
        int rc = was->up ? link_up(s, index) : 0;
        if (rc < 0)
                return rterr_sys(err, -rc, "network device %s: set up", name);
        return 0;
}
