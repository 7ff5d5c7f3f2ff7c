/* Bringing `lo` up with one RTM_NEWLINK request and its ack. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <time.h>
#include <unistd.h>

#include "devices/devices.h"

static void socket_closep(struct mnl_socket **nl)
{
        if (*nl)
                mnl_socket_close(*nl);
}

int netlink_lo_up(struct rterr *err)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        __attribute__((cleanup(socket_closep))) struct mnl_socket *nl =
            mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (nl == NULL)
                return rterr_errno(err, "bring up lo: netlink socket");
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return rterr_errno(err, "bring up lo: netlink bind");
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        unsigned int seq = (unsigned int)time(NULL);
        nlh->nlmsg_seq = seq;
        struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_change = IFF_UP;
        ifm->ifi_flags = IFF_UP;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return rterr_errno(err, "bring up lo: netlink send");
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0)
                return rterr_errno(err, "bring up lo: netlink receive");
        if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
                return rterr_errno(err, "bring up lo");
        return 0;
}
