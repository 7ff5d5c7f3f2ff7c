/* Input the JSON layer must refuse rather than silently change (NUL characters, repeated keys,
 * absurd nesting) and sizes the kernel would refuse halfway through the set-up: config.json,
 * process.json (exec --process), the resources of `update -r` and the admission taskset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "scheduler/scheduler.h"

#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
#define UTS "\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}"

/* A string of n copies of c, for building oversized fields. */
static char *repeat(char c, size_t n)
{
        char *s = malloc(n + 1);
        assert_non_null(s);
        memset(s, c, n);
        s[n] = '\0';
        return s;
}

/* printf into a fresh buffer */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
        va_list ap;
        va_start(ap, f);
        char *s = NULL;
        assert_true(vasprintf(&s, f, ap) >= 0);
        va_end(ap);
        return s;
}

static void spec_fails(const char *json, const char *want)
{
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        int rc = oci_spec_parse(json, strlen(json), &s, &err);
        if (rc == 0) {
                oci_spec_free(s);
                fail_msg("accepted: %.200s", json);
        }
        if (strstr(err.msg, want) == NULL)
                fail_msg("got  \"%s\"\nwant \"%s\"", err.msg, want);
}

static struct oci_spec *spec_ok(const char *json)
{
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &s, &err) < 0)
                fail_msg("refused: %s", err.msg);
        return s;
}

static void nul_in_a_string_names_the_field(void **state)
{
        (void)state;
        spec_fails(HEAD "\"process\":{\"args\":[\"tr\\u0000ue\"],\"cwd\":\"/\"}}",
                   "config.json: process.args[0]: the string contains a NUL character (\\u0000)");
        spec_fails(HEAD "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":"
                        "\"/etc\\u0000/../x\",\"type\":\"tmpfs\"}]}",
                   "config.json: mounts[1].destination: the string contains a NUL character");
        spec_fails(HEAD "\"annotations\":{\"ok\":\"1\",\"a\\u0000b\":\"x\"}}",
                   "config.json: annotations.a: the key contains a NUL character");
        spec_fails(HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"A=1\","
                        "\"B=\\u0000\"]}}",
                   "config.json: process.env[1]: the string contains a NUL");
        /* in an unknown field too: nothing in the file may hide a NUL */
        spec_fails(HEAD "\"x\":[{\"y\":[0,\"\\u0000\"]}]}", "config.json: x[0].y[1]: the string");
        /* a raw NUL byte in the text */
        const char raw[] = "{\"ociVersion\":\"1.2.0\"\0}";
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_spec_parse(raw, sizeof(raw) - 1, &s, &err), -1);
        assert_non_null(strstr(err.msg, "config.json: invalid JSON: NUL byte at offset 21"));
}

/* \\u0000 is a backslash followed by "u0000", not a NUL; comments do not confuse the scan. */
static void escaped_backslash_is_not_a_nul(void **state)
{
        (void)state;
        struct oci_spec *s = spec_ok(HEAD "/* a \" quote in a comment */ \"process\":{\"args\":"
                                          "[\"tr\\\\u0000ue\", \"\\u0001\"],\"cwd\":\"/\"}}");
        assert_string_equal(s->process.args.v[0], "tr\\u0000ue");
        assert_string_equal(s->process.args.v[1], "\x01");
        oci_spec_free(s);
        spec_fails(HEAD "// \"\n\"process\":{\"args\":[\"a\\u0000\"],\"cwd\":\"/\"}}",
                   "process.args[0]: the string contains a NUL");
}

static void duplicate_keys_are_refused(void **state)
{
        (void)state;
        spec_fails(HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\"},"
                        "\"process\":{\"args\":[\"b\"],\"cwd\":\"/\"}}",
                   "config.json: process: the key appears twice in one object");
        spec_fails(HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"user\":{\"uid\":0,"
                        "\"uid\":1}}}",
                   "config.json: process.user.uid: the key appears twice");
        spec_fails(HEAD "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\","
                        "\"destination\":\"/c\"}]}",
                   "config.json: mounts[1].destination: the key appears twice");
        /* a large object takes the sorted path */
        char *json;
        char big[4096] = "";
        size_t off = 0;
        for (int i = 0; i < 100; i++)
                off += (size_t)snprintf(big + off, sizeof(big) - off, "\"k%d\":\"v\",", i);
        json = fmt(HEAD "\"annotations\":{%s\"k57\":\"again\"}}", big);
        spec_fails(json, "config.json: annotations.k57: the key appears twice");
        free(json);
        json = fmt(HEAD "\"annotations\":{%s\"k100\":\"once\"}}", big);
        struct oci_spec *s = spec_ok(json);
        assert_int_equal(s->annotations.n, 101);
        oci_spec_free(s);
        free(json);
}

static void nesting_is_bounded(void **state)
{
        (void)state;
        /* Go's encoding/json stops at 10000 levels; an unknown field that deep is accepted */
        char *open = repeat('[', 9998), *close = repeat(']', 9998);
        char *json = fmt(HEAD "\"x\":%s%s}", open, close);
        struct oci_spec *s = spec_ok(json);
        oci_spec_free(s);
        free(json);
        free(open);
        free(close);
        open = repeat('[', 100000);
        json = fmt(HEAD "\"x\":%s", open);
        spec_fails(json, "config.json: invalid JSON: nested deeper than 10000 levels");
        free(json);
        free(open);
}

static void uts_names_within_the_kernel_limit(void **state)
{
        (void)state;
        char *name = repeat('h', 64);
        char *json = fmt(HEAD "\"hostname\":\"%s\",\"domainname\":\"%s\"," UTS "}", name, name);
        oci_spec_free(spec_ok(json));
        free(json);
        free(name);
        name = repeat('h', 65);
        json = fmt(HEAD "\"hostname\":\"%s\"," UTS "}", name);
        spec_fails(json, "config.json: hostname: 65 bytes long, more than the 64 the kernel "
                         "accepts (__NEW_UTS_LEN)");
        free(json);
        json = fmt(HEAD "\"domainname\":\"%s\"," UTS "}", name);
        spec_fails(json, "config.json: domainname: 65 bytes long");
        free(json);
        free(name);
}

static void args_and_env_within_execve_limits(void **state)
{
        (void)state;
        size_t max = 32 * (size_t)sysconf(_SC_PAGESIZE) - 1; /* MAX_ARG_STRLEN less the NUL */
        char *arg = repeat('a', max);
        char *json = fmt(HEAD "\"process\":{\"args\":[\"echo\",\"%s\"],\"cwd\":\"/\"}}", arg);
        oci_spec_free(spec_ok(json));
        free(json);
        free(arg);
        arg = repeat('a', max + 1);
        json = fmt(HEAD "\"process\":{\"args\":[\"echo\",\"%s\"],\"cwd\":\"/\"}}", arg);
        char *want = fmt("config.json: process.args[1]: %zu bytes long, more than the %zu "
                         "execve(2) accepts for one string (MAX_ARG_STRLEN)",
                         max + 1, max);
        spec_fails(json, want);
        free(want);
        free(json);
        json = fmt(HEAD "\"process\":{\"args\":[\"echo\"],\"env\":[\"A=%s\"],\"cwd\":\"/\"}}", arg);
        spec_fails(json, "config.json: process.env[0]: ");
        free(json);
        free(arg);
        /* the total: RLIMIT_STACK 1 MiB gives 256 KiB for strings and pointers (with 4 KiB
         * pages; the kernel's floor of 32 pages is above that with larger ones) */
        if (sysconf(_SC_PAGESIZE) != 4096)
                return;
        arg = repeat('b', 100000);
        const char *rl = "\"rlimits\":[{\"type\":\"RLIMIT_STACK\",\"soft\":1048576,"
                         "\"hard\":1048576}]";
        json = fmt(HEAD "\"process\":{\"args\":[\"echo\",\"%s\"],\"env\":[\"A=%s\"],\"cwd\":\"/\","
                        "%s}}",
                   arg, arg, rl);
        oci_spec_free(spec_ok(json));
        free(json);
        json = fmt(HEAD "\"process\":{\"args\":[\"echo\",\"%s\",\"%s\"],\"env\":[\"A=%s\"],"
                        "\"cwd\":\"/\",%s}}",
                   arg, arg, arg, rl);
        spec_fails(json, "more than the 262144 execve(2) accepts (a quarter of the stack rlimit");
        free(json);
        free(arg);
}

static void paths_and_counts_within_kernel_limits(void **state)
{
        (void)state;
        char *p = repeat('d', 4096);
        char *json = fmt(HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/%s\"}}", p);
        spec_fails(json, "config.json: process.cwd: 4097 bytes long, more than the 4095 the "
                         "kernel accepts (PATH_MAX)");
        free(json);
        json = fmt(HEAD "\"mounts\":[{\"destination\":\"/%s\"}]}", p);
        spec_fails(json, "config.json: mounts[0].destination: 4097 bytes long");
        free(json);
        free(p);
        /* mount(2) data is one page: the options rtrun does not map to flags */
        p = repeat('o', (size_t)sysconf(_SC_PAGESIZE));
        json = fmt(HEAD "\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":"
                        "[\"nosuid\",\"x=%s\"]}]}",
                   p);
        spec_fails(json, "config.json: mounts[0].options: ");
        spec_fails(json, "(mount(2) data is one page)");
        free(json);
        free(p);
        p = repeat('s', 4096);
        json = fmt("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s\"}}", p);
        spec_fails(json, "config.json: root.path: 4096 bytes long, more than the 4095");
        free(json);
        json = fmt(HEAD "\"mounts\":[{\"destination\":\"/m\",\"source\":\"%s\"}]}", p);
        spec_fails(json, "config.json: mounts[0].source: 4096 bytes long");
        free(json);
        json = fmt(HEAD "\"hooks\":{\"prestart\":[{\"path\":\"/%s\"}]}}", p);
        spec_fails(json, "config.json: hooks.prestart[0].path: 4097 bytes long");
        free(json);
        free(p);
        /* hooks are execve'd by rtrun: the same limits on their args and env */
        p = repeat('a', 32 * (size_t)sysconf(_SC_PAGESIZE));
        json = fmt(HEAD "\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],"
                        "\"env\":[\"A=1\",\"%s\"]}]}}",
                   p);
        spec_fails(json, "config.json: hooks.poststop[0].env[1]: ");
        spec_fails(json, "(MAX_ARG_STRLEN)");
        free(json);
        free(p);
        char maps[341 * 48] = "";
        size_t off = 0;
        for (int i = 0; i < 341; i++)
                off += (size_t)snprintf(maps + off, sizeof(maps) - off,
                                        "%s{\"containerID\":%d,\"hostID\":%d,\"size\":1}",
                                        i ? "," : "", i, 100000 + i);
        json = fmt(HEAD "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[%s]}}",
                   maps);
        spec_fails(json, "config.json: linux.uidMappings: 341 entries, more than the 340 the "
                         "kernel accepts (UID_GID_MAP_MAX_EXTENTS)");
        free(json);
}

static void process_json_is_checked_alike(void **state)
{
        (void)state;
        const struct {
                const char *json, *want;
        } cases[] = {
            {"{\"args\":[\"tr\\u0000ue\"],\"cwd\":\"/\"}",
             "process.json: args[0]: the string contains a NUL character"},
            {"{\"args\":[\"a\"],\"cwd\":\"/\",\"args\":[\"b\"]}",
             "process.json: args: the key appears twice"},
            {"{\"args\":[\"a\"],\"cwd\":\"/\\u0000x\"}", "process.json: cwd: the string contains"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct oci_process *p = NULL;
                struct rterr err = {0};
                assert_int_equal(oci_process_parse(cases[i].json, strlen(cases[i].json),
                                                   "process.json", &p, &err),
                                 -1);
                if (strstr(err.msg, cases[i].want) == NULL)
                        fail_msg("got  \"%s\"\nwant \"%s\"", err.msg, cases[i].want);
        }
        char *arg = repeat('a', 32 * (size_t)sysconf(_SC_PAGESIZE));
        char *json = fmt("{\"args\":[\"%s\"],\"cwd\":\"/\"}", arg);
        struct oci_process *p = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_process_parse(json, strlen(json), "process.json", &p, &err), -1);
        assert_non_null(strstr(err.msg, "process.json: args[0]: "));
        assert_non_null(strstr(err.msg, "(MAX_ARG_STRLEN)"));
        free(json);
        free(arg);
}

static void resources_json_is_checked_alike(void **state)
{
        (void)state;
        const struct {
                const char *json, *want;
        } cases[] = {
            {"{\"cpu\":{\"cpus\":\"0\\u0000-3\"}}", "r.json: cpu.cpus: the string contains"},
            {"{\"pids\":{\"limit\":1},\"pids\":{\"limit\":2}}", "r.json: pids: the key appears"},
            {"{\"memory\":{\"limit\":1,\"limit\":2}}", "r.json: memory.limit: the key appears"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct oci_resources *r = NULL;
                struct rterr err = {0};
                assert_int_equal(
                    oci_resources_parse(cases[i].json, strlen(cases[i].json), "r.json", &r, &err),
                    -1);
                if (strstr(err.msg, cases[i].want) == NULL)
                        fail_msg("got  \"%s\"\nwant \"%s\"", err.msg, cases[i].want);
        }
}

static void taskset_is_checked_alike(void **state)
{
        (void)state;
        struct sched_host h;
        struct rterr err = {0};
        assert_int_equal(
            sched_host_from_values(&h, 950000, 1000000, "0-3", 50000000, 1000000000, &err), 0);
        const struct {
                const char *json, *want;
        } cases[] = {
            {"{\"containers\":[{\"id\":\"a\\u0000b\"}]}",
             "t.json: containers[0].id: the string contains a NUL"},
            {"{\"containers\":[],\"containers\":[{\"id\":\"a\"}]}",
             "t.json: containers: the key appears twice"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct sched_taskset ts;
                assert_int_equal(sched_taskset_parse(cases[i].json, "t.json", &h, &ts, &err), -1);
                if (strstr(err.msg, cases[i].want) == NULL)
                        fail_msg("got  \"%s\"\nwant \"%s\"", err.msg, cases[i].want);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(nul_in_a_string_names_the_field),
            cmocka_unit_test(escaped_backslash_is_not_a_nul),
            cmocka_unit_test(duplicate_keys_are_refused),
            cmocka_unit_test(nesting_is_bounded),
            cmocka_unit_test(uts_names_within_the_kernel_limit),
            cmocka_unit_test(args_and_env_within_execve_limits),
            cmocka_unit_test(paths_and_counts_within_kernel_limits),
            cmocka_unit_test(process_json_is_checked_alike),
            cmocka_unit_test(resources_json_is_checked_alike),
            cmocka_unit_test(taskset_is_checked_alike),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
