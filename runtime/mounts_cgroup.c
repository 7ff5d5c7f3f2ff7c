/* The "cgroup" mount type. On a cgroup v2 host it is a cgroup2 mount; on a v1 (or hybrid) host
 * it is a tmpfs holding one directory per v1 hierarchy: the container's own cgroup bound from
 * the host, or a fresh cgroup mount when the container has its own cgroup namespace (the
 * namespace root then is the container's cgroup). The hierarchies are read-only unless the
 * spec says "rw". */
#include "runtime/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/common.h"

#define CGROUP_TMPFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

struct v1_hierarchy {
        char mountpoint[256]; /* host mount point, e.g. /sys/fs/cgroup/cpu,cpuacct */
        char root[256];       /* root of that mount inside the hierarchy */
        char options[256];    /* super options: rw,cpu,cpuacct */
};

static bool has_option(const char *options, const char *opt, size_t n)
{
        for (const char *p = options; *p;) {
                size_t len = strcspn(p, ",");
                if (len == n && strncmp(p, opt, n) == 0)
                        return true;
                p += len + (p[len] == ',');
        }
        return false;
}

/* Whether every controller of "cpu,cpuacct" (from /proc/self/cgroup) is a super option. */
static bool controllers_match(const char *options, const char *controllers)
{
        if (!*controllers)
                return false;
        for (const char *p = controllers; *p;) {
                size_t len = strcspn(p, ",");
                if (!has_option(options, p, len))
                        return false;
                p += len + (p[len] == ',');
        }
        return true;
}

/* The container's cgroup path in the hierarchy whose super options are `options`. */
static int own_cgroup_path(const char *options, char *out, size_t outlen, struct rterr *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        if (!f)
                return rterr_errno(err, "open /proc/self/cgroup");
        char line[1024];
        while (fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = '\0';
                char *ctl = strchr(line, ':');
                char *path = ctl ? strchr(ctl + 1, ':') : NULL;
                if (!path)
                        continue;
                *path++ = '\0';
                if (controllers_match(options, ctl + 1)) {
                        snprintf(out, outlen, "%s", path);
                        return 0;
                }
        }
        return rterr_set(err, ENOENT, "no /proc/self/cgroup entry for hierarchy %s", options);
}

/* Fills h[] with the host's v1 hierarchies from /proc/self/mountinfo; returns how many. */
static int v1_hierarchies(struct v1_hierarchy *h, int max, struct rterr *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return rterr_errno(err, "open /proc/self/mountinfo");
        char line[4096];
        int n = 0;
        while (n < max && fgets(line, sizeof(line), f)) {
                char root[256], mp[256], fstype[64], opts[256];
                char *sep = strstr(line, " - ");
                if (!sep || sscanf(line, "%*s %*s %*s %255s %255s", root, mp) != 2 ||
                    sscanf(sep + 3, "%63s %*s %255s", fstype, opts) != 2)
                        continue;
                if (strcmp(fstype, "cgroup") != 0)
                        continue;
                snprintf(h[n].mountpoint, sizeof(h[n].mountpoint), "%s", mp);
                snprintf(h[n].root, sizeof(h[n].root), "%s", root);
                snprintf(h[n].options, sizeof(h[n].options), "%s", opts);
                n++;
        }
        return n;
}

static int mount_v1_one(int dir_fd, const struct v1_hierarchy *h, const struct oci_mount *m,
                        bool cgroupns, struct rterr *err)
{
        const char *name = strrchr(h->mountpoint, '/') + 1;
        if (mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
                return rterr_errno(err, "mkdir %s", name);
        _cleanup_close_ int dst = openat(dir_fd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (dst < 0)
                return rterr_errno(err, "open %s", name);
        struct pathres_fdpath target = pathres_fdpath(dst);
        if (cgroupns) {
                unsigned long flags = CGROUP_TMPFS_FLAGS | (m->flags & MS_RDONLY);
                bool named = strncmp(name, "name=", 5) == 0 || strcmp(name, "systemd") == 0;
                const char *data = strcmp(name, "systemd") == 0 ? "name=systemd" : name;
                if (mount(named ? "systemd" : "cgroup", target.s, "cgroup", flags, data) < 0)
                        return rterr_errno(err, "mount cgroup %s", data);
                return 0;
        }
        char cg[512];
        if (own_cgroup_path(h->options, cg, sizeof(cg), err) < 0)
                return -1;
        size_t rl = strcmp(h->root, "/") == 0 ? 0 : strlen(h->root);
        if (rl && strncmp(cg, h->root, rl) == 0)
                memmove(cg, cg + rl, strlen(cg + rl) + 1);
        _cleanup_free_ char *src = NULL;
        if (asprintf(&src, "%s%s", h->mountpoint, cg) < 0)
                return rterr_errno(err, "bind cgroup %s", h->mountpoint);
        if (mount(src, target.s, NULL, MS_BIND | MS_REC, NULL) < 0)
                return rterr_errno(err, "bind cgroup %s", src);
        /* The remount needs the new mount, not the directory it covers. */
        _cleanup_close_ int top = openat(dir_fd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (top < 0)
                return rterr_errno(err, "reopen %s", name);
        unsigned long flags =
            m->flags & ~(MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE | MS_REC);
        if (mount(NULL, pathres_fdpath(top).s, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
                return rterr_errno(err, "remount cgroup %s", src);
        return 0;
}

/* Co-mounted controllers ("cpu,cpuacct") also get one symlink per controller. */
static int v1_symlinks(int dir_fd, const char *name, struct rterr *err)
{
        if (!strchr(name, ','))
                return 0;
        _cleanup_free_ char *copy = strdup(name);
        if (!copy)
                return rterr_errno(err, "symlink %s", name);
        char *save = NULL;
        for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
                if (symlinkat(name, dir_fd, c) < 0 && errno != EEXIST)
                        return rterr_errno(err, "symlink %s -> %s", c, name);
        return 0;
}

static int mount_cgroup_v1(int root_fd, const struct oci_spec *spec, const struct oci_mount *m,
                           int dst, struct rterr *err)
{
        bool cgroupns = oci_namespace_get(spec, OCI_NS_CGROUP) != NULL;
        if (mount("tmpfs", pathres_fdpath(dst).s, "tmpfs", CGROUP_TMPFS_FLAGS, "mode=755") < 0)
                return rterr_errno(err, "mount %s: tmpfs", m->destination);
        _cleanup_close_ int top = pathres_open(root_fd, m->destination, O_DIRECTORY);
        if (top < 0)
                return rterr_errno(err, "mount %s: reopen", m->destination);
        struct v1_hierarchy h[32];
        int n = v1_hierarchies(h, 32, err);
        if (n < 0)
                return -1;
        for (int i = 0; i < n; i++) {
                if (mount_v1_one(top, &h[i], m, cgroupns, err) < 0 ||
                    v1_symlinks(top, strrchr(h[i].mountpoint, '/') + 1, err) < 0)
                        return rterr_wrap(err, "mount %s", m->destination);
        }
        /* The tmpfs itself stays writable, as in runc: only the hierarchies are read-only. */
        return 0;
}

int mount_cgroup(int root_fd, const struct oci_spec *spec, const struct oci_mount *m,
                 struct rterr *err)
{
        _cleanup_close_ int dst = pathres_mkpath(root_fd, m->destination, PATHRES_DIR, err);
        if (dst < 0)
                return rterr_wrap(err, "mount %s", m->destination);
        struct statfs s;
        if (statfs("/sys/fs/cgroup", &s) < 0)
                return rterr_errno(err, "mount %s: statfs /sys/fs/cgroup", m->destination);
        if (s.f_type != CGROUP2_SUPER_MAGIC)
                return mount_cgroup_v1(root_fd, spec, m, dst, err);
        const char *data = m->data && *m->data ? m->data : NULL;
        unsigned long flags = m->flags & ~(MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
        if (mount(m->source ? m->source : "cgroup2", pathres_fdpath(dst).s, "cgroup2", flags,
                  data) < 0)
                return rterr_errno(err, "mount %s (cgroup2)", m->destination);
        return 0;
}
