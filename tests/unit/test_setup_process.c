/* user_apply, caps_apply and rlimits_apply in a child: the result is read back from
 * /proc/self/status and getrlimit, as the container would see it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "runtime/setup.h"

/* The value of a /proc/self/status field ("CapEff"), whitespace-trimmed. */
static int status_field(const char *name, char *out, size_t len)
{
        FILE *f = fopen("/proc/self/status", "re");
        if (!f)
                return -1;
        char line[512];
        int rc = -1;
        size_t n = strlen(name);
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, name, n) != 0 || line[n] != ':')
                        continue;
                char *v = line + n + 1;
                v += strspn(v, " \t");
                v[strcspn(v, "\n")] = '\0';
                snprintf(out, len, "%s", v);
                rc = 0;
        }
        fclose(f);
        return rc;
}

struct expect {
        const char *field, *value;
};

static int child(const char *process_json, const struct expect *want, size_t n)
{
        char json[4096];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"process\":%s}",
                 process_json);
        struct oci_spec *spec = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &spec, &err) < 0) {
                fprintf(stderr, "child: parse: %s\n", err.msg);
                return 2;
        }
        if (rlimits_apply(&spec->process, &err) < 0 ||
            user_apply(&spec->process, false, &err) < 0 || caps_apply(&spec->process, &err) < 0) {
                fprintf(stderr, "child: %s\n", err.msg);
                return 3;
        }
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
                char v[256] = "(missing)";
                status_field(want[i].field, v, sizeof(v));
                if (strcmp(v, want[i].value) != 0) {
                        fprintf(stderr, "child: %s: got \"%s\", want \"%s\"\n", want[i].field, v,
                                want[i].value);
                        bad = 1;
                }
        }
        struct rlimit r;
        if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur != 100 || r.rlim_max != 200) {
                fprintf(stderr, "child: RLIMIT_NOFILE %llu/%llu\n", (unsigned long long)r.rlim_cur,
                        (unsigned long long)r.rlim_max);
                bad = 1;
        }
        return bad;
}

static int run(const char *process_json, const struct expect *want, size_t n)
{
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(child(process_json, want, n));
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_non_root_user_keeps_caps(void **state)
{
        (void)state;
        static const struct expect want[] = {
            {"Uid", "1000\t1000\t1000\t1000"},
            {"Gid", "1001\t1001\t1001\t1001"},
            {"Groups", "5 6 "},
            {"Umask", "0027"},
            /* CHOWN=0, KILL=5, NET_BIND_SERVICE=10 */
            {"CapBnd", "0000000000000421"},
            {"CapPrm", "0000000000000021"},
            {"CapEff", "0000000000000001"},
            {"CapInh", "0000000000000020"},
            {"CapAmb", "0000000000000020"},
            {"NoNewPrivs", "1"},
        };
        int rc = run("{\"cwd\":\"/\",\"args\":[\"sh\"],"
                     "\"user\":{\"uid\":1000,\"gid\":1001,\"umask\":23,\"additionalGids\":[5,6]},"
                     "\"noNewPrivileges\":true,"
                     "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200}],"
                     "\"capabilities\":{"
                     "\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
                     "\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\"],"
                     "\"effective\":[\"CAP_CHOWN\"],"
                     "\"inheritable\":[\"CAP_KILL\"],"
                     "\"ambient\":[\"CAP_KILL\"]}}",
                     want, sizeof(want) / sizeof(want[0]));
        assert_int_equal(rc, 0);
}

static void test_root_without_caps(void **state)
{
        (void)state;
        static const struct expect want[] = {
            {"Uid", "0\t0\t0\t0"},
            {"Groups", ""},
            {"Umask", "0022"},
            {"CapBnd", "0000000000000000"},
            {"CapPrm", "0000000000000000"},
            {"CapEff", "0000000000000000"},
            {"NoNewPrivs", "0"},
        };
        int rc = run("{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
                     "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200}],"
                     "\"capabilities\":{}}",
                     want, sizeof(want) / sizeof(want[0]));
        assert_int_equal(rc, 0);
}

static void test_ambient_needs_inheritable(void **state)
{
        (void)state;
        int rc = run("{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
                     "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200}],"
                     "\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],"
                     "\"ambient\":[\"CAP_KILL\"]}}",
                     NULL, 0);
        assert_int_equal(rc, 3);
}

int main(void)
{
        if (geteuid() != 0) {
                fprintf(stderr, "skipped: needs root\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_non_root_user_keeps_caps),
            cmocka_unit_test(test_root_without_caps),
            cmocka_unit_test(test_ambient_needs_inheritable),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
