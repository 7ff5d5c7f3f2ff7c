/* cgroup v2 device control: load the filter built from the rules with bpf(2) and attach it to
 * the container's cgroup with BPF_F_ALLOW_MULTI, then detach the programs it replaces, so the
 * cgroup is never without a filter during an update. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

#define MAX_OLD_PROGS 64

static int sys_bpf(int cmd, union bpf_attr *attr)
{
        return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct bpf_insn *insns, size_t n, struct rterr *err)
{
        static const char license[] = "Apache-2.0";
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        a.insns = (uintptr_t)insns;
        a.insn_cnt = (__u32)n;
        a.license = (uintptr_t)license;
        int fd = sys_bpf(BPF_PROG_LOAD, &a);
        if (fd >= 0)
                return fd;
        int saved = errno;
        /* Again with the verifier's log, for the error message. */
        char log[4096] = "";
        a.log_buf = (uintptr_t)log;
        a.log_size = sizeof(log);
        a.log_level = 1;
        fd = sys_bpf(BPF_PROG_LOAD, &a);
        if (fd >= 0)
                return fd;
        log[sizeof(log) - 1] = '\0';
        return rterr_sys(err, saved, "load the device filter (%zu instructions)%s%.300s", n,
                         log[0] ? ": verifier: " : "", log);
}

static int query(int cgfd, __u32 *ids, __u32 *n, struct rterr *err, const char *path)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.query.target_fd = (__u32)cgfd;
        a.query.attach_type = BPF_CGROUP_DEVICE;
        a.query.prog_ids = (uintptr_t)ids;
        a.query.prog_cnt = *n;
        if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
                return rterr_errno(err, "query the device filters of %s", path);
        *n = a.query.prog_cnt;
        return 0;
}

static int detach_id(int cgfd, __u32 id, const char *path, struct rterr *err)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_id = id;
        _cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
        if (fd < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "device filter %u of %s", id, path);
        memset(&a, 0, sizeof(a));
        a.target_fd = (__u32)cgfd;
        a.attach_bpf_fd = (__u32)fd;
        a.attach_type = BPF_CGROUP_DEVICE;
        if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
                return rterr_errno(err, "detach the old device filter %u from %s", id, path);
        return 0;
}

int cg_devices_ebpf_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                          struct rterr *err)
{
        _cleanup_free_ struct oci_device_rule *eff = NULL;
        _cleanup_free_ struct bpf_insn *insns = NULL;
        size_t n_eff, n_insns;
        if (cg_device_rules_effective(rules, n, &eff, &n_eff, err) < 0 ||
            cg_devices_bpf_build(eff, n_eff, &insns, &n_insns, err) < 0)
                return -1;
        __u32 old[MAX_OLD_PROGS], n_old = MAX_OLD_PROGS;
        if (query(d->fd, old, &n_old, err, d->path) < 0)
                return -1;
        _cleanup_close_ int prog = load(insns, n_insns, err);
        if (prog < 0)
                return -1;
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.target_fd = (__u32)d->fd;
        a.attach_bpf_fd = (__u32)prog;
        a.attach_type = BPF_CGROUP_DEVICE;
        a.attach_flags = BPF_F_ALLOW_MULTI;
        if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
                return rterr_errno(err, "attach the device filter to %s", d->path);
        for (__u32 i = 0; i < n_old; i++)
                if (detach_id(d->fd, old[i], d->path, err) < 0)
                        return -1;
        return 0;
}
