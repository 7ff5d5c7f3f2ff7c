/* fork-like clone and clone3 without a separate stack: the child returns 0 like fork. */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/clone.h"

pid_t clone_child(int flags, int cgroup_fd)
{
        if (cgroup_fd < 0)
                return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL,
                                      NULL);
        struct clone_args args = {
            .flags = (uint64_t)(unsigned int)flags | CLONE_INTO_CGROUP,
            .exit_signal = SIGCHLD,
            .cgroup = (uint64_t)cgroup_fd,
        };
        return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}
