/* The state directory <root>/<id> beyond what container.h offers: creating it, saving
 * state.json, reading it without the lock, computing the status and removing it. */
#ifndef RTRUN_RUNTIME_STATE_DIR_H
#define RTRUN_RUNTIME_STATE_DIR_H

#include <stdbool.h>

#include "runtime/container.h"

#define STATE_FILE "state.json"
#define STATE_CONFIG "config.json" /* the copy of the bundle's config.json */
#define STATE_FIFO "exec.fifo"     /* exists from create until start */
/* The container's cgroup path, written by create before it makes the cgroup (absolute paths)
 * or right after: a create killed before state.json exists leaves what delete --force needs to
 * find the cgroup and what rt/ claimed for it. */

/* runc's rule: letters, digits, '_', '+', '-', '.', not "." or "..", at most 1024 bytes. */
int container_id_validate(const char *id, struct rterr *err);

/* Creates <root>/<id> (and root) exclusively and locks it; "container with id exists: ID" when
 * it is there already. The caller fills the fields and calls container_save. */
int container_new(const struct runtime_ctx *g, const char *id, struct container **out,
                  struct rterr *err);

/* Like container_load without taking the lock (state, list): lock_fd is the unlocked dir fd. */
int container_peek(const struct runtime_ctx *g, const char *id, struct container **out,
                   struct rterr *err);

/* Writes state.json atomically. */
int container_save(const struct container *c, struct rterr *err);

/* Recomputes c->status from the live process, the exec fifo and the cgroup freezer. */
void container_refresh_status(struct container *c);

/* Removes every file of the state directory and the directory itself. */
int container_remove_dir(struct container *c, struct rterr *err);

/* The runtime-spec state of c (pointers borrowed from c). */
void container_oci_state(const struct container *c, enum oci_status status, struct oci_state *st);

/* Reads field 22 (starttime) and the state letter of /proc/PID/stat. */
int proc_stat_read(pid_t pid, uint64_t *starttime, char *state);

/* --pid-file: the bare pid, no newline (runc's format), written atomically. */
int pid_file_write(const char *path, pid_t pid, struct rterr *err);

/* RFC3339 UTC with nanoseconds of now, into buf (at least 40 bytes). */
void rfc3339_nano_now(char *buf, size_t size);

#endif
