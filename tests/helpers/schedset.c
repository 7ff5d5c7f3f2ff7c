/* Asks the kernel for a scheduling policy from inside a container, the way a program with
 * CAP_SYS_NICE would, and prints what it got:
 *   schedset deadline RUNTIME DEADLINE PERIOD   sched_setattr SCHED_DEADLINE (ns)
 *   schedset fifo|rr PRIO                       sched_setscheduler
 *   schedset other|batch                        sched_setscheduler, priority 0
 *   schedset param PRIO                         sched_setparam
 * Output: "ok" or "error ERRNO_NAME" and exit status 0 / 1; then the policy it runs with.
 * A last argument --hold keeps it running afterwards (until a signal). */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct attr {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
};

static int hold;

static int report(long rc)
{
        if (rc < 0)
                printf("error %s\n", errno == EPERM    ? "EPERM"
                                     : errno == EBUSY  ? "EBUSY"
                                     : errno == EINVAL ? "EINVAL"
                                                       : strerror(errno));
        else
                printf("ok\n");
        printf("policy %d\n", sched_getscheduler(0) & ~SCHED_RESET_ON_FORK);
        fflush(stdout);
        while (hold)
                pause();
        return rc < 0;
}

int main(int argc, char **argv)
{
        if (argc > 1 && strcmp(argv[argc - 1], "--hold") == 0) {
                hold = 1;
                argc--;
        }
        if (argc >= 5 && strcmp(argv[1], "deadline") == 0) {
                struct attr a = {.size = sizeof(a),
                                 .policy = 6,
                                 .runtime = strtoull(argv[2], NULL, 10),
                                 .deadline = strtoull(argv[3], NULL, 10),
                                 .period = strtoull(argv[4], NULL, 10)};
                return report(syscall(SYS_sched_setattr, 0, &a, 0));
        }
        struct sched_param sp = {.sched_priority = argc >= 3 ? atoi(argv[2]) : 0};
        if (argc >= 3 && strcmp(argv[1], "fifo") == 0)
                return report(sched_setscheduler(0, SCHED_FIFO, &sp));
        if (argc >= 3 && strcmp(argv[1], "rr") == 0)
                return report(sched_setscheduler(0, SCHED_RR, &sp));
        if (argc >= 3 && strcmp(argv[1], "param") == 0)
                return report(sched_setparam(0, &sp));
        if (argc >= 2 && strcmp(argv[1], "other") == 0)
                return report(sched_setscheduler(0, SCHED_OTHER, &sp));
        if (argc >= 2 && strcmp(argv[1], "batch") == 0)
                return report(sched_setscheduler(0, SCHED_BATCH, &sp));
        fprintf(stderr, "usage: schedset deadline R D P | fifo|rr|param PRIO | other|batch\n");
        return 2;
}
