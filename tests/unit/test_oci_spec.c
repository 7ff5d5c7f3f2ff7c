/* oci_spec_parse reads back every field of a config that sets all of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "common/common.h"
#include "oci/oci.h"

static const char full_config[] =
    "{\n"
    "  \"ociVersion\": \"1.2.0\",\n"
    "  \"unknownTopLevel\": {\"ignored\": [1, 2, 3]},\n"
    "  \"process\": {\n"
    "    \"terminal\": true,\n"
    "    \"consoleSize\": {\"height\": 25, \"width\": 80},\n"
    "    \"user\": {\"uid\": 1000, \"gid\": 1001, \"umask\": 18, \"additionalGids\": [5, 6, "
    "4294967295],\n"
    "             \"username\": \"alice\"},\n"
    "    \"args\": [\"/bin/sh\", \"-c\", \"echo hi\"],\n"
    "    \"commandLine\": \"sh -c echo\",\n"
    "    \"env\": [\"PATH=/bin\", \"TERM=xterm\"],\n"
    "    \"cwd\": \"/work\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_SYS_NICE\", \"CAP_KILL\", \"CAP_CHECKPOINT_RESTORE\"],\n"
    "      \"effective\": [\"CAP_KILL\"],\n"
    "      \"inheritable\": [\"CAP_CHOWN\"],\n"
    "      \"permitted\": [\"CAP_KILL\", \"CAP_SYS_NICE\"],\n"
    "      \"ambient\": [\"CAP_NET_RAW\"]\n"
    "    },\n"
    "    \"rlimits\": [\n"
    "      {\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 4096},\n"
    "      {\"type\": \"RLIMIT_MEMLOCK\", \"soft\": 18446744073709551615, \"hard\": "
    "18446744073709551615},\n"
    "      {\"type\": \"RLIMIT_RTPRIO\", \"soft\": 0, \"hard\": 99}\n"
    "    ],\n"
    "    \"noNewPrivileges\": true,\n"
    "    \"apparmorProfile\": \"unconfined\",\n"
    "    \"oomScoreAdj\": -500,\n"
    "    \"selinuxLabel\": \"system_u:system_r:container_t:s0\",\n"
    "    \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"nice\": 0, \"priority\": 0,\n"
    "                  \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\", \"SCHED_FLAG_DL_OVERRUN\"],\n"
    "                  \"runtime\": 2000000, \"deadline\": 5000000, \"period\": 10000000},\n"
    "    \"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 4},\n"
    "    \"execCPUAffinity\": {\"initial\": \"0-1,3\", \"final\": \"2\"}\n"
    "  },\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"box\",\n"
    "  \"domainname\": \"example.org\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
    "    {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data\",\n"
    "     \"options\": [\"rbind\", \"ro\", \"nosuid\", \"rslave\", \"custom=1\", \"x\"]},\n"
    "    {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
    "     \"options\": [\"size=1m\", \"tmpcopyup\", \"mode=1777\", \"nosuid\"]}\n"
    "  ],\n"
    "  \"hooks\": {\n"
    "    \"prestart\": [{\"path\": \"/bin/pre\", \"args\": [\"pre\", \"a\"], \"env\": [\"A=1\"], "
    "\"timeout\": 5}],\n"
    "    \"createRuntime\": [{\"path\": \"/bin/cr\"}],\n"
    "    \"createContainer\": [{\"path\": \"/bin/cc\"}, {\"path\": \"/bin/cc2\"}],\n"
    "    \"startContainer\": [{\"path\": \"/bin/sc\"}],\n"
    "    \"poststart\": [{\"path\": \"/bin/ps\"}],\n"
    "    \"poststop\": [{\"path\": \"/bin/pst\", \"timeout\": 1}]\n"
    "  },\n"
    "  \"annotations\": {\"org.rtrun.cpus\": \"2-3\", \"com.example\": \"x\"},\n"
    "  \"linux\": {\n"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],\n"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 1000}],\n"
    "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.msgmax\": \"8192\"},\n"
    "    \"resources\": {\n"
    "      \"devices\": [\n"
    "        {\"allow\": false, \"access\": \"rwm\"},\n"
    "        {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"},\n"
    "        {\"allow\": true, \"type\": \"b\", \"major\": 8, \"access\": \"m\"}\n"
    "      ],\n"
    "      \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, \"swap\": -1, "
    "\"kernel\": 1,\n"
    "                 \"kernelTCP\": 2, \"swappiness\": 60, \"disableOOMKiller\": true,\n"
    "                 \"useHierarchy\": false, \"checkBeforeUpdate\": true},\n"
    "      \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"burst\": 1000, \"period\": 100000,\n"
    "              \"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000, \"cpus\": \"2-3\",\n"
    "              \"mems\": \"0\", \"idle\": 1},\n"
    "      \"blkio\": {\"ignored\": true},\n"
    "      \"blockIO\": {\"weight\": 500, \"leafWeight\": 300,\n"
    "                \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 600, "
    "\"leafWeight\": 100}],\n"
    "                \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": "
    "1048576}],\n"
    "                \"throttleWriteBpsDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": "
    "2097152}],\n"
    "                \"throttleReadIOPSDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 100}],\n"
    "                \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 200}]},\n"
    "      \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],\n"
    "      \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": "
    "500}]},\n"
    "      \"pids\": {\"limit\": 32},\n"
    "      \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},\n"
    "      \"unified\": {\"memory.high\": \"max\"}\n"
    "    },\n"
    "    \"cgroupsPath\": \"/rtrun/c1\",\n"
    "    \"namespaces\": [\n"
    "      {\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/var/run/netns/x\"}, "
    "{\"type\": \"mount\"},\n"
    "      {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"user\"}, {\"type\": \"cgroup\"}, "
    "{\"type\": \"time\"}\n"
    "    ],\n"
    "    \"devices\": [\n"
    "      {\"type\": \"c\", \"path\": \"/dev/fuse\", \"major\": 10, \"minor\": 229, \"fileMode\": "
    "438,\n"
    "       \"uid\": 0, \"gid\": 0},\n"
    "      {\"type\": \"p\", \"path\": \"/dev/fifo\"}\n"
    "    ],\n"
    "    \"seccomp\": {\n"
    "      \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
    "      \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
    "      \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
    "      \"listenerPath\": \"/run/notify.sock\", \"listenerMetadata\": \"meta\",\n"
    "      \"syscalls\": [\n"
    "        {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
    "        {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,\n"
    "         \"args\": [{\"index\": 1, \"value\": 18446744073709551615, \"valueTwo\": 7,\n"
    "                   \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
    "        {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\"}\n"
    "      ]\n"
    "    },\n"
    "    \"rootfsPropagation\": \"rslave\",\n"
    "    \"maskedPaths\": [\"/proc/kcore\"],\n"
    "    \"readonlyPaths\": [\"/proc/sys\", \"/proc/bus\"],\n"
    "    \"mountLabel\": \"label\",\n"
    "    \"personality\": {\"domain\": \"LINUX32\", \"flags\": []},\n"
    "    \"timeOffsets\": {\"monotonic\": {\"secs\": -10, \"nanosecs\": 5}, \"boottime\": "
    "{\"secs\": 3600}},\n"
    "    \"netDevices\": {\"eth1\": {\"name\": \"ctr0\"}, \"dummy0\": {}},\n"
    "    \"intelRdt\": {\"closID\": \"ignored\"}\n"
    "  }\n"
    "}";

static struct oci_spec *parse_full(void)
{
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        int rc = oci_spec_parse(full_config, strlen(full_config), &s, &err);
        if (rc < 0)
                fail_msg("%s", err.msg);
        return s;
}

static void test_process(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        const struct oci_process *p = &s->process;
        assert_string_equal(s->oci_version, "1.2.0");
        assert_true(s->has_process);
        assert_true(p->terminal);
        assert_true(p->has_console_size);
        assert_int_equal(p->console_height, 25);
        assert_int_equal(p->console_width, 80);
        assert_int_equal(p->user.uid, 1000);
        assert_int_equal(p->user.gid, 1001);
        assert_true(p->user.umask.set);
        assert_int_equal(p->user.umask.v, 18);
        assert_int_equal(p->user.n_additional_gids, 3);
        assert_int_equal(p->user.additional_gids[2], 4294967295u);
        assert_string_equal(p->user.username, "alice");
        assert_int_equal(p->args.n, 3);
        assert_string_equal(p->args.v[2], "echo hi");
        assert_null(p->args.v[3]);
        assert_string_equal(p->command_line, "sh -c echo");
        assert_int_equal(p->env.n, 2);
        assert_string_equal(p->env.v[1], "TERM=xterm");
        assert_string_equal(p->cwd, "/work");
        assert_true(p->capabilities.set);
        assert_int_equal(p->capabilities.bounding, (1ULL << CAP_SYS_NICE) | (1ULL << CAP_KILL) |
                                                       (1ULL << CAP_CHECKPOINT_RESTORE));
        assert_int_equal(p->capabilities.effective, 1ULL << CAP_KILL);
        assert_int_equal(p->capabilities.inheritable, 1ULL << CAP_CHOWN);
        assert_int_equal(p->capabilities.permitted, (1ULL << CAP_KILL) | (1ULL << CAP_SYS_NICE));
        assert_int_equal(p->capabilities.ambient, 1ULL << CAP_NET_RAW);
        assert_int_equal(p->n_rlimits, 3);
        assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
        assert_string_equal(p->rlimits[0].type, "RLIMIT_NOFILE");
        assert_int_equal(p->rlimits[0].soft, 1024);
        assert_int_equal(p->rlimits[0].hard, 4096);
        assert_int_equal(p->rlimits[1].resource, RLIMIT_MEMLOCK);
        assert_true(p->rlimits[1].soft == UINT64_MAX);
        assert_true(p->rlimits[1].hard == UINT64_MAX);
        assert_int_equal(p->rlimits[2].resource, RLIMIT_RTPRIO);
        assert_true(p->no_new_privileges);
        assert_string_equal(p->apparmor_profile, "unconfined");
        assert_true(p->oom_score_adj.set);
        assert_int_equal(p->oom_score_adj.v, -500);
        assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
        oci_spec_free(s);
}

static void test_scheduler_io_affinity(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        const struct oci_process *p = &s->process;
        assert_true(p->scheduler.set);
        assert_int_equal(p->scheduler.policy, SCHED_DEADLINE);
        assert_int_equal(p->scheduler.nice, 0);
        assert_int_equal(p->scheduler.priority, 0);
        assert_true(p->scheduler.reset_on_fork_explicit);
        assert_int_equal(p->scheduler.flags, 0x01 | 0x04);
        assert_int_equal(p->scheduler.runtime, 2000000);
        assert_int_equal(p->scheduler.deadline, 5000000);
        assert_int_equal(p->scheduler.period, 10000000);
        assert_true(p->io_priority.set);
        assert_int_equal(p->io_priority.klass, 1);
        assert_int_equal(p->io_priority.priority, 4);
        assert_string_equal(p->exec_cpu_affinity.initial, "0-1,3");
        assert_string_equal(p->exec_cpu_affinity.final, "2");
        oci_spec_free(s);
}

static void test_root_mounts_hooks(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        assert_string_equal(s->root.path, "rootfs");
        assert_true(s->root.readonly);
        assert_string_equal(s->hostname, "box");
        assert_string_equal(s->domainname, "example.org");
        assert_int_equal(s->n_mounts, 3);
        assert_string_equal(s->mounts[0].destination, "/proc");
        assert_string_equal(s->mounts[0].type, "proc");
        assert_string_equal(s->mounts[0].source, "proc");
        assert_int_equal(s->mounts[0].flags, 0);
        assert_null(s->mounts[0].data);
        const struct oci_mount *m = &s->mounts[1];
        assert_int_equal(m->options.n, 6);
        assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
        assert_true(m->recursive_bind);
        assert_int_equal(m->propagation, MS_SLAVE | MS_REC);
        assert_string_equal(m->data, "custom=1,x");
        assert_false(m->tmpcopyup);
        /* runc's tmpcopyup extension is rtrun's to act on, never tmpfs data */
        assert_true(s->mounts[2].tmpcopyup);
        assert_int_equal(s->mounts[2].flags, MS_NOSUID);
        assert_string_equal(s->mounts[2].data, "size=1m,mode=1777");
        const struct oci_hooks *h = &s->hooks;
        assert_int_equal(h->prestart.n, 1);
        assert_string_equal(h->prestart.v[0].path, "/bin/pre");
        assert_int_equal(h->prestart.v[0].args.n, 2);
        assert_string_equal(h->prestart.v[0].env.v[0], "A=1");
        assert_true(h->prestart.v[0].timeout.set);
        assert_int_equal(h->prestart.v[0].timeout.v, 5);
        assert_int_equal(h->create_runtime.n, 1);
        assert_int_equal(h->create_container.n, 2);
        assert_string_equal(h->create_container.v[1].path, "/bin/cc2");
        assert_false(h->create_container.v[1].timeout.set);
        assert_int_equal(h->start_container.n, 1);
        assert_int_equal(h->poststart.n, 1);
        assert_int_equal(h->poststop.n, 1);
        assert_int_equal(h->poststop.v[0].timeout.v, 1);
        assert_int_equal(s->annotations.n, 2);
        assert_string_equal(oci_annotation(s, "org.rtrun.cpus"), "2-3");
        assert_null(oci_annotation(s, "missing"));
        oci_spec_free(s);
}

static void test_linux(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        const struct oci_linux *l = &s->linux_;
        assert_true(s->has_linux);
        assert_int_equal(l->n_uid_mappings, 1);
        assert_int_equal(l->uid_mappings[0].host_id, 100000);
        assert_int_equal(l->uid_mappings[0].size, 65536);
        assert_int_equal(l->gid_mappings[0].host_id, 200000);
        assert_int_equal(l->sysctl.n, 2);
        assert_string_equal(l->sysctl.v[1].key, "kernel.msgmax");
        assert_string_equal(l->sysctl.v[1].value, "8192");
        assert_string_equal(l->cgroups_path, "/rtrun/c1");
        assert_int_equal(l->n_namespaces, 8);
        const struct oci_namespace *net = oci_namespace_get(s, OCI_NS_NETWORK);
        assert_non_null(net);
        assert_int_equal(net->clone_flag, CLONE_NEWNET);
        assert_string_equal(net->path, "/var/run/netns/x");
        assert_int_equal(oci_namespace_get(s, OCI_NS_TIME)->clone_flag, CLONE_NEWTIME);
        assert_int_equal(oci_namespace_get(s, OCI_NS_CGROUP)->clone_flag, CLONE_NEWCGROUP);
        assert_null(oci_namespace_get(s, OCI_NS_PID)->path);
        assert_int_equal(l->n_devices, 2);
        assert_int_equal(l->devices[0].type, 'c');
        assert_string_equal(l->devices[0].path, "/dev/fuse");
        assert_int_equal(l->devices[0].major.v, 10);
        assert_int_equal(l->devices[0].minor.v, 229);
        assert_int_equal(l->devices[0].file_mode.v, 438);
        assert_true(l->devices[0].uid.set && l->devices[0].gid.set);
        assert_int_equal(l->devices[1].type, 'p');
        assert_false(l->devices[1].major.set);
        assert_int_equal(l->rootfs_propagation, MS_SLAVE | MS_REC);
        assert_int_equal(l->masked_paths.n, 1);
        assert_int_equal(l->readonly_paths.n, 2);
        assert_string_equal(l->mount_label, "label");
        assert_true(l->personality.set);
        assert_string_equal(l->personality.domain, "LINUX32");
        assert_true(l->time_monotonic.set);
        assert_int_equal(l->time_monotonic.secs, -10);
        assert_int_equal(l->time_monotonic.nanosecs, 5);
        assert_true(l->time_boottime.set);
        assert_int_equal(l->time_boottime.secs, 3600);
        assert_int_equal(l->n_net_devices, 2);
        assert_string_equal(l->net_devices[0].host_name, "eth1");
        assert_string_equal(l->net_devices[0].name, "ctr0");
        assert_null(l->net_devices[1].name);
        oci_spec_free(s);
}

static void test_resources(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        const struct oci_resources *r = &s->linux_.resources;
        assert_true(s->linux_.has_resources);
        assert_int_equal(r->n_devices, 3);
        assert_false(r->devices[0].allow);
        assert_int_equal(r->devices[0].type, 'a');
        assert_int_equal(r->devices[0].major, -1);
        assert_string_equal(r->devices[0].access, "rwm");
        assert_int_equal(r->devices[1].type, 'c');
        assert_int_equal(r->devices[1].minor, 3);
        assert_string_equal(r->devices[1].access, "rw");
        assert_int_equal(r->devices[2].minor, -1);
        assert_true(r->memory.set);
        assert_int_equal(r->memory.limit.v, 536870912);
        assert_int_equal(r->memory.reservation.v, 268435456);
        assert_int_equal(r->memory.swap.v, -1);
        assert_int_equal(r->memory.kernel.v, 1);
        assert_int_equal(r->memory.kernel_tcp.v, 2);
        assert_int_equal(r->memory.swappiness.v, 60);
        assert_true(r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v);
        assert_true(r->memory.use_hierarchy.set && !r->memory.use_hierarchy.v);
        assert_true(r->memory.check_before_update.v);
        assert_true(r->cpu.set);
        assert_int_equal(r->cpu.shares.v, 1024);
        assert_int_equal(r->cpu.quota.v, 50000);
        assert_int_equal(r->cpu.burst.v, 1000);
        assert_int_equal(r->cpu.period.v, 100000);
        assert_int_equal(r->cpu.realtime_runtime.v, 950000);
        assert_int_equal(r->cpu.realtime_period.v, 1000000);
        assert_string_equal(r->cpu.cpus, "2-3");
        assert_string_equal(r->cpu.mems, "0");
        assert_int_equal(r->cpu.idle.v, 1);
        assert_true(r->blkio.set);
        assert_int_equal(r->blkio.weight.v, 500);
        assert_int_equal(r->blkio.leaf_weight.v, 300);
        assert_int_equal(r->blkio.n_weight_device, 1);
        assert_int_equal(r->blkio.weight_device[0].weight.v, 600);
        assert_int_equal(r->blkio.weight_device[0].leaf_weight.v, 100);
        assert_int_equal(r->blkio.throttle_read_bps.v[0].rate, 1048576);
        assert_int_equal(r->blkio.throttle_write_bps.v[0].minor, 16);
        assert_int_equal(r->blkio.throttle_read_iops.v[0].rate, 100);
        assert_int_equal(r->blkio.throttle_write_iops.v[0].rate, 200);
        assert_int_equal(r->n_hugepage_limits, 1);
        assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
        assert_int_equal(r->hugepage_limits[0].limit, 209715200);
        assert_true(r->network.set);
        assert_int_equal(r->network.class_id.v, 1048577);
        assert_string_equal(r->network.priorities[0].name, "eth0");
        assert_int_equal(r->network.priorities[0].priority, 500);
        assert_true(r->pids_limit.set);
        assert_int_equal(r->pids_limit.v, 32);
        assert_int_equal(r->n_rdma, 1);
        assert_string_equal(r->rdma[0].device, "mlx5_1");
        assert_int_equal(r->rdma[0].hca_handles.v, 3);
        assert_int_equal(r->rdma[0].hca_objects.v, 10000);
        assert_int_equal(r->unified.n, 1);
        assert_string_equal(r->unified.v[0].key, "memory.high");
        oci_spec_free(s);
}

static void test_seccomp(void **state)
{
        (void)state;
        struct oci_spec *s = parse_full();
        const struct oci_seccomp *sc = &s->linux_.seccomp;
        assert_true(sc->set);
        assert_int_equal(sc->default_action, OCI_SCMP_ERRNO);
        assert_int_equal(sc->default_errno_ret.v, 1);
        assert_int_equal(sc->architectures.n, 2);
        assert_string_equal(sc->architectures.v[1], "SCMP_ARCH_X86");
        assert_string_equal(sc->flags.v[0], "SECCOMP_FILTER_FLAG_LOG");
        assert_string_equal(sc->listener_path, "/run/notify.sock");
        assert_string_equal(sc->listener_metadata, "meta");
        assert_int_equal(sc->n_syscalls, 3);
        assert_int_equal(sc->syscalls[0].names.n, 2);
        assert_int_equal(sc->syscalls[0].action, OCI_SCMP_ALLOW);
        assert_false(sc->syscalls[0].errno_ret.set);
        const struct oci_seccomp_rule *r = &sc->syscalls[1];
        assert_int_equal(r->errno_ret.v, 13);
        assert_int_equal(r->n_args, 1);
        assert_int_equal(r->args[0].index, 1);
        assert_true(r->args[0].value == UINT64_MAX);
        assert_int_equal(r->args[0].value_two, 7);
        assert_int_equal(r->args[0].op, OCI_SCMP_CMP_MASKED_EQ);
        assert_int_equal(sc->syscalls[2].action, OCI_SCMP_NOTIFY);
        oci_spec_free(s);
}

/* Absent optional objects stay unset. */
static void test_minimal(void **state)
{
        (void)state;
        const char *json = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"/r\"},"
                           "\"linux\":{\"rootfsPropagation\":\"\"}}";
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_spec_parse(json, strlen(json), &s, &err), 0);
        assert_false(s->has_process);
        assert_true(s->has_linux);
        assert_int_equal(s->linux_.rootfs_propagation, 0);
        assert_false(s->linux_.has_resources);
        assert_false(s->root.readonly);
        assert_int_equal(s->n_mounts, 0);
        assert_null(oci_namespace_get(s, OCI_NS_PID));
        assert_false(s->linux_.seccomp.set);
        oci_spec_free(s);
}

/* null counts as absent; scheduler without flags leaves RESET_ON_FORK to the runtime. */
static void test_null_and_sched_defaults(void **state)
{
        (void)state;
        const char *json = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"/r\"},\"hostname\":null,"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"scheduler\":{"
                           "\"policy\":\"SCHED_DEADLINE\",\"runtime\":1024,\"period\":4096}}}";
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s", err.msg);
        assert_null(s->hostname);
        assert_false(s->process.scheduler.reset_on_fork_explicit);
        assert_int_equal(s->process.scheduler.flags, 0);
        /* deadline 0 means deadline = period */
        assert_int_equal(s->process.scheduler.deadline, 4096);
        assert_int_equal(s->process.scheduler.period, 4096);
        oci_spec_free(s);
}

static void test_process_and_resources_alone(void **state)
{
        (void)state;
        const char *pj = "{\"args\":[\"ls\"],\"cwd\":\"/tmp\",\"env\":[\"A=b\"]}";
        struct oci_process *p = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_process_parse(pj, strlen(pj), "process.json", &p, &err), 0);
        assert_string_equal(p->args.v[0], "ls");
        assert_string_equal(p->cwd, "/tmp");
        oci_process_free(p);
        const char *bad = "{\"args\":[\"ls\"],\"cwd\":\"tmp\"}";
        assert_int_equal(oci_process_parse(bad, strlen(bad), "process.json", &p, &err), -1);
        assert_non_null(strstr(err.msg, "process.json: cwd: must be an absolute path"));

        const char *rj = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":-1}}";
        struct oci_resources *r = NULL;
        assert_int_equal(oci_resources_parse(rj, strlen(rj), "resources.json", &r, &err), 0);
        assert_int_equal(r->memory.limit.v, 1048576);
        assert_int_equal(r->pids_limit.v, -1);
        oci_resources_free(r);
        const char *rbad = "{\"memory\":{\"limit\":\"1G\"}}";
        assert_int_equal(oci_resources_parse(rbad, strlen(rbad), "resources.json", &r, &err), -1);
        assert_string_equal(err.msg,
                            "resources.json: memory.limit: expected an integer, got string");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_process),
            cmocka_unit_test(test_scheduler_io_affinity),
            cmocka_unit_test(test_root_mounts_hooks),
            cmocka_unit_test(test_linux),
            cmocka_unit_test(test_resources),
            cmocka_unit_test(test_seccomp),
            cmocka_unit_test(test_minimal),
            cmocka_unit_test(test_null_and_sched_defaults),
            cmocka_unit_test(test_process_and_resources_alone),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
