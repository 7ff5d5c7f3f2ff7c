/* The real-time guard's filter, loaded for real in a forked child (no_new_privs first, so no
 * privilege is needed): each request is made invalid on purpose, so that without the guard the
 * kernel answers EINVAL (or EFAULT), and with it seccomp answers EPERM before the kernel looks. */
#include <errno.h>
#include <sched.h>
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

#include "runtime/sched_guard.h"

enum probe {
        PROBE_SETATTR,        /* sched_setattr(0, NULL, 0) */
        PROBE_FIFO,           /* sched_setscheduler(0, FIFO, priority 1000) */
        PROBE_DEADLINE_RESET, /* sched_setscheduler(0, DEADLINE | RESET_ON_FORK, ...) */
        PROBE_FIFO_HIGH_BITS, /* FIFO with the upper half of the argument set */
        PROBE_SETPARAM,       /* sched_setparam(0, NULL) */
        PROBE_BATCH,          /* sched_setscheduler(0, BATCH, 0): allowed */
        PROBE_SETATTR_I386,   /* sched_setattr through int 0x80 (x86_64 only) */
};

static long probe(enum probe p)
{
        struct sched_param bad = {.sched_priority = 1000}, zero = {0};
        switch (p) {
        case PROBE_SETATTR:
                return syscall(SYS_sched_setattr, 0, NULL, 0);
        case PROBE_FIFO:
                return syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &bad);
        case PROBE_DEADLINE_RESET:
                return syscall(SYS_sched_setscheduler, 0, 6 | SCHED_RESET_ON_FORK, &bad);
        case PROBE_FIFO_HIGH_BITS:
                return syscall(SYS_sched_setscheduler, 0, (1UL << 32) | SCHED_FIFO, &bad);
        case PROBE_SETPARAM:
                return syscall(SYS_sched_setparam, 0, NULL);
        case PROBE_BATCH:
                return syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &zero);
        case PROBE_SETATTR_I386: {
#if defined(__x86_64__)
                long ret = 351; /* i386 sched_setattr; attr NULL */
                __asm__ volatile("int $0x80"
                                 : "+a"(ret)
                                 : "b"(0), "c"(0), "d"(0)
                                 : "memory", "r8", "r9", "r10", "r11");
                if (ret < 0) {
                        errno = (int)-ret;
                        return -1;
                }
                return ret;
#else
                errno = EPERM;
                return -1;
#endif
        }
        }
        return 0;
}

/* In a child: optionally loads the guard (annotation value, NULL for none given), runs the
 * probe, exits with 0 on success, else its errno (255 when loading failed). */
static int in_child(const char *annotation, bool load, enum probe p)
{
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                struct oci_kv kv = {.key = (char *)SCHED_GUARD_ANNOTATION,
                                    .value = (char *)annotation};
                struct oci_kvs kvs = {.v = &kv, .n = annotation ? 1 : 0};
                struct rterr err = {0};
                if (load && sched_guard_apply(&kvs, &err) < 0)
                        _exit(255);
                _exit(probe(p) < 0 ? errno : 0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static void test_without_guard_kernel_answers(void **state)
{
        (void)state;
        assert_int_equal(in_child(NULL, false, PROBE_SETATTR), EINVAL);
        assert_int_equal(in_child(NULL, false, PROBE_FIFO), EINVAL);
        assert_int_equal(in_child(NULL, false, PROBE_DEADLINE_RESET), EINVAL);
        assert_int_equal(in_child(NULL, false, PROBE_FIFO_HIGH_BITS), EINVAL);
        assert_int_equal(in_child(NULL, false, PROBE_SETPARAM), EINVAL);
        assert_int_equal(in_child(NULL, false, PROBE_BATCH), 0);
}

static void test_guard_refuses_real_time(void **state)
{
        (void)state;
        assert_int_equal(in_child(NULL, true, PROBE_SETATTR), EPERM);
        assert_int_equal(in_child(NULL, true, PROBE_FIFO), EPERM);
        assert_int_equal(in_child(NULL, true, PROBE_DEADLINE_RESET), EPERM);
        assert_int_equal(in_child(NULL, true, PROBE_FIFO_HIGH_BITS), EPERM);
        assert_int_equal(in_child(NULL, true, PROBE_SETPARAM), EPERM);
        assert_int_equal(in_child("true", true, PROBE_FIFO), EPERM);
}

static void test_guard_allows_the_rest(void **state)
{
        (void)state;
        assert_int_equal(in_child(NULL, true, PROBE_BATCH), 0);
}

static void test_compat_abi(void **state)
{
        (void)state;
#if defined(__x86_64__)
        int without = in_child(NULL, false, PROBE_SETATTR_I386);
        if (without == ENOSYS)
                skip(); /* no IA32 emulation in this kernel: nothing to guard */
        assert_int_not_equal(without, EPERM);
        assert_int_equal(in_child(NULL, true, PROBE_SETATTR_I386), EPERM);
#else
        skip();
#endif
}

static void test_annotation(void **state)
{
        (void)state;
        /* "false" loads nothing: the kernel answers. */
        assert_int_equal(in_child("false", true, PROBE_SETATTR), EINVAL);
        struct oci_kv kv = {.key = (char *)SCHED_GUARD_ANNOTATION, .value = (char *)"maybe"};
        struct oci_kvs kvs = {.v = &kv, .n = 1};
        struct rterr err = {0};
        assert_int_equal(sched_guard_apply(&kvs, &err), -1);
        assert_int_equal(err.code, EINVAL);
        assert_non_null(strstr(err.msg, "org.rtrun.sched.guard"));
        assert_non_null(strstr(err.msg, "maybe"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_without_guard_kernel_answers),
            cmocka_unit_test(test_guard_refuses_real_time),
            cmocka_unit_test(test_guard_allows_the_rest),
            cmocka_unit_test(test_compat_abi),
            cmocka_unit_test(test_annotation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
