/* rootfs_prepare, rootfs_pivot and rootfs_finalize on a scratch rootfs, in a child with its
 * own mount namespace; the child checks what it sees from inside (mountinfo, stat, links). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "runtime/setup.h"

struct scratch {
        char dir[64];     /* mkdtemp */
        char rootfs[128]; /* dir/rootfs */
        char data[128];   /* dir/data: a bind source */
};

static void scratch_make(struct scratch *s)
{
        snprintf(s->dir, sizeof(s->dir), "/tmp/rtrun-test-setup-XXXXXX");
        assert_non_null(mkdtemp(s->dir));
        snprintf(s->rootfs, sizeof(s->rootfs), "%s/rootfs", s->dir);
        snprintf(s->data, sizeof(s->data), "%s/data", s->dir);
        assert_int_equal(mkdir(s->rootfs, 0755), 0);
        assert_int_equal(mkdir(s->data, 0755), 0);
        char p[256];
        snprintf(p, sizeof(p), "%s/etc", s->rootfs);
        assert_int_equal(mkdir(p, 0700), 0);
        /* A link that would leave the rootfs if a mount followed it on the host. */
        snprintf(p, sizeof(p), "%s/evil", s->rootfs);
        assert_int_equal(symlink("/etc", p), 0);
        snprintf(p, sizeof(p), "%s/up", s->rootfs);
        assert_int_equal(symlink("../../../../../../tmp", p), 0);
        snprintf(p, sizeof(p), "%s/marker", s->data);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs("hello\n", f);
        fclose(f);
}

static void scratch_remove(struct scratch *s)
{
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
        assert_int_equal(system(cmd), 0);
}

static void dump_mountinfo(void)
{
        char buf[4096];
        FILE *f = fopen("/proc/self/mountinfo", "re");
        while (f && fgets(buf, sizeof(buf), f))
                fputs(buf, stderr);
        if (f)
                fclose(f);
}

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "child: %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond,      \
                                strerror(errno));                                                  \
                        dump_mountinfo();                                                          \
                        return 1;                                                                  \
                }                                                                                  \
        } while (0)

/* The last (topmost) mountinfo line whose mount point is `mp`, copied into buf, or NULL. */
static char *mountinfo_line(const char *mp, char *buf, size_t len)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return NULL;
        char line[1024];
        bool found = false;
        while (fgets(line, sizeof(line), f)) {
                char point[512];
                if (sscanf(line, "%*s %*s %*s %*s %511s", point) == 1 && strcmp(point, mp) == 0) {
                        snprintf(buf, len, "%s", line);
                        found = true;
                }
        }
        fclose(f);
        return found ? buf : NULL;
}

static bool has(const char *line, const char *what)
{
        return line && strstr(line, what);
}

static int inside_checks(void)
{
        char l[1024];
        struct stat st;
        CHECK(has(mountinfo_line("/proc", l, sizeof(l)), " - proc "));
        CHECK(has(mountinfo_line("/dev", l, sizeof(l)), " - tmpfs "));
        CHECK(has(mountinfo_line("/dev", l, sizeof(l)), "mode=755"));
        /* bind + ro: the remount made it read-only. */
        CHECK(has(mountinfo_line("/data", l, sizeof(l)), " ro,"));
        CHECK(has(mountinfo_line("/data", l, sizeof(l)), "nosuid"));
        CHECK(access("/data/marker", R_OK) == 0);
        CHECK(open("/data/new", O_CREAT | O_WRONLY | O_CLOEXEC, 0644) < 0 && errno == EROFS);
        /* tmpfs ro: rw first, read-only after finalize. */
        CHECK(has(mountinfo_line("/ro", l, sizeof(l)), " ro,"));
        CHECK(has(mountinfo_line("/ro", l, sizeof(l)), "size=1024k"));
        /* The mount through the escaping link landed inside the rootfs. */
        CHECK(has(mountinfo_line("/etc/x", l, sizeof(l)), " - tmpfs "));
        CHECK(has(mountinfo_line("/tmp/y", l, sizeof(l)), " - tmpfs "));
        /* masked and read-only paths */
        CHECK(has(mountinfo_line("/proc/version", l, sizeof(l)), "/null /proc/version "));
        CHECK(stat("/proc/version", &st) == 0 && S_ISCHR(st.st_mode));
        CHECK(has(mountinfo_line("/proc/acpi", l, sizeof(l)), " ro,") ||
              access("/proc/acpi", F_OK) < 0);
        CHECK(has(mountinfo_line("/proc/sys", l, sizeof(l)), " ro,"));
        /* cgroup v1: a tmpfs with one read-only directory per hierarchy of the host */
        CHECK(has(mountinfo_line("/sys/fs/cgroup", l, sizeof(l)), " - tmpfs "));
        CHECK(
            has(mountinfo_line("/sys/fs/cgroup/memory", l, sizeof(l)), " ro,nosuid,nodev,noexec"));
        CHECK(has(mountinfo_line("/sys/fs/cgroup/memory", l, sizeof(l)), " - cgroup "));
        CHECK(access("/sys/fs/cgroup/memory/memory.limit_in_bytes", R_OK) == 0);
        /* devices and links */
        CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
              minor(st.st_rdev) == 3 && (st.st_mode & 07777) == 0666);
        CHECK(stat("/dev/tty", &st) == 0 && major(st.st_rdev) == 5 && minor(st.st_rdev) == 0);
        CHECK(stat("/dev/kmsg2", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
              minor(st.st_rdev) == 11 && (st.st_mode & 07777) == 0620 && st.st_uid == 7 &&
              st.st_gid == 8);
        char target[64] = {0};
        CHECK(readlink("/dev/ptmx", target, sizeof(target) - 1) > 0 &&
              strcmp(target, "pts/ptmx") == 0);
        memset(target, 0, sizeof(target));
        CHECK(readlink("/dev/fd", target, sizeof(target) - 1) > 0 &&
              strcmp(target, "/proc/self/fd") == 0);
        /* the root is read-only; nothing of the host remains visible */
        CHECK(has(mountinfo_line("/", l, sizeof(l)), " ro,"));
        CHECK(access("/rootfs", F_OK) < 0);
        return 0;
}

static int child(const char *json, const char *rootfs, bool no_pivot)
{
        struct oci_spec *spec = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &spec, &err) < 0) {
                fprintf(stderr, "child: parse: %s\n", err.msg);
                return 2;
        }
        if (unshare(CLONE_NEWNS) < 0)
                return 3;
        struct rootfs_opts o = {.rootfs = rootfs, .no_pivot = no_pivot};
        if (rootfs_prepare(spec, &o, &err) < 0 || rootfs_pivot(&o, &err) < 0 ||
            rootfs_finalize(spec, &err) < 0) {
                fprintf(stderr, "child: %s\n", err.msg);
                return 4;
        }
        return inside_checks();
}

static void run(bool no_pivot)
{
        struct scratch s;
        scratch_make(&s);
        char json[4096];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s\",\"readonly\":true},"
                 "\"mounts\":["
                 "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                 "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                 "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
                 "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"%s\","
                 "\"options\":[\"rbind\",\"ro\",\"nosuid\"]},"
                 "{\"destination\":\"/ro\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                 "\"options\":[\"ro\",\"size=1m\"]},"
                 "{\"destination\":\"/evil/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                 "{\"destination\":\"/up/y\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                 "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
                 "\"options\":[\"ro\",\"nosuid\",\"nodev\",\"noexec\"]}],"
                 "\"linux\":{\"maskedPaths\":[\"/proc/version\",\"/proc/acpi\",\"/proc/nope\"],"
                 "\"readonlyPaths\":[\"/proc/sys\",\"/proc/nope\"],"
                 "\"devices\":[{\"path\":\"/dev/kmsg2\",\"type\":\"c\",\"major\":1,\"minor\":11,"
                 "\"fileMode\":400,\"uid\":7,\"gid\":8}]}}",
                 s.rootfs, s.data);
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(child(json, s.rootfs, no_pivot));
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        /* Nothing leaked to the host: the link's target /etc did not get an x. */
        struct stat hs;
        assert_int_equal(stat("/etc/x", &hs), -1);
        assert_int_equal(stat("/tmp/y", &hs), -1);
        char p[256];
        snprintf(p, sizeof(p), "%s/etc/x", s.rootfs);
        assert_int_equal(stat(p, &hs), 0);
        scratch_remove(&s);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_pivot(void **state)
{
        (void)state;
        run(false);
}

static void test_no_pivot(void **state)
{
        (void)state;
        run(true);
}

int main(void)
{
        if (geteuid() != 0) {
                fprintf(stderr, "skipped: needs root for mount namespaces\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pivot),
            cmocka_unit_test(test_no_pivot),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
