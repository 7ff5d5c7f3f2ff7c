/* bundles/ci/bad/: every configuration-level case is refused by oci_spec_load with the text
 * in its `expected` file. Runtime-level cases (a `runtime` file) belong to the CLI tests. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "oci/oci.h"

/* At least this many configuration cases must exist, so a lost folder cannot pass silently. */
#define MIN_CASES 25

static char *corpus_dir(void)
{
        const char *slash = strrchr(__FILE__, '/');
        int n = slash ? (int)(slash - __FILE__) : 1;
        char *dir = NULL;
        if (asprintf(&dir, "%.*s/../../bundles/ci/bad", n, slash ? __FILE__ : ".") < 0)
                fail_msg("out of memory");
        return dir;
}

/* 1 checked, 0 skipped (runtime-level); fails the test on a mismatch. */
static int check_case(int dirfd, const char *dir, const char *name, int *failures)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                fail_msg("open %s/%s", dir, name);
        if (faccessat(fd, "config.json", F_OK, 0) < 0)
                return 0;
        if (faccessat(fd, "runtime", F_OK, 0) == 0)
                return 0;
        _cleanup_free_ char *expect = NULL;
        size_t len = 0;
        struct rterr err = {0};
        if (read_file_at(fd, "expected", &expect, &len, &err) < 0)
                fail_msg("%s: %s", name, err.msg);
        expect[strcspn(expect, "\n")] = '\0';
        assert_true(expect[0] != '\0');

        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                fail_msg("out of memory");
        struct oci_spec *s = NULL;
        if (oci_spec_load(path, &s, &err) == 0) {
                printf("%s: accepted\n", name);
                oci_spec_free(s);
                (*failures)++;
        } else if (strstr(err.msg, expect) == NULL) {
                printf("%s: want \"%s\"\n    got \"%s\"\n", name, expect, err.msg);
                (*failures)++;
        }
        return 1;
}

static void test_corpus(void **state)
{
        (void)state;
        _cleanup_free_ char *dir = corpus_dir();
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (d == NULL)
                fail_msg("cannot open %s", dir);
        int checked = 0, failures = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                        continue;
                if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
                        continue;
                checked += check_case(dirfd(d), dir, e->d_name, &failures);
        }
        printf("%d configuration cases checked\n", checked);
        assert_int_equal(failures, 0);
        assert_true(checked >= MIN_CASES);
}

/* A bundle without config.json names the file and the errno. */
static void test_missing_config(void **state)
{
        (void)state;
        struct oci_spec *s = NULL;
        struct rterr err = {0};
        assert_int_equal(oci_spec_load("/nonexistent-rtrun-bundle", &s, &err), -1);
        assert_non_null(strstr(err.msg, "/nonexistent-rtrun-bundle/config.json"));
        assert_non_null(strstr(err.msg, "No such file"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_corpus),
            cmocka_unit_test(test_missing_config),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
