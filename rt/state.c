/* What rt/ changed on the host, one small text file per mechanism under RT_STATE_DIR, so
 * teardown, `cpus release` and a run after a crash can undo it. Each line is
 * "KIND<TAB>A<TAB>B". The file is locked (flock on NAME.lock) from open to close. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"

static int parse_line(char *line, struct rt_state_entry *e)
{
        char *a = strchr(line, '\t');
        char *b = a ? strchr(a + 1, '\t') : NULL;
        if (b == NULL)
                return -1;
        *a++ = '\0';
        *b++ = '\0';
        b[strcspn(b, "\n")] = '\0';
        if (rt_pathf(e->kind, sizeof(e->kind), "%s", line) < 0 ||
            rt_pathf(e->a, sizeof(e->a), "%s", a) < 0 || rt_pathf(e->b, sizeof(e->b), "%s", b) < 0)
                return -1;
        return 0;
}

bool rt_state_exists(const char *name)
{
        char path[RT_PATH];
        return rt_pathf(path, sizeof(path), "%s/%s", RT_STATE_DIR, name) == 0 &&
               access(path, F_OK) == 0;
}

void rt_state_sweep(void)
{
        _cleanup_close_ int dir = open(RT_STATE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0)
                sweep_dead_temporaries(dir);
}

int rt_state_open(const char *name, struct rt_state *st, struct rterr *err)
{
        memset(st, 0, sizeof(*st));
        st->lock_fd = -1;
        snprintf(st->name, sizeof(st->name), "%s", name);
        if (mkdir_p(RT_STATE_DIR, 0700, err) < 0)
                return -1;
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/%s.lock", RT_STATE_DIR, name);
        st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (st->lock_fd < 0)
                return rterr_errno(err, "open %s", path);
        if (flock(st->lock_fd, LOCK_EX) < 0) {
                rterr_errno(err, "lock %s", path);
                rt_state_close(st);
                return -1;
        }
        rt_state_sweep();
        rt_pathf(path, sizeof(path), "%s/%s", RT_STATE_DIR, name);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (f == NULL)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", path);
        _cleanup_free_ char *line = NULL;
        _cleanup_free_ struct rt_state_entry *e = malloc(sizeof(*e));
        size_t cap = 0;
        if (e == NULL)
                return rterr_errno(err, "read %s", path);
        while (getline(&line, &cap, f) > 0) {
                if (parse_line(line, e) == 0 && rt_state_add(st, e->kind, e->a, e->b, err) < 0) {
                        rt_state_close(st);
                        return -1;
                }
        }
        return 0;
}

int rt_state_add(struct rt_state *st, const char *kind, const char *a, const char *b,
                 struct rterr *err)
{
        struct rt_state_entry *nv = realloc(st->v, (st->n + 1) * sizeof(*nv));
        if (nv == NULL)
                return rterr_errno(err, "state %s", st->name);
        st->v = nv;
        struct rt_state_entry *e = &st->v[st->n++];
        if (rt_pathf(e->kind, sizeof(e->kind), "%s", kind) < 0 ||
            rt_pathf(e->a, sizeof(e->a), "%s", a) < 0 ||
            rt_pathf(e->b, sizeof(e->b), "%s", b ? b : "-") < 0) {
                st->n--;
                return rterr_set(err, ENAMETOOLONG, "state %s: entry too long: %s", st->name, a);
        }
        return 0;
}

struct rt_state_entry *rt_state_find(struct rt_state *st, const char *kind, const char *a)
{
        for (size_t i = 0; i < st->n; i++)
                if (strcmp(st->v[i].kind, kind) == 0 && (a == NULL || strcmp(st->v[i].a, a) == 0))
                        return &st->v[i];
        return NULL;
}

size_t rt_state_count(const struct rt_state *st, const char *kind)
{
        size_t n = 0;
        for (size_t i = 0; i < st->n; i++)
                n += strcmp(st->v[i].kind, kind) == 0;
        return n;
}

void rt_state_remove(struct rt_state *st, struct rt_state_entry *e)
{
        size_t i = (size_t)(e - st->v);
        memmove(&st->v[i], &st->v[i + 1], (st->n - i - 1) * sizeof(*e));
        st->n--;
}

int rt_state_save(struct rt_state *st, struct rterr *err)
{
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/%s", RT_STATE_DIR, st->name);
        if (st->n == 0) {
                if (unlink(path) < 0 && errno != ENOENT)
                        return rterr_errno(err, "remove %s", path);
                return 0;
        }
        size_t cap = st->n * (sizeof(struct rt_state_entry) + 4) + 1, off = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (buf == NULL)
                return rterr_errno(err, "write %s", path);
        for (size_t i = 0; i < st->n; i++)
                off += (size_t)snprintf(buf + off, cap - off, "%s\t%s\t%s\n", st->v[i].kind,
                                        st->v[i].a, st->v[i].b);
        return write_file_atomic_at(AT_FDCWD, path, buf, off, 0600, err);
}

void rt_state_close(struct rt_state *st)
{
        free(st->v);
        st->v = NULL;
        st->n = 0;
        if (st->lock_fd >= 0)
                close(st->lock_fd);
        st->lock_fd = -1;
}
