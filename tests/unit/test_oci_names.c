/* Name tables (capabilities, signals, scheduler policies) and mount options -> MS_* flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mount.h>

#include "common/common.h"
#include "oci/oci.h"

static void test_capabilities(void **state)
{
        (void)state;
        assert_int_equal(oci_cap_from_name("CAP_CHOWN"), CAP_CHOWN);
        assert_int_equal(oci_cap_from_name("CAP_SYS_NICE"), CAP_SYS_NICE);
        assert_int_equal(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);
        assert_int_equal(oci_cap_from_name("CAP_BPF"), CAP_BPF);
        assert_int_equal(oci_cap_from_name("SYS_NICE"), -1);
        assert_int_equal(oci_cap_from_name("cap_chown"), -1);
        assert_null(oci_cap_name(-1));
        assert_null(oci_cap_name(CAP_LAST_CAP + 1));
        for (int c = 0; c <= CAP_LAST_CAP; c++)
                assert_int_equal(oci_cap_from_name(oci_cap_name(c)), c);
}

static void test_signals(void **state)
{
        (void)state;
        assert_int_equal(oci_signal_from_name("KILL"), SIGKILL);
        assert_int_equal(oci_signal_from_name("SIGKILL"), SIGKILL);
        assert_int_equal(oci_signal_from_name("9"), 9);
        assert_int_equal(oci_signal_from_name("TERM"), SIGTERM);
        assert_int_equal(oci_signal_from_name("SIGWINCH"), SIGWINCH);
        assert_int_equal(oci_signal_from_name("SIGRTMIN"), SIGRTMIN);
        assert_int_equal(oci_signal_from_name("RTMIN+3"), SIGRTMIN + 3);
        assert_int_equal(oci_signal_from_name("SIGRTMAX-1"), SIGRTMAX - 1);
        assert_int_equal(oci_signal_from_name("64"), 64);
        assert_int_equal(oci_signal_from_name("65"), -1);
        assert_int_equal(oci_signal_from_name("0"), -1);
        assert_int_equal(oci_signal_from_name("-9"), -1);
        assert_int_equal(oci_signal_from_name("SIGFOO"), -1);
        assert_int_equal(oci_signal_from_name("RTMIN+99"), -1);
        assert_int_equal(oci_signal_from_name("RTMIN-1"), -1);
        assert_int_equal(oci_signal_from_name(""), -1);
        assert_int_equal(oci_signal_from_name("9x"), -1);
}

static void test_policies(void **state)
{
        (void)state;
        assert_int_equal(oci_sched_policy_from_name("SCHED_OTHER"), 0);
        assert_int_equal(oci_sched_policy_from_name("SCHED_FIFO"), 1);
        assert_int_equal(oci_sched_policy_from_name("SCHED_RR"), 2);
        assert_int_equal(oci_sched_policy_from_name("SCHED_BATCH"), 3);
        assert_int_equal(oci_sched_policy_from_name("SCHED_IDLE"), 5);
        assert_int_equal(oci_sched_policy_from_name("SCHED_DEADLINE"), SCHED_DEADLINE);
        assert_int_equal(oci_sched_policy_from_name("SCHED_ISO"), -1);
        assert_string_equal(oci_sched_policy_name(6), "SCHED_DEADLINE");
        assert_null(oci_sched_policy_name(4));
        assert_string_equal(oci_status_name(OCI_STATUS_PAUSED), "paused");
}

/* Parses a config with one mount whose options are `opts` (a JSON array body). */
static struct oci_spec *mount_spec(const char *opts)
{
        char json[1024];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"mounts\":[{"
                 "\"destination\":\"/m\",\"type\":\"tmpfs\",\"options\":[%s]}]}",
                 opts);
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("%s: %s", opts, err.msg);
        return s;
}

struct flag_case {
        const char *opt;
        unsigned long set, clear;
};

static void test_mount_flags(void **state)
{
        (void)state;
        static const struct flag_case cases[] = {
            {"ro", MS_RDONLY, 0},
            {"rw", 0, MS_RDONLY},
            {"suid", 0, MS_NOSUID},
            {"nosuid", MS_NOSUID, 0},
            {"dev", 0, MS_NODEV},
            {"nodev", MS_NODEV, 0},
            {"exec", 0, MS_NOEXEC},
            {"noexec", MS_NOEXEC, 0},
            {"sync", MS_SYNCHRONOUS, 0},
            {"async", 0, MS_SYNCHRONOUS},
            {"dirsync", MS_DIRSYNC, 0},
            {"remount", MS_REMOUNT, 0},
            {"mand", MS_MANDLOCK, 0},
            {"nomand", 0, MS_MANDLOCK},
            {"atime", 0, MS_NOATIME},
            {"noatime", MS_NOATIME, 0},
            {"diratime", 0, MS_NODIRATIME},
            {"nodiratime", MS_NODIRATIME, 0},
            {"relatime", MS_RELATIME, 0},
            {"norelatime", 0, MS_RELATIME},
            {"strictatime", MS_STRICTATIME, 0},
            {"nostrictatime", 0, MS_STRICTATIME},
            {"lazytime", MS_LAZYTIME, 0},
            {"nolazytime", 0, MS_LAZYTIME},
            {"iversion", MS_I_VERSION, 0},
            {"noiversion", 0, MS_I_VERSION},
            {"silent", MS_SILENT, 0},
            {"loud", 0, MS_SILENT},
            {"bind", MS_BIND, 0},
            {"rbind", MS_BIND | MS_REC, 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char opts[64];
                snprintf(opts, sizeof(opts), "\"%s\"", cases[i].opt);
                struct oci_spec *s = mount_spec(opts);
                if (s->mounts[0].flags != cases[i].set ||
                    s->mounts[0].clear_flags != cases[i].clear)
                        fail_msg("%s: flags %#lx clear %#lx", cases[i].opt, s->mounts[0].flags,
                                 s->mounts[0].clear_flags);
                assert_null(s->mounts[0].data);
                assert_int_equal(s->mounts[0].propagation, 0);
                assert_int_equal(s->mounts[0].recursive_bind, strcmp(cases[i].opt, "rbind") == 0);
                oci_spec_free(s);
        }
}

static void test_mount_propagation(void **state)
{
        (void)state;
        static const struct {
                const char *opt;
                unsigned long prop;
        } cases[] = {
            {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
            {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
            {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
            {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char opts[64];
                snprintf(opts, sizeof(opts), "\"%s\"", cases[i].opt);
                struct oci_spec *s = mount_spec(opts);
                assert_int_equal(s->mounts[0].propagation, cases[i].prop);
                assert_int_equal(s->mounts[0].flags, 0);
                oci_spec_free(s);
        }
}

/* The last of two opposite options wins; unknown options become data in order. */
static void test_mount_order_and_data(void **state)
{
        (void)state;
        struct oci_spec *s = mount_spec("\"ro\",\"size=1m\",\"rw\",\"nosuid\",\"mode=755\"");
        assert_int_equal(s->mounts[0].flags, MS_NOSUID);
        assert_int_equal(s->mounts[0].clear_flags, MS_RDONLY);
        assert_string_equal(s->mounts[0].data, "size=1m,mode=755");
        assert_int_equal(s->mounts[0].options.n, 5);
        oci_spec_free(s);
        s = mount_spec("\"\",\"nodev\"");
        assert_int_equal(s->mounts[0].flags, MS_NODEV);
        assert_null(s->mounts[0].data);
        oci_spec_free(s);
        s = mount_spec("\"rw\",\"ro\"");
        assert_int_equal(s->mounts[0].flags, MS_RDONLY);
        assert_int_equal(s->mounts[0].clear_flags, 0);
        oci_spec_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_capabilities),      cmocka_unit_test(test_signals),
            cmocka_unit_test(test_policies),          cmocka_unit_test(test_mount_flags),
            cmocka_unit_test(test_mount_propagation), cmocka_unit_test(test_mount_order_and_data),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
