/* The container state directory: load, lock, save and status of one container. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "common/common.h"
#include "cgroups/cgroups.h"
#include "runtime/state_dir.h"

int container_id_validate(const char *id, struct rterr *err)
{
        size_t n = strlen(id);
        if (n == 0 || n > 1024)
                return rterr_set(err, EINVAL, "invalid container ID '%s': length must be 1..1024",
                                 id);
        if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return rterr_set(err, EINVAL, "invalid container ID '%s'", id);
        for (const char *p = id; *p; p++) {
                char ch = *p;
                bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                          (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' ||
                          ch == '.';
                if (!ok)
                        return rterr_set(err, EINVAL,
                                         "invalid container ID '%s': only letters, digits and "
                                         "_+-. are allowed",
                                         id);
        }
        return 0;
}

void rfc3339_nano_now(char *buf, size_t size)
{
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

int pid_file_write(const char *path, pid_t pid, struct rterr *err)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
        if (write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, err) < 0)
                return rterr_wrap(err, "--pid-file");
        return 0;
}

int proc_stat_read(pid_t pid, uint64_t *starttime, char *state)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return -1;
        buf[n] = '\0';
        /* comm may hold spaces and parentheses: fields restart after the last ')'. */
        char *p = strrchr(buf, ')');
        if (p == NULL || p[1] != ' ')
                return -1;
        p += 2;
        if (state)
                *state = *p;
        /* p is field 3 (state); starttime is field 22, 19 fields on. */
        for (int field = 3; field < 22; field++) {
                p = strchr(p, ' ');
                if (p == NULL)
                        return -1;
                p++;
        }
        if (starttime)
                *starttime = strtoull(p, NULL, 10);
        return 0;
}

void container_free(struct container *c)
{
        if (c == NULL)
                return;
        free(c->id);
        free(c->dir);
        free(c->bundle);
        free(c->rootfs);
        free(c->created);
        free(c->owner);
        free(c->cgroup_path);
        for (size_t i = 0; i < c->annotations.n; i++) {
                free(c->annotations.v[i].key);
                free(c->annotations.v[i].value);
        }
        free(c->annotations.v);
        if (c->lock_fd >= 0)
                close(c->lock_fd);
        free(c);
}

static struct container *container_alloc(const char *root, const char *id)
{
        struct container *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return NULL;
        c->lock_fd = -1;
        c->id = strdup(id);
        if (asprintf(&c->dir, "%s/%s", root, id) < 0)
                c->dir = NULL;
        if (c->id == NULL || c->dir == NULL) {
                container_free(c);
                return NULL;
        }
        return c;
}

int container_new(const struct runtime_ctx *g, const char *id, struct container **out,
                  struct rterr *err)
{
        if (container_id_validate(id, err) < 0)
                return -1;
        /* The state root may be several levels deep (runc creates it the same way). */
        if (mkdir(g->root, 0711) < 0 && errno != EEXIST && mkdir_p(g->root, 0711, err) < 0)
                return rterr_wrap(err, "create state root %s", g->root);
        struct container *c = container_alloc(g->root, id);
        if (c == NULL)
                return rterr_errno(err, "allocate container");
        /* 0711: the container process, possibly a non-root user by then, opens the exec fifo
         * through a dir fd and needs search permission on this directory only. */
        if (mkdir(c->dir, 0711) < 0) {
                int e = errno;
                container_free(c);
                if (e == EEXIST)
                        return rterr_set(err, EEXIST, "container with id exists: %s", id);
                return rterr_sys(err, e, "create state directory %s/%s", g->root, id);
        }
        c->lock_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->lock_fd < 0 || flock(c->lock_fd, LOCK_EX) < 0) {
                rterr_errno(err, "lock state directory %s", c->dir);
                rmdir(c->dir);
                container_free(c);
                return -1;
        }
        c->status = OCI_STATUS_CREATING;
        *out = c;
        return 0;
}

int container_save(const struct container *c, struct rterr *err)
{
        yajl_gen gen = yajl_gen_alloc(NULL);
        if (gen == NULL)
                return rterr_set(err, ENOMEM, "save state: out of memory");
        yajl_gen_map_open(gen);
        gen_str(gen, "id");
        gen_str(gen, c->id);
        gen_str(gen, "pid");
        yajl_gen_integer(gen, c->pid);
        gen_str(gen, "pid_starttime");
        yajl_gen_integer(gen, (long long)c->pid_starttime);
        gen_str(gen, "bundle");
        gen_str(gen, c->bundle);
        gen_str(gen, "rootfs");
        gen_str(gen, c->rootfs);
        gen_str(gen, "created");
        gen_str(gen, c->created);
        gen_str(gen, "owner");
        gen_str(gen, c->owner);
        if (c->cgroup_path) {
                gen_str(gen, "cgroup_path");
                gen_str(gen, c->cgroup_path);
        }
        if (c->creating) {
                gen_str(gen, "creating");
                yajl_gen_bool(gen, 1);
                gen_str(gen, "cgroup_owned");
                yajl_gen_bool(gen, c->cgroup_owned);
        }
        oci_kvs_gen(gen, "annotations", &c->annotations);
        yajl_gen_map_close(gen);
        _cleanup_free_ char *text = gen_copy(gen);
        yajl_gen_free(gen);
        if (text == NULL)
                return rterr_set(err, ENOMEM, "save state: out of memory");
        int r = write_file_atomic_at(c->lock_fd, STATE_FILE, text, strlen(text), 0600, err);
        return r < 0 ? rterr_wrap(err, "save state of %s", c->id) : 0;
}

static char *tree_strdup(yajl_val root, const char *key)
{
        const char *path[] = {key, NULL};
        yajl_val v = yajl_tree_get(root, path, yajl_t_string);
        const char *s = v ? YAJL_GET_STRING(v) : NULL;
        return s ? strdup(s) : NULL;
}

static long long tree_int(yajl_val root, const char *key)
{
        const char *path[] = {key, NULL};
        yajl_val v = yajl_tree_get(root, path, yajl_t_number);
        return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static bool tree_bool(yajl_val root, const char *key)
{
        const char *path[] = {key, NULL};
        yajl_val v = yajl_tree_get(root, path, yajl_t_true);
        return v != NULL && YAJL_IS_TRUE(v);
}

static int parse_annotations(yajl_val root, struct oci_kvs *kvs)
{
        const char *path[] = {"annotations", NULL};
        yajl_val v = yajl_tree_get(root, path, yajl_t_object);
        if (v == NULL || YAJL_GET_OBJECT(v)->len == 0)
                return 0;
        size_t n = YAJL_GET_OBJECT(v)->len;
        kvs->v = calloc(n, sizeof(*kvs->v));
        if (kvs->v == NULL)
                return -1;
        for (size_t i = 0; i < n; i++) {
                yajl_val val = YAJL_GET_OBJECT(v)->values[i];
                kvs->v[i].key = strdup(YAJL_GET_OBJECT(v)->keys[i]);
                kvs->v[i].value = strdup(YAJL_IS_STRING(val) ? YAJL_GET_STRING(val) : "");
                kvs->n++;
        }
        return 0;
}

/* True when dirfd holds entries but not the config copy create writes first: another
 * program's directory under --root (rtrun's own admission ledger and rt state live in
 * /run/rtrun, the default root), not a container. An empty directory is a create that died
 * before writing anything, and stays deletable. */
static bool foreign_dir(int dirfd)
{
        if (faccessat(dirfd, STATE_CONFIG, F_OK, 0) == 0)
                return false;
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return false;
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return false;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        return true;
        return false;
}

static int read_state(struct container *c, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        if (read_file_at(c->lock_fd, STATE_FILE, &text, NULL, err) < 0) {
                int e = errno;
                if (e == ENOENT && foreign_dir(c->lock_fd))
                        return rterr_set(err, ENOENT, "container %s does not exist", c->id);
                if (e == ENOENT) {
                        /* create writes state.json (naming the cgroup) before it makes
                         * anything else: a dir without it is a create in progress or one
                         * killed before that, with nothing but the dir to remove. */
                        c->status = OCI_STATUS_CREATING;
                        rterr_clear(err);
                        return 0;
                }
                return rterr_wrap(err, "container %s", c->id);
        }
        char ebuf[256];
        yajl_val root = yajl_tree_parse(text, ebuf, sizeof(ebuf));
        if (root == NULL)
                return rterr_set(err, EINVAL, "container %s: %s/%s: %s", c->id, c->dir, STATE_FILE,
                                 ebuf);
        c->pid = (pid_t)tree_int(root, "pid");
        c->pid_starttime = (uint64_t)tree_int(root, "pid_starttime");
        c->bundle = tree_strdup(root, "bundle");
        c->rootfs = tree_strdup(root, "rootfs");
        c->created = tree_strdup(root, "created");
        c->owner = tree_strdup(root, "owner");
        c->cgroup_path = tree_strdup(root, "cgroup_path");
        c->creating = tree_bool(root, "creating");
        c->cgroup_owned = tree_bool(root, "cgroup_owned");
        int r = parse_annotations(root, &c->annotations);
        yajl_tree_free(root);
        if (r < 0)
                return rterr_errno(err, "container %s: read annotations", c->id);
        container_refresh_status(c);
        return 0;
}

static bool cgroup_frozen(const char *path)
{
        _cleanup_cg_host_ struct cg_host *host = NULL;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        bool frozen = false;
        if (cg_host_detect(&host, NULL) == 0 && cg_open(host, path, &cg, NULL) == 0 &&
            cg_is_frozen(cg, &frozen, NULL) < 0)
                frozen = false;
        return frozen;
}

void container_refresh_status(struct container *c)
{
        if (c->creating) {
                c->status = OCI_STATUS_CREATING;
                return;
        }
        if (c->pid <= 0) {
                c->status = c->created ? OCI_STATUS_STOPPED : OCI_STATUS_CREATING;
                return;
        }
        uint64_t start = 0;
        char st = 0;
        if (proc_stat_read(c->pid, &start, &st) < 0 || start != c->pid_starttime || st == 'Z' ||
            st == 'X') {
                c->status = OCI_STATUS_STOPPED;
                return;
        }
        if (faccessat(c->lock_fd, STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                c->status = OCI_STATUS_CREATED;
                return;
        }
        c->status = c->cgroup_path && cgroup_frozen(c->cgroup_path) ? OCI_STATUS_PAUSED
                                                                    : OCI_STATUS_RUNNING;
}

enum open_mode { OPEN_PEEK, OPEN_LOCK, OPEN_FORCE };

static int open_existing(const struct runtime_ctx *g, const char *id, enum open_mode mode,
                         struct container **out, struct rterr *err)
{
        if (container_id_validate(id, err) < 0)
                return -1;
        _cleanup_container_ struct container *c = container_alloc(g->root, id);
        if (c == NULL)
                return rterr_errno(err, "allocate container");
        c->lock_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->lock_fd < 0) {
                if (errno == ENOENT)
                        return rterr_set(err, ENOENT, "container %s does not exist", id);
                return rterr_errno(err, "open state directory %s/%s", g->root, id);
        }
        int locked = mode == OPEN_PEEK    ? 0
                     : mode == OPEN_FORCE ? container_lock_force(c->lock_fd)
                                          : flock(c->lock_fd, LOCK_EX);
        if (locked == 1) {
                /* Held on by someone who waits on the container: kill it, then wait. */
                _cleanup_container_ struct container *peek = container_alloc(g->root, id);
                if (peek) {
                        peek->lock_fd = dup(c->lock_fd);
                        if (peek->lock_fd >= 0 && read_state(peek, err) == 0)
                                container_kill_unlocked(peek);
                }
                rterr_clear(err);
                locked = flock(c->lock_fd, LOCK_EX);
        }
        if (locked < 0)
                return rterr_errno(err, "lock state directory %s", c->dir);
        struct stat sb;
        /* A delete that held the lock before us removed the directory. */
        if (fstat(c->lock_fd, &sb) == 0 && sb.st_nlink == 0)
                return rterr_set(err, ENOENT, "container %s does not exist", id);
        if (read_state(c, err) < 0)
                return -1;
        *out = TAKE_PTR(c);
        return 0;
}

int container_load(const struct runtime_ctx *g, const char *id, struct container **out,
                   struct rterr *err)
{
        return open_existing(g, id, OPEN_LOCK, out, err);
}

int container_load_force(const struct runtime_ctx *g, const char *id, struct container **out,
                         struct rterr *err)
{
        return open_existing(g, id, OPEN_FORCE, out, err);
}

int container_peek(const struct runtime_ctx *g, const char *id, struct container **out,
                   struct rterr *err)
{
        return open_existing(g, id, OPEN_PEEK, out, err);
}

int container_load_spec(const struct container *c, struct oci_spec **out, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (read_file_at(c->lock_fd, STATE_CONFIG, &text, &len, err) < 0)
                return rterr_wrap(err, "container %s", c->id);
        return oci_spec_parse(text, len, out, err);
}

/* A write_file_atomic_at temporary ("state.json.tmp.PID") left by a process killed between
 * writing and renaming it. */
static int remove_temporaries(struct container *c, struct rterr *err)
{
        int fd = openat(c->lock_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return rterr_errno(err, "open %s", c->dir);
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return rterr_errno(err, "open %s", c->dir);
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
                if (strstr(de->d_name, ".tmp.") && unlinkat(c->lock_fd, de->d_name, 0) < 0 &&
                    errno != ENOENT)
                        return rterr_errno(err, "remove %s/%s", c->dir, de->d_name);
        return 0;
}

int container_remove_dir(struct container *c, struct rterr *err)
{
        static const char *const files[] = {STATE_FIFO, STATE_CONFIG, STATE_FILE};
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (unlinkat(c->lock_fd, files[i], 0) < 0 && errno != ENOENT)
                        return rterr_errno(err, "remove %s/%s", c->dir, files[i]);
        if (remove_temporaries(c, err) < 0)
                return -1;
        if (rmdir(c->dir) < 0 && errno != ENOENT)
                return rterr_errno(err, "remove %s", c->dir);
        return 0;
}

void container_oci_state(const struct container *c, enum oci_status status, struct oci_state *st)
{
        *st = (struct oci_state){
            .oci_version = (char *)OCI_VERSION,
            .id = c->id,
            .status = status,
            .pid = status == OCI_STATUS_STOPPED ? 0 : c->pid,
            .bundle = c->bundle,
            .rootfs = c->rootfs,
            .created = c->created,
            .owner = c->owner,
            .annotations = c->annotations,
        };
}
