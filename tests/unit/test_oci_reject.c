/* Every rejection oci_spec_parse makes, each with the message users and tests grep for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "oci/oci.h"

#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
#define PROC(x) HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"," x "}}"
#define LINUX(x) HEAD "\"linux\":{" x "}}"
#define RES(x) LINUX("\"resources\":{" x "}")
#define SCHED(x) PROC("\"scheduler\":{" x "}")
#define MOUNT(x) HEAD "\"mounts\":[{\"destination\":\"/a\"},{" x "}]}"
#define SECCOMP(x) LINUX("\"seccomp\":{" x "}")

struct reject {
        const char *json;
        const char *expect;
};

static const struct reject cases[] = {
    /* syntax and top level */
    {"{\"ociVersion\":", "config.json: invalid JSON"},
    {"[1,2]", "config.json: expected an object, got array"},
    {"{\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: required but missing"},
    {"{\"ociVersion\":\"1.0.0\"}", "config.json: root: required but missing"},
    {"{\"ociVersion\":\"1.0.0\",\"root\":{}}", "config.json: root.path: required but missing"},
    {"{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"\"}}", "root.path: must not be empty"},
    {"{\"ociVersion\":1,\"root\":{\"path\":\"r\"}}", "ociVersion: expected a string, got number"},
    {HEAD "\"hostname\":\"h\"}", "config.json: hostname: needs a uts namespace"},
    {HEAD "\"annotations\":{\"a\":1}}", "annotations.a: expected a string, got number"},
    /* process */
    {HEAD "\"process\":{\"args\":[],\"cwd\":\"/\"}}",
     "config.json: process.args: must not be empty"},
    {HEAD "\"process\":{\"cwd\":\"/\"}}", "process.args: must not be empty"},
    {HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"rel\"}}",
     "process.cwd: must be an absolute path, got \"rel\""},
    {HEAD "\"process\":{\"args\":[\"sh\"]}}", "process.cwd: required but missing"},
    {HEAD "\"process\":{\"args\":[\"sh\",3],\"cwd\":\"/\"}}",
     "process.args[1]: expected a string, got number"},
    {PROC("\"terminal\":\"yes\""), "process.terminal: expected a boolean, got string"},
    {PROC("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FLY\"]}"),
     "process.capabilities.bounding[1]: unknown capability \"CAP_FLY\""},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]"),
     "process.rlimits[0].type: unknown rlimit type \"RLIMIT_BOGUS\""},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2},"
          "{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1}]"),
     "process.rlimits[1]: duplicate rlimit type \"RLIMIT_NOFILE\""},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":2}]"),
     "process.rlimits[0]: RLIMIT_NOFILE soft limit 10 is above the hard limit 2"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":-1,\"hard\":2}]"),
     "process.rlimits[0].soft: must not be negative, got -1"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]"),
     "process.rlimits[0].hard: required but missing"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":18446744073709551616}]"),
     "process.rlimits[0].hard: integer out of range: 18446744073709551616"},
    {PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1.5,\"hard\":2}]"),
     "process.rlimits[0].soft: expected an integer, got 1.5"},
    {PROC("\"user\":{\"uid\":-1}"), "process.user.uid: must not be negative, got -1"},
    {PROC("\"user\":{\"uid\":4294967296}"), "process.user.uid: integer out of range"},
    {PROC("\"user\":{\"umask\":4096}"), "process.user.umask: 4096 is not a file mode mask"},
    {PROC("\"oomScoreAdj\":1001"), "process.oomScoreAdj: 1001 is out of range [-1000, 1000]"},
    {PROC("\"consoleSize\":{\"height\":1}"), "process.consoleSize.width: required but missing"},
    {PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\"}"),
     "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
    {PROC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"),
     "process.ioPriority.priority: 8 is out of range [0, 7]"},
    {PROC("\"execCPUAffinity\":{\"initial\":\"0-\"}"),
     "process.execCPUAffinity.initial: invalid CPU list \"0-\""},
    /* scheduler */
    {SCHED("\"nice\":1"), "process.scheduler.policy: required but missing"},
    {SCHED("\"policy\":\"SCHED_ISO\""),
     "process.scheduler.policy: unknown scheduler policy \"SCHED_ISO\""},
    {SCHED("\"policy\":\"SCHED_OTHER\",\"nice\":20"),
     "process.scheduler.nice: 20 is out of range [-20, 19]"},
    {SCHED("\"policy\":\"SCHED_OTHER\",\"nice\":-21"),
     "process.scheduler.nice: -21 is out of range"},
    {SCHED("\"policy\":\"SCHED_FIFO\",\"priority\":0"),
     "process.scheduler.priority: SCHED_FIFO priority must be in [1, 99], got 0"},
    {SCHED("\"policy\":\"SCHED_RR\",\"priority\":100"),
     "process.scheduler.priority: SCHED_RR priority must be in [1, 99], got 100"},
    {SCHED("\"policy\":\"SCHED_BATCH\",\"priority\":5"),
     "process.scheduler.priority: SCHED_BATCH priority must be 0, got 5"},
    {SCHED("\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_TURBO\"]"),
     "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_TURBO\""},
    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":1000,\"deadline\":2000"),
     "process.scheduler: SCHED_DEADLINE runtime 1000 is below 1024 ns"},
    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":3000,\"deadline\":2000,\"period\":4000"),
     "process.scheduler: SCHED_DEADLINE needs runtime <= deadline <= period, got 3000 / 2000 / "
     "4000"},
    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":3000,\"deadline\":5000,\"period\":4000"),
     "SCHED_DEADLINE needs runtime <= deadline <= period"},
    {SCHED("\"policy\":\"SCHED_DEADLINE\",\"runtime\":3000"),
     "process.scheduler: SCHED_DEADLINE needs a deadline or a period"},
    /* mounts */
    {HEAD "\"mounts\":[{\"destination\":\"\"}]}",
     "config.json: mounts[0].destination: must not be empty"},
    {HEAD "\"mounts\":[{\"type\":\"tmpfs\"}]}", "mounts[0].destination: required but missing"},
    {MOUNT("\"destination\":\"/b\",\"options\":[\"idmap\"]"),
     "mounts[1].options: mount option \"idmap\" is not supported"},
    {MOUNT("\"destination\":\"/b\",\"uidMappings\":[]"),
     "mounts[1].uidMappings: id-mapped mounts are not supported"},
    /* hooks */
    {HEAD "\"hooks\":{\"prestart\":[{\"path\":\"bin/x\"}]}}",
     "hooks.prestart[0].path: must be an absolute path, got \"bin/x\""},
    {HEAD "\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}}",
     "hooks.poststop[0].timeout: must be greater than zero, got 0"},
    {HEAD "\"hooks\":{\"createRuntime\":[{\"path\":\"/x\",\"timeout\":-3}]}}",
     "hooks.createRuntime[0].timeout: must be greater than zero, got -3"},
    /* linux */
    {LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"foo\"}]"),
     "config.json: linux.namespaces[2].type: unknown namespace type \"foo\""},
    {LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]"),
     "linux.namespaces[1].type: duplicate namespace type \"pid\""},
    {LINUX("\"namespaces\":[{\"type\":\"net\"}]"), "unknown namespace type \"net\""},
    {LINUX("\"namespaces\":[{\"type\":\"ipc\",\"path\":\"proc/1/ns/ipc\"}]"),
     "linux.namespaces[0].path: must be an absolute path"},
    {LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
     "linux.uidMappings: user namespaces must be enabled when uid/gid mappings are set"},
    {LINUX("\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,"
           "\"hostID\":1000}]"),
     "linux.uidMappings[0].size: required but missing"},
    {LINUX("\"timeOffsets\":{\"monotonic\":{\"secs\":1}}"),
     "linux.timeOffsets: a time namespace is required when time offsets are set"},
    {LINUX("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"boottime\":{\"nanosecs\":"
           "1000000000}}"),
     "linux.timeOffsets.boottime.nanosecs: must be below 1000000000"},
    {LINUX("\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]"),
     "linux.devices[0].type: device type must be \"c\", \"b\", \"u\" or \"p\", got \"x\""},
    {LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"dev/x\"}]"),
     "linux.devices[0].path: must be an absolute path"},
    {LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":-2}]"),
     "linux.devices[0].major: must not be negative"},
    {LINUX("\"rootfsPropagation\":\"sideways\""),
     "linux.rootfsPropagation: unknown mount propagation \"sideways\""},
    {LINUX("\"cgroupsPath\":\"/a/../b\""), "linux.cgroupsPath: must not contain \"..\" components"},
    {LINUX("\"cgroupsPath\":\"..\""), "linux.cgroupsPath: must not contain \"..\""},
    {LINUX("\"personality\":{\"domain\":\"LINUX64\"}"),
     "linux.personality.domain: unknown personality domain \"LINUX64\""},
    {LINUX("\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}"),
     "linux.netDevices.eth0.name: invalid network interface name \"a/b\""},
    {LINUX("\"netDevices\":{\"averyveryverylongname\":{}}"),
     "linux.netDevices.averyveryverylongname: invalid network interface name"},
    {LINUX("\"sysctl\":{\"a\":1}"), "linux.sysctl.a: expected a string, got number"},
    /* resources */
    {RES("\"devices\":[{\"allow\":true,\"type\":\"x\"}]"),
     "linux.resources.devices[0].type: device type must be \"a\", \"c\" or \"b\", got \"x\""},
    {RES("\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]"),
     "linux.resources.devices[0].access: device access must be a combination of \"rwm\", got "
     "\"rwx\""},
    {RES("\"devices\":[{\"allow\":true,\"access\":\"rr\"}]"), "devices[0].access: device access"},
    {RES("\"devices\":[{\"type\":\"c\"}]"),
     "linux.resources.devices[0].allow: required but missing"},
    {RES("\"memory\":{\"limit\":\"1G\"}"),
     "config.json: linux.resources.memory.limit: expected an integer, got string"},
    {RES("\"memory\":{\"limit\":9223372036854775808}"),
     "linux.resources.memory.limit: integer out of range: 9223372036854775808"},
    {RES("\"memory\":{\"swappiness\":101}"),
     "linux.resources.memory.swappiness: must be in [0, 100]"},
    {RES("\"cpu\":{\"cpus\":\"0-3,x\"}"), "linux.resources.cpu.cpus: invalid CPU list \"0-3,x\""},
    {RES("\"cpu\":{\"cpus\":\"3-1\"}"), "linux.resources.cpu.cpus: invalid CPU list \"3-1\""},
    {RES("\"cpu\":{\"mems\":\"0,,1\"}"), "linux.resources.cpu.mems: invalid memory node list"},
    {RES("\"cpu\":{\"shares\":-2}"), "linux.resources.cpu.shares: must not be negative, got -2"},
    {RES("\"pids\":{}"), "linux.resources.pids.limit: required but missing"},
    {RES("\"blockIO\":{\"weight\":5}"),
     "linux.resources.blockIO.weight: must be in [10, 1000], got 5"},
    {RES("\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}"),
     "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required but missing"},
    {RES("\"hugepageLimits\":[{\"limit\":1}]"),
     "linux.resources.hugepageLimits[0].pageSize: required but missing"},
    {RES("\"unified\":{\"memory.max\":5}"),
     "linux.resources.unified.memory.max: expected a string"},
    /* seccomp */
    {SECCOMP("\"syscalls\":[]"), "linux.seccomp.defaultAction: required but missing"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_EXPLODE\""),
     "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_EXPLODE\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_NOTIFY\""),
     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":"
             "\"SCMP_ACT_NOTIFY\"}]"),
     "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]"),
     "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]"),
     "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":"
             "\"SCMP_ACT_ALLOW\"}]"),
     "linux.seccomp.syscalls[0].names: must not be empty"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":"
             "\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ABOUT\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_ABOUT\""},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":"
             "\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].index: must be below 6, got 6"},
    {SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":"
             "\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]"),
     "linux.seccomp.syscalls[0].args[0].value: required but missing"},
};

static void test_rejections(void **state)
{
        (void)state;
        int failures = 0;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct oci_spec *s = NULL;
                struct rterr err = {0};
                int rc = oci_spec_parse(cases[i].json, strlen(cases[i].json), &s, &err);
                if (rc == 0) {
                        printf("case %zu accepted: %s\n", i, cases[i].json);
                        oci_spec_free(s);
                        failures++;
                } else if (strstr(err.msg, cases[i].expect) == NULL) {
                        printf("case %zu: want \"%s\"\n          got  \"%s\"\n", i, cases[i].expect,
                               err.msg);
                        failures++;
                } else if (strncmp(err.msg, "config.json: ", 13) != 0) {
                        printf("case %zu: message lacks the source prefix: %s\n", i, err.msg);
                        failures++;
                }
        }
        assert_int_equal(failures, 0);
}

/* Unknown properties are ignored, as the spec requires. */
static void test_unknown_properties_ignored(void **state)
{
        (void)state;
        const char *json = PROC("\"frobnicate\":true,\"user\":{\"uid\":1,\"extra\":{}}");
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_spec_parse(json, strlen(json), &s, &err), 0);
        assert_int_equal(s->process.user.uid, 1);
        oci_spec_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rejections),
            cmocka_unit_test(test_unknown_properties_ignored),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
