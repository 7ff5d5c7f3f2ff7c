/* Creating the container's processes: fork(2)-like clones into new namespaces and, on cgroup2,
 * straight into the container's cgroup. */
#ifndef RTRUN_RUNTIME_CLONE_H
#define RTRUN_RUNTIME_CLONE_H

#include <sys/types.h>

/* Like fork(2) (the child runs on a copy of our stack) with CLONE_NEW* flags; cgroup_fd >= 0
 * places the child in that cgroup2 directory at birth (clone3 CLONE_INTO_CGROUP). Returns the
 * child's pid, 0 in the child, or -1 with errno. */
pid_t clone_child(int flags, int cgroup_fd);

#endif
