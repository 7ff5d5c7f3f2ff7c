/* Host layout detection: the cgroup mounts from /proc/self/mountinfo, this process's cgroups from
 * /proc/self/cgroup, and the one decision of which driver serves each controller. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

static const struct {
        const char *v1;
        const char *v2;
} ctrl_names[CG_NCTRL] = {
    [CG_CPU] = {"cpu", "cpu"},
    [CG_CPUACCT] = {"cpuacct", "cpu"},
    [CG_CPUSET] = {"cpuset", "cpuset"},
    [CG_MEMORY] = {"memory", "memory"},
    [CG_DEVICES] = {"devices", NULL},
    [CG_FREEZER] = {"freezer", NULL},
    [CG_BLKIO] = {"blkio", "io"},
    [CG_PIDS] = {"pids", "pids"},
    [CG_HUGETLB] = {"hugetlb", "hugetlb"},
    [CG_NET_CLS] = {"net_cls", NULL},
    [CG_NET_PRIO] = {"net_prio", NULL},
    [CG_RDMA] = {"rdma", "rdma"},
    [CG_MISC] = {"misc", "misc"},
};

const char *cg_ctrl_name(enum cg_ctrl c)
{
        return ctrl_names[c].v1;
}

const char *cg_ctrl_v2_name(enum cg_ctrl c)
{
        return ctrl_names[c].v2;
}

int cg_ctrl_from_name(const char *name)
{
        for (int c = 0; c < CG_NCTRL; c++)
                if (strcmp(ctrl_names[c].v1, name) == 0)
                        return c;
        return -1;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
        char *w = s;
        for (char *r = s; *r; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                        r += 3;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

static int add_mount(struct cg_host *h, const char *path, const char *root, bool v2,
                     struct rterr *err)
{
        struct cg_mount *m = realloc(h->mounts, (h->n_mounts + 1) * sizeof(*m));
        if (m == NULL)
                return rterr_errno(err, "cgroup detection");
        h->mounts = m;
        m = &h->mounts[h->n_mounts];
        *m = (struct cg_mount){.path = strdup(path), .root = strdup(root), .v2 = v2};
        if (m->path == NULL || m->root == NULL) {
                free(m->path);
                free(m->root);
                return rterr_errno(err, "cgroup detection");
        }
        h->n_mounts++;
        return 0;
}

static int named_mount(const struct cg_host *h, const char *name)
{
        for (size_t i = 0; i < h->n_mounts; i++)
                if (h->mounts[i].name && strcmp(h->mounts[i].name, name) == 0)
                        return (int)i;
        return -1;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SRC SUPER". */
static int parse_mount_line(struct cg_host *h, char *line, struct rterr *err)
{
        char *sep = strstr(line, " - ");
        if (sep == NULL)
                return 0;
        *sep = '\0';
        char *fields[5], *save = NULL, *tok = strtok_r(line, " ", &save);
        int nf = 0;
        while (tok && nf < 5) {
                fields[nf++] = tok;
                tok = strtok_r(NULL, " ", &save);
        }
        if (nf < 5)
                return 0;
        char *save2 = NULL;
        char *fstype = strtok_r(sep + 3, " ", &save2);
        strtok_r(NULL, " ", &save2); /* source */
        char *super = strtok_r(NULL, " \n", &save2);
        if (fstype == NULL)
                return 0;
        char *root = fields[3], *mnt = fields[4];
        unescape_octal(root);
        unescape_octal(mnt);
        if (strcmp(fstype, "cgroup2") == 0) {
                if (h->v2_mount >= 0)
                        return 0;
                if (add_mount(h, mnt, root, true, err) < 0)
                        return -1;
                h->v2_mount = (int)h->n_mounts - 1;
                return 0;
        }
        if (strcmp(fstype, "cgroup") != 0 || super == NULL)
                return 0;
        int idx = -1;
        const char *name = NULL;
        char *save3 = NULL;
        for (char *o = strtok_r(super, ",", &save3); o; o = strtok_r(NULL, ",", &save3)) {
                int c = cg_ctrl_from_name(o);
                if (strncmp(o, "name=", 5) == 0)
                        name = o;
                if (c < 0 || h->ctrl_mount[c] >= 0)
                        continue;
                if (idx < 0) {
                        if (add_mount(h, mnt, root, false, err) < 0)
                                return -1;
                        idx = (int)h->n_mounts - 1;
                }
                h->ctrl_mount[c] = idx;
        }
        /* A named hierarchy without controllers (name=systemd): runc puts the container in it
         * too, which is what the container's own /sys/fs/cgroup/systemd then shows. */
        if (idx < 0 && name && named_mount(h, name) < 0) {
                if (add_mount(h, mnt, root, false, err) < 0)
                        return -1;
                h->mounts[h->n_mounts - 1].name = strdup(name);
                if (h->mounts[h->n_mounts - 1].name == NULL)
                        return rterr_errno(err, "cgroup detection");
        }
        return 0;
}

static int parse_mounts(struct cg_host *h, const char *text, struct rterr *err)
{
        _cleanup_free_ char *copy = strdup(text);
        if (copy == NULL)
                return rterr_errno(err, "cgroup detection");
        char *save = NULL;
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (parse_mount_line(h, l, err) < 0)
                        return -1;
        return 0;
}

static int set_own(struct cg_mount *m, const char *path, struct rterr *err)
{
        if (m->own != NULL)
                return 0;
        m->own = strdup(path);
        if (m->own == NULL)
                return rterr_errno(err, "cgroup detection");
        return 0;
}

/* "N:ctrl,ctrl:/path" per v1 hierarchy, "0::/path" for the unified one. */
static int parse_own(struct cg_host *h, const char *text, struct rterr *err)
{
        _cleanup_free_ char *copy = strdup(text);
        if (copy == NULL)
                return rterr_errno(err, "cgroup detection");
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(line, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (c2 == NULL)
                        continue;
                *c1 = *c2 = '\0';
                const char *path = c2 + 1;
                if (c1[1] == '\0') {
                        if (h->v2_mount >= 0 && set_own(&h->mounts[h->v2_mount], path, err) < 0)
                                return -1;
                        continue;
                }
                char *save2 = NULL;
                for (char *o = strtok_r(c1 + 1, ",", &save2); o; o = strtok_r(NULL, ",", &save2)) {
                        int n = named_mount(h, o);
                        if (n >= 0 && set_own(&h->mounts[n], path, err) < 0)
                                return -1;
                        int c = cg_ctrl_from_name(o);
                        if (c >= 0 && h->ctrl_mount[c] >= 0 &&
                            set_own(&h->mounts[h->ctrl_mount[c]], path, err) < 0)
                                return -1;
                }
        }
        return 0;
}

static bool word_in(const char *list, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
                bool start = p == list || p[-1] == ' ' || p[-1] == '\n';
                bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n';
                if (start && end)
                        return true;
        }
        return false;
}

int cg_host_parse(const char *mountinfo, const char *self_cgroup, struct cg_host **out,
                  struct rterr *err)
{
        struct cg_host *h = calloc(1, sizeof(*h));
        if (h == NULL)
                return rterr_errno(err, "cgroup detection");
        h->v2_mount = -1;
        for (int c = 0; c < CG_NCTRL; c++)
                h->ctrl_mount[c] = -1;
        if (parse_mounts(h, mountinfo, err) < 0 || parse_own(h, self_cgroup, err) < 0) {
                cg_host_free(h);
                return -1;
        }
        *out = h;
        return 0;
}

/* Controllers the v1 hierarchies lack go to the unified mount when it has them; devices and
 * freezer are built into cgroup v2 (eBPF, cgroup.freeze). */
int cg_host_assign(struct cg_host *h, const char *v2_controllers, struct rterr *err)
{
        bool any_v1 = false;
        for (int c = 0; c < CG_NCTRL; c++) {
                if (h->ctrl_mount[c] >= 0 && !h->mounts[h->ctrl_mount[c]].v2) {
                        h->drv[c] = CG_DRV_V1;
                        any_v1 = true;
                        continue;
                }
                if (h->v2_mount < 0)
                        continue;
                const char *v2 = cg_ctrl_v2_name((enum cg_ctrl)c);
                bool builtin = c == CG_DEVICES || c == CG_FREEZER;
                if (builtin || (v2 && v2_controllers && word_in(v2_controllers, v2))) {
                        h->drv[c] = CG_DRV_V2;
                        h->ctrl_mount[c] = h->v2_mount;
                }
        }
        if (any_v1)
                h->layout = h->v2_mount >= 0 ? CG_LAYOUT_HYBRID : CG_LAYOUT_V1;
        else if (h->v2_mount >= 0)
                h->layout = CG_LAYOUT_V2;
        else
                return rterr_set(err, ENOENT,
                                 "no cgroup filesystem is mounted (see /proc/self/mountinfo)");
        return 0;
}

int cg_host_detect(struct cg_host **out, struct rterr *err)
{
        _cleanup_free_ char *mountinfo = NULL, *self = NULL, *ctrls = NULL, *cpath = NULL;
        struct cg_host *h;
        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0 ||
            read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, NULL, err) < 0 ||
            cg_host_parse(mountinfo, self, &h, err) < 0)
                return -1;
        if (h->v2_mount >= 0 &&
            (asprintf(&cpath, "%s/cgroup.controllers", h->mounts[h->v2_mount].path) < 0 ||
             read_file_at(AT_FDCWD, cpath, &ctrls, NULL, err) < 0)) {
                if (cpath == NULL)
                        rterr_errno(err, "cgroup detection");
                cg_host_free(h);
                return -1;
        }
        if (cg_host_assign(h, ctrls, err) < 0) {
                cg_host_free(h);
                return -1;
        }
        *out = h;
        return 0;
}

void cg_host_free(struct cg_host *host)
{
        if (host == NULL)
                return;
        for (size_t i = 0; i < host->n_mounts; i++) {
                free(host->mounts[i].path);
                free(host->mounts[i].root);
                free(host->mounts[i].own);
                free(host->mounts[i].name);
        }
        free(host->mounts);
        free(host);
}

enum cg_layout cg_host_layout(const struct cg_host *host)
{
        return host->layout;
}
