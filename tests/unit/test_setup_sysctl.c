/* Which sysctls a container may set, given the namespaces it has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "runtime/setup.h"
#include "runtime/sysctl.h"

static void test_scope(void **state)
{
        (void)state;
        assert_int_equal(sysctl_scope_of("net.ipv4.ip_forward"), SYSCTL_SCOPE_NET);
        assert_int_equal(sysctl_scope_of("net.core.somaxconn"), SYSCTL_SCOPE_NET);
        assert_int_equal(sysctl_scope_of("kernel.shmmax"), SYSCTL_SCOPE_IPC);
        assert_int_equal(sysctl_scope_of("kernel.shm_rmid_forced"), SYSCTL_SCOPE_IPC);
        assert_int_equal(sysctl_scope_of("kernel.msgmnb"), SYSCTL_SCOPE_IPC);
        assert_int_equal(sysctl_scope_of("kernel.sem"), SYSCTL_SCOPE_IPC);
        assert_int_equal(sysctl_scope_of("fs.mqueue.msg_max"), SYSCTL_SCOPE_IPC);
        assert_int_equal(sysctl_scope_of("kernel.hostname"), SYSCTL_SCOPE_UTS);
        assert_int_equal(sysctl_scope_of("kernel.domainname"), SYSCTL_SCOPE_UTS);
        assert_int_equal(sysctl_scope_of("kernel.pid_max"), SYSCTL_SCOPE_NONE);
        assert_int_equal(sysctl_scope_of("vm.swappiness"), SYSCTL_SCOPE_NONE);
        assert_int_equal(sysctl_scope_of("kernel.semx"), SYSCTL_SCOPE_NONE);
        assert_int_equal(sysctl_scope_of("network.x"), SYSCTL_SCOPE_NONE);
}

/* Validates {"name": "1"} against a spec with the given namespaces; returns the error text. */
static int check(const char *name, const char *namespaces, struct rterr *err)
{
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"namespaces\":[%s],\"sysctl\":{\"%s\":\"1\"}}}",
                 namespaces, name);
        struct oci_spec *spec = NULL;
        if (oci_spec_parse(json, strlen(json), &spec, err) < 0)
                fail_msg("parse: %s", err->msg);
        rterr_clear(err);
        int rc = sysctl_validate(spec, err);
        oci_spec_free(spec);
        return rc;
}

static void test_validate(void **state)
{
        (void)state;
        struct rterr err = {0};
        const char *net = "{\"type\":\"network\"}", *ipc = "{\"type\":\"ipc\"}",
                   *uts = "{\"type\":\"uts\"}", *mnt = "{\"type\":\"mount\"}";
        assert_int_equal(check("net.ipv4.ip_forward", net, &err), 0);
        assert_int_equal(check("net.ipv4.ip_forward", mnt, &err), -1);
        assert_non_null(strstr(err.msg, "linux.sysctl.net.ipv4.ip_forward"));
        assert_non_null(strstr(err.msg, "network namespace"));
        assert_int_equal(check("kernel.shmmni", ipc, &err), 0);
        assert_int_equal(check("fs.mqueue.queues_max", net, &err), -1);
        assert_non_null(strstr(err.msg, "ipc namespace"));
        assert_int_equal(check("kernel.domainname", uts, &err), 0);
        assert_int_equal(check("kernel.domainname", ipc, &err), -1);
        assert_non_null(strstr(err.msg, "uts namespace"));
        /* As in runc: the hostname field is the one way to set it. */
        assert_int_equal(check("kernel.hostname", uts, &err), -1);
        assert_non_null(strstr(err.msg, "hostname field"));
        assert_int_equal(check("kernel.pid_max", net, &err), -1);
        assert_non_null(strstr(err.msg, "not namespaced"));
        assert_int_equal(check("net..x", net, &err), -1);
        assert_int_equal(check("net.a/../../x", net, &err), -1);
        assert_non_null(strstr(err.msg, "not a sysctl name"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_scope),
            cmocka_unit_test(test_validate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
