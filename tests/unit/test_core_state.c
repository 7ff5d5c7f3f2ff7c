/* The state directory and the log format: IDs, state.json round trip, status from the live
 * process and the exec fifo, locking, and JSON log lines. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include <cmocka.h>

#include "common/common.h"
#include "runtime/log.h"
#include "runtime/state_dir.h"

static void test_ids(void **state)
{
        (void)state;
        struct rterr err = {0};
        assert_int_equal(container_id_validate("core-a_b+c.1", &err), 0);
        const char *bad[] = {"", ".", "..", "a/b", "../x", "a b", "a\nb", "é"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(container_id_validate(bad[i], &err), -1);
                assert_non_null(strstr(err.msg, "invalid container ID"));
        }
        char longid[1100];
        memset(longid, 'a', sizeof(longid) - 1);
        longid[sizeof(longid) - 1] = '\0';
        assert_int_equal(container_id_validate(longid, &err), -1);
}

/* <tmp>/state/root into buf: two levels container_new must create. */
static void make_root(char *buf, size_t size)
{
        snprintf(buf, size, "/tmp/rtrun-test-core-unit.%d.XXXXXX", (int)getpid());
        assert_non_null(mkdtemp(buf));
        strncat(buf, "/state/root", size - strlen(buf) - 1);
}

static void test_roundtrip_and_status(void **state)
{
        (void)state;
        char root[256];
        make_root(root, sizeof(root));
        struct runtime_ctx g = {.root = root, .log_fd = -1};
        struct rterr err = {0};
        struct container *c = NULL;
        assert_int_equal(container_new(&g, "core-u1", &c, &err), 0);
        struct container *dup = NULL;
        assert_int_equal(container_new(&g, "core-u1", &dup, &err), -1);
        assert_non_null(strstr(err.msg, "container with id exists: core-u1"));
        /* This process stands in for the container's init. */
        c->pid = getpid();
        assert_int_equal(proc_stat_read(c->pid, &c->pid_starttime, NULL), 0);
        c->bundle = strdup("/b \"quoted\"");
        c->rootfs = strdup("/b/rootfs");
        c->created = strdup("2026-01-01T00:00:00.000000001Z");
        c->owner = strdup("");
        c->annotations.v = calloc(1, sizeof(*c->annotations.v));
        c->annotations.v[0].key = strdup("org.rtrun.k");
        c->annotations.v[0].value = strdup("v\n2");
        c->annotations.n = 1;
        assert_int_equal(container_save(c, &err), 0);
        assert_int_equal(mkfifoat(c->lock_fd, STATE_FIFO, 0622), 0);

        struct container *p = NULL;
        assert_int_equal(container_peek(&g, "core-u1", &p, &err), 0);
        assert_int_equal(p->pid, getpid());
        assert_string_equal(p->bundle, "/b \"quoted\"");
        assert_string_equal(p->created, "2026-01-01T00:00:00.000000001Z");
        assert_string_equal(p->annotations.v[0].value, "v\n2");
        assert_int_equal(p->status, OCI_STATUS_CREATED);
        assert_int_equal(unlinkat(c->lock_fd, STATE_FIFO, 0), 0);
        container_refresh_status(p);
        assert_int_equal(p->status, OCI_STATUS_RUNNING);
        p->pid_starttime++; /* a reused pid is not our init */
        container_refresh_status(p);
        assert_int_equal(p->status, OCI_STATUS_STOPPED);
        container_free(p);

        /* The lock is exclusive per container: another open file description cannot take it. */
        char *dir = NULL;
        assert_true(asprintf(&dir, "%s/core-u1", root) > 0);
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
        container_free(c); /* releases it */
        assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
        close(fd);

        assert_int_equal(container_load(&g, "core-u1", &c, &err), 0);
        assert_int_equal(container_remove_dir(c, &err), 0);
        container_free(c);
        assert_int_equal(container_load(&g, "core-u1", &c, &err), -1);
        assert_string_equal(err.msg, "container core-u1 does not exist");
        free(dir);
        /* root is <tmp>/state/root: remove the three levels. */
        for (int level = 0; level < 3; level++) {
                assert_int_equal(rmdir(root), 0);
                root[strrchr(root, '/') - root] = '\0';
        }
}

static void test_json_log(void **state)
{
        (void)state;
        char path[] = "/tmp/rtrun-test-core-log.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        struct runtime_ctx g = {.log_format = LOG_FORMAT_JSON, .log_fd = fd};
        log_msg(&g, LOG_WARN, "first");
        log_msg(&g, LOG_DEBUG, "not shown without --debug");
        struct rterr err;
        rterr_set(&err, 0, "bad \"value\"\tin\nconfig.json");
        assert_int_equal(log_fail(&g, &err), 1);
        char *text = NULL;
        assert_int_equal(read_file_at(AT_FDCWD, path, &text, NULL, &err), 0);
        char *second = strchr(text, '\n');
        assert_non_null(second);
        *second++ = '\0';
        assert_int_equal(strchr(second, '\n') - second, (long)strlen(second) - 1);
        char ebuf[128];
        yajl_val v = yajl_tree_parse(second, ebuf, sizeof(ebuf));
        assert_non_null(v);
        const char *lp[] = {"level", NULL}, *mp[] = {"msg", NULL}, *tp[] = {"time", NULL};
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, lp, yajl_t_string)), "error");
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, mp, yajl_t_string)),
                            "bad \"value\"\tin\nconfig.json");
        const char *t = YAJL_GET_STRING(yajl_tree_get(v, tp, yajl_t_string));
        assert_int_equal(strlen(t), strlen("2026-01-01T00:00:00.000000000Z"));
        assert_int_equal(t[10], 'T');
        yajl_tree_free(v);
        free(text);
        close(fd);
        unlink(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ids),
            cmocka_unit_test(test_roundtrip_and_status),
            cmocka_unit_test(test_json_log),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
