/* Messages between rtrun and the container process during create. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/sync.h"

int sync_send(int fd, enum sync_type type, int32_t value, struct rterr *err)
{
        struct sync_msg m = {.type = type, .value = value};
        ssize_t w;
        do {
                w = send(fd, &m, sizeof(m), MSG_NOSIGNAL);
        } while (w < 0 && errno == EINTR);
        if (w != (ssize_t)sizeof(m))
                return rterr_errno(err, "sync with container process");
        return 0;
}

void sync_send_error(int fd, const struct rterr *e)
{
        struct sync_msg m = {.type = SYNC_ERROR, .value = e->code};
        snprintf(m.text, sizeof(m.text), "%s", e->msg);
        ssize_t w;
        do {
                w = send(fd, &m, sizeof(m), MSG_NOSIGNAL);
        } while (w < 0 && errno == EINTR);
}

int sync_recv(int fd, struct sync_msg *m, const char *waiting_for, struct rterr *err)
{
        ssize_t r;
        do {
                r = recv(fd, m, sizeof(*m), 0);
        } while (r < 0 && errno == EINTR);
        if (r < 0)
                return rterr_errno(err, "waiting for %s", waiting_for);
        if (r == 0)
                return rterr_set(err, EPIPE, "container process exited while waiting for %s",
                                 waiting_for);
        if (r != (ssize_t)sizeof(*m))
                return rterr_set(err, EPROTO, "waiting for %s: short sync message", waiting_for);
        if (m->type == SYNC_ERROR) {
                m->text[sizeof(m->text) - 1] = '\0';
                return rterr_set(err, m->value, "%s", m->text);
        }
        return 0;
}

int sync_expect(int fd, enum sync_type type, int32_t *value, const char *waiting_for,
                struct rterr *err)
{
        struct sync_msg m;
        if (sync_recv(fd, &m, waiting_for, err) < 0)
                return -1;
        if (m.type != (int32_t)type)
                return rterr_set(err, EPROTO, "waiting for %s: unexpected message %d", waiting_for,
                                 m.type);
        if (value)
                *value = m.value;
        return 0;
}
