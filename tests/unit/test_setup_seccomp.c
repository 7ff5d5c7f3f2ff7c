/* linux.seccomp to libseccomp: the translation checked on the built filter, and the effect
 * checked by loading it in a child process and making the filtered system calls. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "oci/oci.h"
#include "runtime/seccomp_filter.h"
#include "runtime/setup.h"

static struct oci_spec *parse(const char *seccomp)
{
        char json[8192];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"seccomp\":%s}}",
                 seccomp);
        struct oci_spec *spec = NULL;
        struct rterr err = {0};
        if (oci_spec_parse(json, strlen(json), &spec, &err) < 0)
                fail_msg("parse: %s", err.msg);
        return spec;
}

static void test_actions(void **state)
{
        (void)state;
        oci_opt_u64 none = {0}, e = {.set = true, .v = 38};
        assert_int_equal(seccomp_action(OCI_SCMP_ERRNO, &none), SCMP_ACT_ERRNO(EPERM));
        assert_int_equal(seccomp_action(OCI_SCMP_ERRNO, &e), SCMP_ACT_ERRNO(38));
        assert_int_equal(seccomp_action(OCI_SCMP_TRACE, &e), SCMP_ACT_TRACE(38));
        assert_int_equal(seccomp_action(OCI_SCMP_KILL, &none), SCMP_ACT_KILL_THREAD);
        assert_int_equal(seccomp_action(OCI_SCMP_KILL_THREAD, &none), SCMP_ACT_KILL_THREAD);
        assert_int_equal(seccomp_action(OCI_SCMP_KILL_PROCESS, &none), SCMP_ACT_KILL_PROCESS);
        assert_int_equal(seccomp_action(OCI_SCMP_TRAP, &none), SCMP_ACT_TRAP);
        assert_int_equal(seccomp_action(OCI_SCMP_LOG, &none), SCMP_ACT_LOG);
        assert_int_equal(seccomp_action(OCI_SCMP_NOTIFY, &none), SCMP_ACT_NOTIFY);
        assert_int_equal(seccomp_action(OCI_SCMP_ALLOW, &none), SCMP_ACT_ALLOW);
        assert_int_equal(seccomp_arch("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
        assert_int_equal(seccomp_arch("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64);
        assert_int_equal(seccomp_arch("SCMP_ARCH_NOPE"), 0);
}

static void test_build_attributes(void **state)
{
        (void)state;
        struct oci_spec *s =
            parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                  "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                  "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
                  "\"syscalls\":[{\"names\":[\"read\",\"no_such_syscall_xyz\"],"
                  "\"action\":\"SCMP_ACT_ALLOW\"},"
                  "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":2},"
                  "{\"names\":[\"close\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
        scmp_filter_ctx ctx = NULL;
        struct rterr err = {0};
        assert_int_equal(seccomp_build(&s->linux_.seccomp, &ctx, &err), 0);
        uint32_t v = 0;
        assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &v), 0);
        assert_int_equal(v, SCMP_ACT_ERRNO(1));
        assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_NNP, &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X32), 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_AARCH64), -EEXIST);
        /* The exported program has a branch for each rule; the unknown name is skipped. */
        FILE *f = tmpfile();
        assert_non_null(f);
        assert_int_equal(seccomp_export_pfc(ctx, fileno(f)), 0);
        char pfc[65536];
        rewind(f);
        size_t n = fread(pfc, 1, sizeof(pfc) - 1, f);
        pfc[n] = '\0';
        fclose(f);
        assert_non_null(strstr(pfc, "\"read\""));
        assert_non_null(strstr(pfc, "\"write\""));
        assert_null(strstr(pfc, "no_such_syscall_xyz"));
        /* A rule with the default action (and errno) adds nothing. */
        assert_null(strstr(pfc, "\"close\""));
        seccomp_release(ctx);
        oci_spec_free(s);
}

static void test_build_errors(void **state)
{
        (void)state;
        struct oci_spec *s = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                                   "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}");
        scmp_filter_ctx ctx = NULL;
        struct rterr err = {0};
        int rc = seccomp_build(&s->linux_.seccomp, &ctx, &err);
#ifdef SCMP_FLTATR_CTL_WAITKILL
        assert_int_equal(rc, 0);
        seccomp_release(ctx);
#else
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err.msg, "linux.seccomp.flags[0]"));
        assert_non_null(strstr(err.msg, "WAIT_KILLABLE_RECV"));
#endif
        oci_spec_free(s);
}

/* Loads the filter in a child, runs probe() there and returns its exit status. */
static int in_child(const char *seccomp, int (*probe)(void))
{
        struct oci_spec *s = parse(seccomp);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rterr err = {0};
                struct seccomp_prog prog;
                if (seccomp_prepare(&s->linux_.seccomp, &prog, &err) < 0) {
                        fprintf(stderr, "seccomp_prepare: %s\n", err.msg);
                        _exit(100);
                }
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    seccomp_install(&prog, false) < 0) {
                        fprintf(stderr, "seccomp_install: %s\n", strerror(errno));
                        _exit(100);
                }
                _exit(probe());
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        oci_spec_free(s);
        return status;
}

/* 0 when the raw syscall failed with `e`, else 1 + the line, for the report. */
#define EXPECT_ERRNO(call, e)                                                                      \
        do {                                                                                       \
                errno = 0;                                                                         \
                long r_ = (call);                                                                  \
                if (r_ != -1 || errno != (e)) {                                                    \
                        fprintf(stderr, "%s: got %ld errno %d, want errno %d\n", #call, r_, errno, \
                                (e));                                                              \
                        return 1;                                                                  \
                }                                                                                  \
        } while (0)
#define EXPECT_OK(call)                                                                            \
        do {                                                                                       \
                if ((call) < 0) {                                                                  \
                        fprintf(stderr, "%s: %s\n", #call, strerror(errno));                       \
                        return 1;                                                                  \
                }                                                                                  \
        } while (0)

static int probe_errno(void)
{
        EXPECT_ERRNO(syscall(SYS_getppid), 38);
        EXPECT_ERRNO(syscall(SYS_getpgrp), EPERM);
        EXPECT_OK(syscall(SYS_getpid));
        return 0;
}

static void test_load_errno(void **state)
{
        (void)state;
        int st = in_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                          "{\"names\":[\"getppid\",\"not_a_syscall\"],"
                          "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
                          "{\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                          "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                          probe_errno);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

static int probe_args(void)
{
        /* fd 1000 is not open: without the filter fcntl fails with EBADF. */
        EXPECT_ERRNO(syscall(SYS_fcntl, 1000, F_GETFD), EAGAIN);
        EXPECT_ERRNO(syscall(SYS_fcntl, 1000, F_GETFL), EBADF);
        EXPECT_OK(syscall(SYS_fcntl, 0, F_GETFD));
        /* Two conditions on one index: either one matches. */
        EXPECT_ERRNO(syscall(SYS_umask, 022), EDOM);
        EXPECT_ERRNO(syscall(SYS_umask, 077), EDOM);
        EXPECT_OK(syscall(SYS_umask, 011));
        /* Masked: (flags & 0x3) == 0x1, i.e. opened O_WRONLY. */
        EXPECT_ERRNO(open("/dev/null", O_WRONLY | O_CLOEXEC), EROFS);
        EXPECT_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
        EXPECT_OK(open("/dev/null", O_RDWR | O_CLOEXEC));
        return 0;
}

static void test_load_args(void **state)
{
        (void)state;
        int st = in_child(
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
            "{\"names\":[\"fcntl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":11,"
            "\"args\":[{\"index\":0,\"value\":1000,\"op\":\"SCMP_CMP_EQ\"},"
            "{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
            "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33,"
            "\"args\":[{\"index\":0,\"value\":18,\"op\":\"SCMP_CMP_EQ\"},"
            "{\"index\":0,\"value\":63,\"op\":\"SCMP_CMP_EQ\"}]},"
            "{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":30,"
            "\"args\":[{\"index\":2,\"value\":3,\"valueTwo\":1,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}"
            "]}",
            probe_args);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

static int probe_kill(void)
{
        syscall(SYS_getppid);
        return 0;
}

static void test_load_kill(void **state)
{
        (void)state;
        int st = in_child("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                          "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
                          probe_kill);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGSYS);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_actions),      cmocka_unit_test(test_build_attributes),
            cmocka_unit_test(test_build_errors), cmocka_unit_test(test_load_errno),
            cmocka_unit_test(test_load_args),    cmocka_unit_test(test_load_kill),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
