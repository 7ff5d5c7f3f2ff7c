/* The create-time conversation between rtrun and the container process over a SOCK_SEQPACKET
 * socketpair: one fixed-size message per step, errors carried as text. */
#ifndef RTRUN_RUNTIME_SYNC_H
#define RTRUN_RUNTIME_SYNC_H

#include <stdint.h>

#include "common/common.h"

enum sync_type {
        SYNC_USERNS = 1, /* child -> parent: the user namespace exists, write the id maps */
        SYNC_GO,         /* parent -> child: maps and cgroup done; value = init's host pid */
        SYNC_GRANDCHILD, /* child -> parent: value = the forked init's host pid */
        SYNC_PID,        /* parent -> forked init: value = its host pid */
        SYNC_HOOKS,      /* child -> parent: run prestart and createRuntime hooks now */
        SYNC_HOOKS_DONE, /* parent -> child */
        SYNC_READY,      /* child -> parent: set up, waiting on the exec fifo */
        SYNC_ERROR,      /* child -> parent: text holds the error */
};

struct sync_msg {
        int32_t type;
        int32_t value;
        char text[1024];
};

int sync_send(int fd, enum sync_type type, int32_t value, struct rterr *err);
/* Sends an error as text (best effort: the peer may be gone). */
void sync_send_error(int fd, const struct rterr *e);
/* Receives the next message; SYNC_ERROR becomes an error with its text, EOF an error naming
 * `waiting_for`. */
int sync_recv(int fd, struct sync_msg *m, const char *waiting_for, struct rterr *err);
/* Receives and checks the type. */
int sync_expect(int fd, enum sync_type type, int32_t *value, const char *waiting_for,
                struct rterr *err);

#endif
