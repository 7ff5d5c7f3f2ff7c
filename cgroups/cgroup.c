/* A container's cgroup: its directories (one per v1 hierarchy in use, plus the unified one),
 * created along linux.cgroupsPath, and the dispatch of each operation to the driver detection
 * chose for each controller. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

const struct cg_dir *cg_dir_of(const struct cgroup *cg, enum cg_ctrl c)
{
        return cg->ctrl_dir[c] >= 0 ? &cg->dirs[cg->ctrl_dir[c]] : NULL;
}

const struct cg_dir *cg_main_dir(const struct cgroup *cg)
{
        if (cg->host->layout == CG_LAYOUT_V2)
                return &cg->dirs[cg->v2_dir];
        static const enum cg_ctrl pref[] = {CG_FREEZER, CG_PIDS, CG_MEMORY, CG_CPU, CG_DEVICES};
        for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
                if (cg->ctrl_dir[pref[i]] >= 0 && !cg->dirs[cg->ctrl_dir[pref[i]]].v2)
                        return &cg->dirs[cg->ctrl_dir[pref[i]]];
        return &cg->dirs[0];
}

const char *cg_path(const struct cgroup *cg)
{
        return cg->tagged ? cg->tagged : cg->path;
}

const char *cg_controller_dir(const struct cgroup *cg, const char *controller)
{
        int c = cg_ctrl_from_name(controller);
        if (c < 0 && strcmp(controller, "io") == 0)
                c = CG_BLKIO;
        if (c < 0 || cg->ctrl_dir[c] < 0)
                return NULL;
        return cg->dirs[cg->ctrl_dir[c]].path;
}

void cg_free(struct cgroup *cg)
{
        if (cg == NULL)
                return;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                free(cg->dirs[i].path);
                if (cg->dirs[i].fd >= 0)
                        close(cg->dirs[i].fd);
        }
        free(cg->dirs);
        free(cg->path);
        free(cg->tagged);
        free(cg->unit);
        free(cg->slice);
        free(cg->description);
        free(cg);
}

/* The mount's directory for the container: absolute cgroupsPaths start at the hierarchy's
 * mount, relative ones below this process's own cgroup there (runc's rule). */
static int dir_for_mount(const struct cg_mount *m, const char *path, char **out, struct rterr *err)
{
        int r;
        if (path[0] == '/') {
                r = asprintf(out, "%s%s", m->path, path);
        } else {
                const char *own = m->own ? m->own : "/";
                size_t rl = strlen(m->root);
                if (strcmp(m->root, "/") != 0 && strncmp(own, m->root, rl) == 0)
                        own += rl;
                while (*own == '/')
                        own++;
                r = asprintf(out, "%s/%s%s%s", m->path, own, *own ? "/" : "", path);
        }
        if (r < 0)
                return rterr_errno(err, "cgroup path");
        return 0;
}

static int add_dir(struct cgroup *cg, int mount_idx, struct rterr *err)
{
        const struct cg_mount *m = &cg->host->mounts[mount_idx];
        _cleanup_free_ char *p = NULL;
        if (dir_for_mount(m, cg->path, &p, err) < 0)
                return -1;
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (strcmp(cg->dirs[i].path, p) == 0)
                        return (int)i;
        struct cg_dir *d = realloc(cg->dirs, (cg->n_dirs + 1) * sizeof(*d));
        if (d == NULL)
                return rterr_errno(err, "cgroup path");
        cg->dirs = d;
        cg->dirs[cg->n_dirs] =
            (struct cg_dir){.path = TAKE_PTR(p), .fd = -1, .v2 = m->v2, .mount = mount_idx};
        return (int)cg->n_dirs++;
}

int cg_resolve(const struct cg_host *host, const char *path, struct cgroup **out, struct rterr *err)
{
        struct cgroup *cg = calloc(1, sizeof(*cg));
        if (cg == NULL)
                return rterr_errno(err, "cgroup");
        cg->host = host;
        cg->v2_dir = -1;
        for (int c = 0; c < CG_NCTRL; c++)
                cg->ctrl_dir[c] = -1;
        if (cg_path_clean(path, &cg->path, err) < 0)
                goto fail;
        if (strcmp(cg->path, "/") == 0) {
                rterr_set(err, EINVAL, "cgroupsPath '%s': the root cgroup cannot hold a container",
                          path);
                goto fail;
        }
        if (host->v2_mount >= 0 && (cg->v2_dir = add_dir(cg, host->v2_mount, err)) < 0)
                goto fail;
        for (int c = 0; c < CG_NCTRL; c++) {
                if (host->drv[c] == CG_DRV_NONE)
                        continue;
                if ((cg->ctrl_dir[c] = add_dir(cg, host->ctrl_mount[c], err)) < 0)
                        goto fail;
        }
        for (size_t i = 0; i < host->n_mounts; i++)
                if (host->mounts[i].name && add_dir(cg, (int)i, err) < 0)
                        goto fail;
        *out = cg;
        return 0;
fail:
        cg_free(cg);
        return -1;
}

/* A named hierarchy's directory only holds the container's membership: one that is missing
 * (removed by hand, or made by a build that did not join named hierarchies) does not stop the
 * cgroup from being opened, joined elsewhere, killed and destroyed. */
static bool optional_dir(const struct cgroup *cg, size_t i)
{
        return cg->host->mounts[cg->dirs[i].mount].name != NULL;
}

static int open_dirs(struct cgroup *cg, bool all, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                cg->dirs[i].fd = open(cg->dirs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->dirs[i].fd < 0 && (all || errno != ENOENT || !optional_dir(cg, i)))
                        return rterr_errno(err, "open cgroup %s", cg->dirs[i].path);
        }
        return 0;
}

/* Makes cg a systemd scope's: its unit and slice are the last two components of its path. */
static int set_unit(struct cgroup *cg, struct rterr *err)
{
        char *last = strrchr(cg->path, '/');
        char *slice = NULL;
        if (last > cg->path) {
                char *prev = last - 1;
                while (prev > cg->path && *prev != '/')
                        prev--;
                slice = strndup(prev + 1, (size_t)(last - prev - 1));
        } else {
                slice = strdup("-.slice");
        }
        cg->slice = slice;
        cg->unit = strdup(last + 1);
        if (asprintf(&cg->tagged, "%s%s", CG_SD_PATH_TAG, cg->path) < 0)
                cg->tagged = NULL;
        if (cg->slice == NULL || cg->unit == NULL || cg->tagged == NULL)
                return rterr_errno(err, "cgroup path");
        return 0;
}

int cg_open_remains(const struct cg_host *host, const char *path, struct cgroup **out,
                    struct rterr *err)
{
        struct cgroup *cg;
        bool sd = strncmp(path, CG_SD_PATH_TAG, strlen(CG_SD_PATH_TAG)) == 0;
        if (cg_resolve(host, sd ? path + strlen(CG_SD_PATH_TAG) : path, &cg, err) < 0)
                return -1;
        if (sd && set_unit(cg, err) < 0) {
                cg_free(cg);
                return -1;
        }
        for (size_t i = 0; i < cg->n_dirs; i++) {
                cg->dirs[i].fd = open(cg->dirs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->dirs[i].fd < 0 && errno != ENOENT) {
                        rterr_errno(err, "open cgroup %s", cg->dirs[i].path);
                        cg_free(cg);
                        return -1;
                }
        }
        *out = cg;
        return 0;
}

int cg_path_for(enum cg_manager mgr, const char *cgroups_path, const char *id, char **out,
                struct rterr *err)
{
        if (mgr == CG_MANAGER_SYSTEMD) {
                struct cg_sd_name n;
                if (cg_sd_parse(cgroups_path, id, &n, err) < 0)
                        return -1;
                _cleanup_free_ char *clean = NULL;
                int r = cg_path_clean(n.path, &clean, err);
                cg_sd_name_free(&n);
                if (r < 0)
                        return -1;
                if (asprintf(out, "%s%s", CG_SD_PATH_TAG, clean) < 0) {
                        *out = NULL;
                        return rterr_errno(err, "cgroup path");
                }
                return 0;
        }
        _cleanup_free_ char *dflt = NULL;
        if (cgroups_path == NULL || cgroups_path[0] == '\0') {
                if (asprintf(&dflt, "/rtrun/%s", id) < 0)
                        return rterr_errno(err, "cgroup path");
                cgroups_path = dflt;
        }
        return cg_path_clean(cgroups_path, out, err);
}

int cg_open(const struct cg_host *host, const char *path, struct cgroup **out, struct rterr *err)
{
        struct cgroup *cg;
        bool sd = strncmp(path, CG_SD_PATH_TAG, strlen(CG_SD_PATH_TAG)) == 0;
        if (cg_resolve(host, sd ? path + strlen(CG_SD_PATH_TAG) : path, &cg, err) < 0)
                return -1;
        if ((sd && set_unit(cg, err) < 0) || open_dirs(cg, false, err) < 0) {
                cg_free(cg);
                return -1;
        }
        *out = cg;
        return 0;
}

/* Directories mkdir'ed by one cg_create, removed in reverse when it fails midway. */
struct made_list {
        char **v;
        size_t n;
};

static void made_undo(struct made_list *m)
{
        while (m->n > 0) {
                m->n--;
                rmdir(m->v[m->n]);
                free(m->v[m->n]);
        }
        free(m->v);
        m->v = NULL;
}

static void made_forget(struct made_list *m)
{
        for (size_t i = 0; i < m->n; i++)
                free(m->v[i]);
        free(m->v);
        m->v = NULL;
        m->n = 0;
}

/* A new v1 cpuset is empty and refuses tasks until cpus and mems are set: inherit them. */
static int cpuset_inherit(const char *parent, const char *child, struct rterr *err)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        _cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int cfd = open(child, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0 || cfd < 0)
                return rterr_errno(err, "open cpuset %s", pfd < 0 ? parent : child);
        struct cg_dir pd = {.path = (char *)parent, .fd = pfd};
        struct cg_dir cd = {.path = (char *)child, .fd = cfd};
        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *cur = NULL, *val = NULL;
                if (cg_read(&cd, files[i], &cur, err) < 0)
                        return -1;
                if (strspn(cur, " \n") != strlen(cur))
                        continue;
                if (cg_read(&pd, files[i], &val, err) < 0)
                        return -1;
                val[strcspn(val, "\n")] = '\0';
                if (val[0] != '\0' && cg_write(&cd, files[i], val, err) < 0)
                        return -1;
        }
        return 0;
}

static int mkdir_path(const char *mnt, const char *full, bool cpuset, struct made_list *made,
                      struct rterr *err)
{
        _cleanup_free_ char *p = strdup(full);
        if (p == NULL)
                return rterr_errno(err, "mkdir %s", full);
        size_t ml = strlen(mnt);
        for (char *s = p + ml + 1;; s++) {
                bool last = (s = strchr(s, '/')) == NULL;
                if (!last)
                        *s = '\0';
                if (mkdir(p, 0755) == 0) {
                        char **v = realloc(made->v, (made->n + 1) * sizeof(*v));
                        if (v == NULL || (v[made->n] = strdup(p)) == NULL) {
                                if (v)
                                        made->v = v;
                                rmdir(p);
                                return rterr_errno(err, "mkdir %s", p);
                        }
                        made->v = v;
                        made->n++;
                } else if (errno != EEXIST) {
                        return rterr_errno(err, "mkdir %s", p);
                }
                if (cpuset) {
                        char *slash = strrchr(p, '/');
                        *slash = '\0';
                        _cleanup_free_ char *parent = strdup(p);
                        *slash = '/';
                        if (parent == NULL || cpuset_inherit(parent, p, err) < 0)
                                return parent ? -1 : rterr_errno(err, "mkdir %s", p);
                }
                if (last)
                        return 0;
                *s = '/';
        }
}

/* The directories of one kind (the unified one, or the v1 hierarchies): made, opened, and
 * checked to hold no tasks. */
static int make_dirs(struct cgroup *cg, bool v2, struct made_list *made, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                if (cg->dirs[i].v2 != v2)
                        continue;
                const struct cg_mount *m = &cg->host->mounts[cg->dirs[i].mount];
                bool cpuset = cg->ctrl_dir[CG_CPUSET] == (int)i && !m->v2;
                if (mkdir_path(m->path, cg->dirs[i].path, cpuset, made, err) < 0)
                        return -1;
                if (m->v2 && cg_v2_enable_controllers(cg->host, m->path,
                                                      cg->dirs[i].path + strlen(m->path), err) < 0)
                        return -1;
                cg->dirs[i].fd = open(cg->dirs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->dirs[i].fd < 0)
                        return rterr_errno(err, "open cgroup %s", cg->dirs[i].path);
        }
        return 0;
}

/* Counts what the directories of one kind already hold (runc 1.1 warns and goes on). */
static int count_tasks(struct cgroup *cg, bool v2, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                if (cg->dirs[i].v2 != v2)
                        continue;
                _cleanup_free_ char *procs = NULL;
                if (cg_read(&cg->dirs[i], "cgroup.procs", &procs, err) < 0)
                        return -1;
                size_t n = 0;
                for (const char *p = procs; *p; p++)
                        n += *p == '\n';
                if (n > cg->found_tasks)
                        cg->found_tasks = n;
        }
        return 0;
}

/* A cgroup frozen before the container exists would stop its process in the middle of the
 * set-up: refused at once, as runc does. The v1 freezer directory may not be made yet. */
static int check_not_frozen(const struct cgroup *cg, struct rterr *err)
{
        const struct cg_dir *d = cg_dir_of(cg, CG_FREEZER);
        if (d == NULL)
                return 0;
        struct cg_dir tmp = *d;
        _cleanup_close_ int fd = -1;
        if (tmp.fd < 0) {
                fd = open(tmp.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return 0;
                tmp.fd = fd;
        }
        bool frozen = false;
        struct rterr ignored = {0};
        if (cg_is_frozen_dir(&tmp, &frozen, &ignored) == 0 && frozen)
                return rterr_set(err, EBUSY,
                                 "container's cgroup %s is frozen (thaw it, or choose another "
                                 "linux.cgroupsPath)",
                                 tmp.path);
        return 0;
}

size_t cg_found_tasks(const struct cgroup *cg)
{
        return cg->found_tasks;
}

static int apply_devices(struct cgroup *cg, const struct oci_device_rule *rules, size_t n,
                         struct rterr *err)
{
        const struct cg_dir *dev = cg_dir_of(cg, CG_DEVICES);
        switch (cg->host->drv[CG_DEVICES]) {
        case CG_DRV_V1:
                return cg_devices_v1_apply(dev, rules, n, err);
        case CG_DRV_V2:
                return cg_devices_ebpf_apply(dev, rules, n, err);
        default:
                return 0;
        }
}

static int begin_systemd(const struct cg_host *host, const char *cgroups_path, const char *id,
                         struct cgroup **out, struct rterr *err)
{
        struct cg_sd_name n;
        if (cg_sd_parse(cgroups_path, id, &n, err) < 0)
                return -1;
        struct cgroup *cg;
        int r = cg_resolve(host, n.path, &cg, err);
        cg_sd_name_free(&n);
        if (r < 0)
                return -1;
        if (set_unit(cg, err) < 0 || asprintf(&cg->description, "rtrun container %s", id) < 0) {
                if (err->code == 0)
                        rterr_errno(err, "cgroup path");
                cg->description = NULL;
                cg_free(cg);
                return -1;
        }
        *out = cg;
        return 0;
}

int cg_create_begin(const struct cg_host *host, enum cg_manager mgr, const char *cgroups_path,
                    const char *id, struct cgroup **out, struct rterr *err)
{
        if (mgr == CG_MANAGER_SYSTEMD)
                return begin_systemd(host, cgroups_path, id, out, err);
        _cleanup_free_ char *path = NULL;
        if (cg_path_for(mgr, cgroups_path, id, &path, err) < 0)
                return -1;
        struct cgroup *cg;
        if (cg_resolve(host, path, &cg, err) < 0)
                return -1;
        struct made_list made = {0};
        if (check_not_frozen(cg, err) < 0 || make_dirs(cg, true, &made, err) < 0 ||
            count_tasks(cg, true, err) < 0) {
                cg_free(cg);
                made_undo(&made);
                return -1;
        }
        made_forget(&made);
        *out = cg;
        return 0;
}

/* The scope holds the container's init from the start: systemd made the directories of the
 * hierarchies it manages (where init already is); rtrun makes the others (v1 cpuset, net_cls,
 * ...) as for cgroupfs, and init joins them itself. */
static int finish_systemd(struct cgroup *cg, pid_t pid, const struct oci_resources *res,
                          struct rterr *err)
{
        if (cg_sd_start(cg, pid, res, err) < 0)
                return -1;
        struct made_list made = {0};
        if (make_dirs(cg, true, &made, err) < 0 || make_dirs(cg, false, &made, err) < 0 ||
            apply_devices(cg, NULL, 0, err) < 0) {
                made_undo(&made);
                return -1;
        }
        made_forget(&made);
        return 0;
}

int cg_create_finish(struct cgroup *cg, pid_t pid, const struct oci_resources *res,
                     struct rterr *err)
{
        if (cg->unit)
                return finish_systemd(cg, pid, res, err);
        struct made_list made = {0};
        /* Default deny with the default devices, as runc, even for a config without
         * linux.resources: cg_apply replaces the policy with the config's rules. */
        if (make_dirs(cg, false, &made, err) < 0 || count_tasks(cg, false, err) < 0 ||
            apply_devices(cg, NULL, 0, err) < 0) {
                for (size_t i = 0; i < cg->n_dirs; i++) {
                        if (!cg->dirs[i].v2 && cg->dirs[i].fd >= 0) {
                                close(cg->dirs[i].fd);
                                cg->dirs[i].fd = -1;
                        }
                }
                made_undo(&made);
                return -1;
        }
        made_forget(&made);
        return 0;
}

int cg_create(const struct cg_host *host, enum cg_manager mgr, const char *cgroups_path,
              const char *id, struct cgroup **out, struct rterr *err)
{
        struct cgroup *cg;
        if (cg_create_begin(host, mgr, cgroups_path, id, &cg, err) < 0)
                return -1;
        if (cg_create_finish(cg, getpid(), NULL, err) < 0) {
                cg_destroy(cg, NULL);
                cg_free(cg);
                return -1;
        }
        *out = cg;
        return 0;
}

int cg_join(struct cgroup *cg, pid_t pid, struct rterr *err)
{
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (cg->dirs[i].fd >= 0 &&
                    cg_writef(&cg->dirs[i], "cgroup.procs", err, "%d", (int)pid) < 0)
                        return -1;
        return 0;
}

static int add_pids_of(const struct cg_dir *d, pid_t **pids, size_t *n, struct rterr *err)
{
        _cleanup_free_ char *s = NULL;
        if (cg_read(d, "cgroup.procs", &s, err) < 0)
                return -1;
        for (char *p = s; *p;) {
                char *end;
                long v = strtol(p, &end, 10);
                if (end == p)
                        break;
                pid_t *np = realloc(*pids, (*n + 1) * sizeof(**pids));
                if (np == NULL)
                        return rterr_errno(err, "read %s/cgroup.procs", d->path);
                *pids = np;
                (*pids)[(*n)++] = (pid_t)v;
                p = end + strspn(end, "\n");
        }
        /* kernfs counts a directory's sub-directories in its link count: without any, there is
         * no need to list every control file to find none. */
        struct stat st;
        if (d->fd >= 0 && fstat(d->fd, &st) == 0 && st.st_nlink <= 2)
                return 0;
        _cleanup_closedir_ DIR *dir = opendir(d->path);
        if (dir == NULL)
                return rterr_errno(err, "open %s", d->path);
        for (struct dirent *e; (e = readdir(dir)) != NULL;) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                struct cg_dir sub = {.fd = -1};
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", d->path, e->d_name) < 0)
                        return rterr_errno(err, "open %s", d->path);
                _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        continue; /* removed meanwhile */
                sub.path = path;
                sub.fd = fd;
                if (add_pids_of(&sub, pids, n, err) < 0)
                        return -1;
        }
        return 0;
}

/* Every process listed in the open directories of cg (a pid may be listed more than once). */
static int remains(struct cgroup *cg, pid_t **pids, size_t *n, struct rterr *err)
{
        *pids = NULL;
        *n = 0;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                if (cg->dirs[i].fd < 0)
                        continue;
                struct rterr e = {0};
                if (add_pids_of(&cg->dirs[i], pids, n, &e) == 0)
                        continue;
                if (e.code == ENOENT || e.code == ENODEV)
                        continue; /* removed by someone else meanwhile */
                if (err)
                        *err = e;
                free(*pids);
                *pids = NULL;
                *n = 0;
                return -1;
        }
        return 0;
}

int cg_count_remains(struct cgroup *cg, size_t *n, struct rterr *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        return remains(cg, &pids, n, err);
}

/* A frozen task acts on SIGKILL only once thawed (v1 freezer, v2 cgroup.freeze). */
static void thaw_remains(struct cgroup *cg)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                const struct cg_dir *d = &cg->dirs[i];
                if (d->fd < 0)
                        continue;
                if (d->v2 && cg_has_file(d, "cgroup.freeze"))
                        cg_write(d, "cgroup.freeze", "0", NULL);
                else if (!d->v2 && cg->ctrl_dir[CG_FREEZER] == (int)i)
                        cg_write(d, "freezer.state", "THAWED", NULL);
        }
}

int cg_kill_remains(struct cgroup *cg, struct rterr *err)
{
        for (int round = 0;; round++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n;
                if (remains(cg, &pids, &n, err) < 0)
                        return -1;
                if (n == 0)
                        return 0;
                if (round >= 200)
                        return rterr_set(err, ETIMEDOUT,
                                         "cgroup %s: %zu process(es) still there 2 s after "
                                         "SIGKILL (pid %d)",
                                         cg->path, n, (int)pids[0]);
                const struct cg_dir *v2 = cg->v2_dir >= 0 ? &cg->dirs[cg->v2_dir] : NULL;
                if (v2 && v2->fd >= 0 && cg_has_file(v2, "cgroup.kill"))
                        cg_write(v2, "cgroup.kill", "1", NULL);
                for (size_t i = 0; i < n; i++)
                        kill(pids[i], SIGKILL);
                thaw_remains(cg);
                usleep(10000);
        }
}

int cg_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct rterr *err)
{
        *pids = NULL;
        *n = 0;
        struct rterr why = {0};
        if (add_pids_of(cg_main_dir(cg), pids, n, &why) < 0) {
                free(*pids);
                *pids = NULL;
                *n = 0;
                /* systemd removes a scope once its last process has exited. */
                if (cg->unit && (why.code == ENOENT || why.code == ENODEV))
                        return 0;
                if (err)
                        *err = why;
                return -1;
        }
        return 0;
}

static int remove_children(const char *path, struct rterr *err);

/* Removes dir and its sub-cgroups, deepest first; a cgroup whose last tasks are still exiting
 * refuses rmdir with EBUSY for a moment, so retry for up to about two seconds. A container's
 * cgroup seldom has children, so rmdir comes first and the directory is read only when the
 * kernel refuses (EBUSY, for children as for tasks): reading a cgroup directory lists every
 * control file. */
static int remove_tree(const char *path, struct rterr *err)
{
        bool listed = false;
        for (int tries = 0;; tries++) {
                if (rmdir(path) == 0 || errno == ENOENT)
                        return 0;
                if ((errno == EBUSY || errno == ENOTEMPTY) && !listed) {
                        if (remove_children(path, err) < 0)
                                return -1;
                        listed = true;
                        continue;
                }
                if (errno != EBUSY || tries >= 200)
                        return rterr_errno(err, "rmdir %s", path);
                usleep(10000);
        }
}

static int remove_children(const char *path, struct rterr *err)
{
        _cleanup_closedir_ DIR *dir = opendir(path);
        if (dir == NULL)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", path);
        for (struct dirent *e; (e = readdir(dir)) != NULL;) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                _cleanup_free_ char *sub = NULL;
                if (asprintf(&sub, "%s/%s", path, e->d_name) < 0)
                        return rterr_errno(err, "rmdir %s", path);
                if (remove_tree(sub, err) < 0)
                        return -1;
        }
        return 0;
}

int cg_destroy(struct cgroup *cg, struct rterr *err)
{
        int ret = 0;
        if (cg->unit && cg_sd_stop(cg, err) < 0)
                return -1;
        /* v1 hierarchies first: the unified directory of a hybrid host is the last to empty. */
        for (size_t k = cg->n_dirs; k > 0; k--) {
                size_t i = k - 1;
                if (cg->dirs[i].fd >= 0) {
                        close(cg->dirs[i].fd);
                        cg->dirs[i].fd = -1;
                }
                if (remove_tree(cg->dirs[i].path, ret < 0 ? NULL : err) < 0)
                        ret = -1;
        }
        return ret;
}

void cg_remove_empty(const struct cg_host *host, const char *path)
{
        for (size_t i = 0; i < host->n_mounts; i++) {
                _cleanup_free_ char *dir = NULL;
                if (dir_for_mount(&host->mounts[i], path, &dir, NULL) == 0)
                        rmdir(dir);
        }
}

static int missing(const char *field, enum cg_ctrl c, struct rterr *err)
{
        return rterr_set(err, ENODEV, "linux.resources.%s: the host has no %s cgroup controller",
                         field, cg_ctrl_name(c));
}

/* A resource the config sets needs its controller on the host. */
static int check_controllers(const struct cgroup *cg, const struct oci_resources *r,
                             struct rterr *err)
{
        const enum cg_driver *drv = cg->host->drv;
        const struct oci_cpu *cpu = &r->cpu;
        if (r->memory.set && drv[CG_MEMORY] == CG_DRV_NONE)
                return missing("memory", CG_MEMORY, err);
        if ((cpu->shares.set || cpu->quota.set || cpu->period.set || cpu->burst.set ||
             cpu->realtime_runtime.set || cpu->realtime_period.set || cpu->idle.set) &&
            drv[CG_CPU] == CG_DRV_NONE)
                return missing("cpu", CG_CPU, err);
        if ((cpu->cpus || cpu->mems) && drv[CG_CPUSET] == CG_DRV_NONE)
                return missing("cpu.cpus", CG_CPUSET, err);
        if (r->blkio.set && drv[CG_BLKIO] == CG_DRV_NONE)
                return missing("blockIO", CG_BLKIO, err);
        if (r->n_hugepage_limits > 0 && drv[CG_HUGETLB] == CG_DRV_NONE)
                return missing("hugepageLimits", CG_HUGETLB, err);
        if (r->network.class_id.set && drv[CG_NET_CLS] == CG_DRV_NONE)
                return missing("network.classID", CG_NET_CLS, err);
        if (r->network.n_priorities > 0 && drv[CG_NET_PRIO] == CG_DRV_NONE)
                return missing("network.priorities", CG_NET_PRIO, err);
        if (r->pids_limit.set && drv[CG_PIDS] == CG_DRV_NONE)
                return missing("pids", CG_PIDS, err);
        if (r->n_rdma > 0 && drv[CG_RDMA] == CG_DRV_NONE)
                return missing("rdma", CG_RDMA, err);
        if (r->n_devices > 0 && drv[CG_DEVICES] == CG_DRV_NONE)
                return missing("devices", CG_DEVICES, err);
        return 0;
}

int cg_apply(struct cgroup *cg, const struct oci_resources *res, const struct rtwarn *warn,
             struct rterr *err)
{
        if (check_controllers(cg, res, err) < 0)
                return -1;
        if (cg->unit && !cg->unit_fresh && cg_sd_set(cg, res, err) < 0)
                return -1;
        cg->unit_fresh = false;
        if (cg->host->layout != CG_LAYOUT_V2 && cg_v1_apply(cg, res, warn, err) < 0)
                return -1;
        if (cg->v2_dir >= 0 && cg_v2_apply(cg, res, warn, err) < 0)
                return -1;
        return apply_devices(cg, res->devices, res->n_devices, err);
}
