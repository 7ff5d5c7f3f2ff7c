/* The foreground of `run` and `exec`: forward our signals to the container process, copy
 * between our stdio and a pty master when there is one, and return its exit code. */
#ifndef RTRUN_RUNTIME_FORWARD_H
#define RTRUN_RUNTIME_FORWARD_H

#include <signal.h>
#include <sys/types.h>

#include "runtime/context.h"

/* Blocks every signal (before the process is created, so none is lost); the container process
 * unblocks them before execve. */
void forward_block_signals(sigset_t *all);

/* Waits for pid (our child), forwarding every signal but SIGCHLD; master >= 0 is a pty master
 * proxied to our stdio. Returns the exit code, 128+N when killed by signal N. */
int forward_until_exit(const struct runtime_ctx *g, pid_t pid, const sigset_t *all, int master);

#endif
