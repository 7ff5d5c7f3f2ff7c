/* linux.netDevices: moving host network devices into the container and back. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/netdev.h"
#include "devices/netdev_nl.h"

bool netdev_name_valid(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
                        return false;
        return true;
}

static const char *target_name(const struct oci_net_device *d)
{
        return d->name && d->name[0] ? d->name : d->host_name;
}

static int check(const struct oci_spec *spec, struct rterr *err)
{
        if (oci_namespace_get(spec, OCI_NS_NETWORK) == NULL)
                return rterr_set(err, EINVAL,
                                 "config.json: linux.netDevices: needs a network namespace "
                                 "(linux.namespaces has no \"network\" entry)");
        for (size_t i = 0; i < spec->linux_.n_net_devices; i++) {
                const struct oci_net_device *d = &spec->linux_.net_devices[i];
                if (!netdev_name_valid(d->host_name))
                        return rterr_set(err, EINVAL,
                                         "config.json: linux.netDevices[\"%s\"]: not a valid "
                                         "interface name",
                                         d->host_name);
                if (!netdev_name_valid(target_name(d)))
                        return rterr_set(err, EINVAL,
                                         "config.json: linux.netDevices[\"%s\"].name: \"%s\" is "
                                         "not a valid interface name",
                                         d->host_name, target_name(d));
                for (size_t j = 0; j < i; j++)
                        if (strcmp(target_name(&spec->linux_.net_devices[j]), target_name(d)) == 0)
                                return rterr_set(err, EINVAL,
                                                 "config.json: linux.netDevices[\"%s\"].name: "
                                                 "\"%s\" is used twice",
                                                 d->host_name, target_name(d));
        }
        return 0;
}

/* Keeps the namespace alive past the container's processes: a bind mount of its nsfs file. */
static int pin_netns(int dirfd, const char *state_dir, int nsfd, struct rterr *err)
{
        _cleanup_close_ int f =
            openat(dirfd, NETDEV_NETNS_PIN, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (f < 0)
                return rterr_errno(err, "create %s/%s", state_dir, NETDEV_NETNS_PIN);
        char src[64], dst[4096];
        snprintf(src, sizeof(src), "/proc/self/fd/%d", nsfd);
        snprintf(dst, sizeof(dst), "%s/%s", state_dir, NETDEV_NETNS_PIN);
        if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
                return rterr_errno(err, "pin the container's network namespace at %s", dst);
        return 0;
}

static void unpin_netns(int dirfd, const char *state_dir)
{
        char dst[4096];
        snprintf(dst, sizeof(dst), "%s/%s", state_dir, NETDEV_NETNS_PIN);
        umount2(dst, MNT_DETACH);
        unlinkat(dirfd, NETDEV_NETNS_PIN, 0);
}

static int record_add(int dirfd, char **record, const char *host, const char *ct, struct rterr *err)
{
        char *next = NULL;
        if (asprintf(&next, "%s%s %s\n", *record ? *record : "", host, ct) < 0)
                return rterr_sys(err, ENOMEM, "record %s", host);
        free(*record);
        *record = next;
        return write_file_atomic_at(dirfd, NETDEV_RECORD, next, strlen(next), 0600, err);
}

static int move_one(struct nl_sock *from, struct nl_sock *to, int to_nsfd, const char *name,
                    const char *new_name, struct rterr *err)
{
        struct nl_link l;
        if (nl_link_get(from, name, &l, err) < 0)
                return -1;
        int rc = nl_link_move(from, l.index, to_nsfd, new_name, err);
        if (rc < 0)
                rterr_wrap(err, "network device %s", name);
        else
                rc = nl_link_restore(to, new_name, &l, err);
        nl_link_free(&l);
        return rc;
}

static int move_all_in(const struct oci_spec *spec, int dirfd, int nsfd, char **record,
                       struct rterr *err)
{
        struct nl_sock *host = NULL, *ct = NULL;
        int rc = nl_open(-1, &host, err);
        if (rc == 0)
                rc = nl_open(nsfd, &ct, err);
        for (size_t i = 0; rc == 0 && i < spec->linux_.n_net_devices; i++) {
                const struct oci_net_device *d = &spec->linux_.net_devices[i];
                if (move_one(host, ct, nsfd, d->host_name, target_name(d), err) < 0) {
                        rc = rterr_wrap(err, "config.json: linux.netDevices[\"%s\"]", d->host_name);
                        break;
                }
                rc = record_add(dirfd, record, d->host_name, target_name(d), err);
        }
        nl_close(ct);
        nl_close(host);
        return rc;
}

int netdev_move_in(const struct oci_spec *spec, pid_t pid, const char *state_dir, struct rterr *err)
{
        if (spec->linux_.n_net_devices == 0)
                return 0;
        if (check(spec, err) < 0)
                return -1;
        _cleanup_close_ int dirfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return rterr_errno(err, "open %s", state_dir);
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        _cleanup_close_ int nsfd = open(path, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0)
                return rterr_errno(err, "open %s", path);
        if (pin_netns(dirfd, state_dir, nsfd, err) < 0) {
                unlinkat(dirfd, NETDEV_NETNS_PIN, 0);
                return -1;
        }
        _cleanup_free_ char *record = NULL;
        if (move_all_in(spec, dirfd, nsfd, &record, err) < 0) {
                netdev_return(state_dir, NULL); /* undo what was moved; err keeps the cause */
                return -1;
        }
        return 0;
}

static int return_all(int dirfd, const char *record, struct rterr *err)
{
        _cleanup_close_ int nsfd = openat(dirfd, NETDEV_NETNS_PIN, O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (nsfd < 0 || self < 0)
                return rterr_errno(err, "open the container's pinned network namespace");
        struct nl_sock *host = NULL, *ct = NULL;
        int rc = nl_open(-1, &host, err);
        if (rc == 0)
                rc = nl_open(nsfd, &ct, err);
        int first = rc;
        for (const char *l = record; rc == 0 && l && *l;) {
                char hname[64], cname[64];
                if (sscanf(l, "%63s %63s", hname, cname) == 2) {
                        struct rterr e1 = {0};
                        if (move_one(ct, host, self, cname, hname, &e1) < 0 && first == 0) {
                                first = -1;
                                if (err)
                                        *err = e1;
                                rterr_wrap(err, "return network device %s to the host as %s", cname,
                                           hname);
                        }
                }
                l = strchr(l, '\n');
                l = l ? l + 1 : NULL;
        }
        nl_close(ct);
        nl_close(host);
        return first;
}

int netdev_return(const char *state_dir, struct rterr *err)
{
        _cleanup_close_ int dirfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", state_dir);
        _cleanup_free_ char *record = NULL;
        size_t len;
        struct rterr rerr = {0};
        int rc = 0;
        if (read_file_at(dirfd, NETDEV_RECORD, &record, &len, &rerr) == 0)
                rc = return_all(dirfd, record, err);
        else if (rerr.code != ENOENT)
                rc = rterr_set(err, rerr.code, "%s", rerr.msg);
        /* Best effort either way: a device that could not come back stays in the namespace,
         * whose end returns physical devices to the host (and destroys virtual ones). */
        unlinkat(dirfd, NETDEV_RECORD, 0);
        unpin_netns(dirfd, state_dir);
        return rc;
}
