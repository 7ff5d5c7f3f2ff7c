/* cgroup v2: one "root" partition per CPU set, shared by every DEADLINE container on the set.
 * Sibling cgroups cannot hold the same CPUs exclusively (Documentation/admin-guide/cgroup-v2.rst,
 * cpuset.cpus.partition: a partition's CPUs must be exclusive among its siblings), so two
 * containers that are each a partition can never share CPUs. Instead the containers' common
 * parent cgroup becomes the partition, and the containers are plain members below it: they all
 * run in the partition's root domain. Before kernel 6.7 (no cpuset.cpus.exclusive) a partition's
 * parent must itself be a partition root, which is why the default parent sits right below the
 * root cgroup.
 *
 * State, in RT_STATE_DIR/rootdomain next to the "container DIR CPUS" claims:
 *   partition PARENT CPUS  rtrun made PARENT the partition of CPUS (recorded before any write;
 *                          the files it changed are "saved" entries of PARENT's files)
 *   emptied PARENT -       no container uses it any more: PARENT's files are restored, and
 *                          PARENT itself is removed once nothing is below it (the last
 *                          member's cgroup goes after rt/'s teardown).
 * A member is a "container" claim whose directory's parent is PARENT. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"

/* rtrun's own parents, one per CPU set ("/rtrun-rt-2_5"): rt_partition_default_parent. */
#define PARENT_PREFIX "/rtrun-rt-"

static void parent_of(const char *dir, char *out, size_t len)
{
        const char *slash = strrchr(dir, '/');
        size_t n = slash ? (size_t)(slash - dir) : 0;
        snprintf(out, len, "%.*s", (int)n, dir);
}

static bool is_member_of(const struct rt_state_entry *e, const char *parent)
{
        char p[RT_PATH];
        if (strcmp(e->kind, "container") != 0)
                return false;
        parent_of(e->a, p, sizeof(p));
        return strcmp(p, parent) == 0;
}

static size_t members_of(struct rt_state *st, const char *parent)
{
        size_t n = 0;
        for (size_t i = 0; i < st->n; i++)
                n += is_member_of(&st->v[i], parent);
        return n;
}

/* Whether the saved entry is one of parent's own files ("PARENT/cpuset.cpus"). */
static bool saved_file_of(const struct rt_state_entry *e, const char *parent)
{
        size_t l = strlen(parent);
        return strcmp(e->kind, "saved") == 0 && strncmp(e->a, parent, l) == 0 && e->a[l] == '/' &&
               strchr(e->a + l + 1, '/') == NULL;
}

/* Writes parent's files back, newest first: partition "member" before its CPUs. */
static int restore_files(struct rt_state *st, const char *parent, struct rterr *err)
{
        int ret = 0;
        for (size_t i = st->n; i-- > 0;) {
                struct rt_state_entry *e = &st->v[i];
                if (!saved_file_of(e, parent))
                        continue;
                const char *file = e->a + strlen(parent) + 1;
                struct rterr e2;
                if (rt_cgf_write(parent, file, strcmp(e->b, "-") == 0 ? "" : e->b, &e2) < 0 &&
                    e2.code != ENOENT) {
                        if (ret == 0 && err)
                                *err = e2;
                        ret = -1;
                        continue;
                }
                rt_state_remove(st, e);
        }
        return ret;
}

/* The first child cgroup of parent that is neither `self` nor a container claimed on `cpus`:
 * making parent the partition would move that cgroup's tasks onto the real-time CPUs. */
static bool foreign_child(struct rt_state *st, const char *parent, const char *self,
                          const char *list, char *out, size_t len)
{
        _cleanup_closedir_ DIR *d = opendir(parent);
        for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
                char child[RT_PATH];
                if (e->d_type != DT_DIR || e->d_name[0] == '.' ||
                    rt_pathf(child, sizeof(child), "%s/%s", parent, e->d_name) < 0 ||
                    strcmp(child, self) == 0)
                        continue;
                struct rt_state_entry *c = rt_state_find(st, "container", child);
                if (c && strcmp(c->b, list) == 0)
                        continue;
                snprintf(out, len, "%s", e->d_name);
                return true;
        }
        return false;
}

/* Kernel >= 6.7: the ancestors between the root and parent lend it the CPUs through
 * cpuset.cpus.exclusive (a remote partition). Before: parent's parent must be a partition root. */
static int lend(struct rt_state *st, const char *mount, const char *parent, const char *list,
                const struct cpumask *cpus, bool exclusive, struct rterr *err)
{
        const char *rel = parent + strlen(mount);
        char anc[RT_PATH];
        if (!exclusive) {
                parent_of(parent, anc, sizeof(anc));
                if (strcmp(anc, mount) == 0 || rt_cgf_partition_valid(anc))
                        return 0;
                return rterr_set(err, EOPNOTSUPP,
                                 "cgroup %s cannot become the partition of CPUs %s: its parent "
                                 "%s is not a partition root, and this kernel has no "
                                 "cpuset.cpus.exclusive (6.7+)",
                                 rel, list, anc + strlen(mount));
        }
        return rt_lend_exclusive(st, mount, parent, list, cpus, err);
}

static int make(struct rt_state *st, const char *mount, const char *parent, const char *list,
                const struct cpumask *cpus, struct rterr *err)
{
        char probe[RT_PATH], cur[512];
        bool exclusive = rt_pathf(probe, sizeof(probe), "%s/cpuset.cpus.exclusive", parent) == 0 &&
                         access(probe, F_OK) == 0;
        if (lend(st, mount, parent, list, cpus, exclusive, err) < 0 ||
            rt_cgf_save_write(st, parent, "cpuset.cpus", list, err) < 0 ||
            (exclusive && rt_cgf_save_write(st, parent, "cpuset.cpus.exclusive", list, err) < 0) ||
            rt_cgf_save_write(st, parent, "cpuset.cpus.partition", "root", err) < 0 ||
            rt_cgf_read(parent, "cpuset.cpus.partition", cur, sizeof(cur), err) < 0)
                return -1;
        if (rt_cgf_partition_valid(parent))
                return 0;
        return rterr_set(err, EINVAL,
                         "cgroup %s: cpuset.cpus.partition reads '%s' after writing 'root': CPUs "
                         "%s cannot form a partition there (they must not be held exclusively by "
                         "a sibling, and must leave the parent at least one CPU)",
                         parent + strlen(mount), cur, list);
}

static bool effective_is(const char *dir, const struct cpumask *cpus)
{
        char path[RT_PATH];
        struct cpumask eff;
        return rt_pathf(path, sizeof(path), "%s/cpuset.cpus.effective", dir) == 0 &&
               cpumask_read_file(AT_FDCWD, path, &eff, NULL) == 0 && cpumask_equal(&eff, cpus);
}

int rt_partition_join(struct rt_state *st, const char *mount, const char *dir,
                      const struct cpumask *cpus, char *why, size_t whylen, struct rterr *err)
{
        char parent[RT_PATH], list[CPULIST_MAX], child[256];
        parent_of(dir, parent, sizeof(parent));
        const char *rel = parent + strlen(mount);
        cpumask_format(cpus, list, sizeof(list));
        if (strcmp(parent, mount) == 0) {
                snprintf(why, whylen, "the container's cgroup is right below the root cgroup");
                return RT_PART_NONE;
        }
        struct rt_state_entry *e = rt_state_find(st, "partition", parent);
        if (e != NULL && strcmp(e->b, list) != 0)
                return rterr_set(err, EBUSY,
                                 "cgroup %s is the partition of CPUs %s for the DEADLINE "
                                 "containers below it, so a container on CPUs %s cannot be "
                                 "there: give each CPU set a cgroup parent of its own",
                                 rel, e->b, list);
        if (e != NULL) {
                if (!rt_cgf_partition_valid(parent))
                        return rterr_set(err, EINVAL,
                                         "cgroup %s, the partition of CPUs %s, is no longer a "
                                         "valid partition root",
                                         rel, list);
                return RT_PART_OURS;
        }
        if (rt_cgf_partition_valid(parent)) {
                if (effective_is(parent, cpus))
                        return RT_PART_ADMIN;
                snprintf(why, whylen, "its parent cgroup %s is a partition of other CPUs", rel);
                return RT_PART_NONE;
        }
        if (foreign_child(st, parent, dir, list, child, sizeof(child))) {
                snprintf(why, whylen,
                         "its parent cgroup %s, which would become the partition of CPUs %s, "
                         "also holds %s/%s",
                         rel, list, rel, child);
                return RT_PART_NONE;
        }
        /* Recorded before the first write, so that delete --force finds it after a crash. */
        struct rt_state_entry *gone = rt_state_find(st, "emptied", parent);
        if (gone)
                rt_state_remove(st, gone);
        if (rt_state_add(st, "partition", parent, list, err) < 0 || rt_state_save(st, err) < 0)
                return -1;
        if (make(st, mount, parent, list, cpus, err) < 0) {
                restore_files(st, parent, NULL);
                e = rt_state_find(st, "partition", parent);
                if (e)
                        rt_state_remove(st, e);
                rt_state_save(st, NULL);
                return -1;
        }
        return RT_PART_OURS;
}

int rt_partition_tidy(struct rt_state *st, struct rterr *err)
{
        int ret = 0;
        for (size_t i = st->n; i-- > 0;) {
                struct rt_state_entry *e = &st->v[i];
                if (strcmp(e->kind, "partition") != 0 || members_of(st, e->a) > 0)
                        continue;
                char parent[RT_PATH];
                snprintf(parent, sizeof(parent), "%s", e->a);
                if (restore_files(st, parent, ret < 0 ? NULL : err) < 0) {
                        ret = -1;
                        continue;
                }
                /* restore_files removed entries: find it again. */
                e = rt_state_find(st, "partition", parent);
                if (e) {
                        snprintf(e->kind, sizeof(e->kind), "emptied");
                        snprintf(e->b, sizeof(e->b), "-");
                }
                i = st->n;
        }
        for (size_t i = st->n; i-- > 0;) {
                struct rt_state_entry *e = &st->v[i];
                if (strcmp(e->kind, "emptied") != 0)
                        continue;
                /* Still below it: the last member's cgroup, until its container's delete
                 * removes it (rt_container_removed runs this again), or a cgroup that is not
                 * rtrun's, which keeps it. */
                if (rmdir(e->a) == 0 || errno == ENOENT)
                        rt_state_remove(st, e);
        }
        return ret;
}

int rt_partition_default_parent(const struct cpumask *cpus, char *out, size_t len)
{
        char list[CPULIST_MAX];
        cpumask_format(cpus, list, sizeof(list));
        for (char *p = list; *p; p++)
                if (*p == ',')
                        *p = '_';
        return rt_pathf(out, len, "%s%s", PARENT_PREFIX, list);
}

int rt_default_parent_of(const char *cgroup_path, char *out, size_t len)
{
        const char *slash = cgroup_path ? strchr(cgroup_path + 1, '/') : NULL;
        if (slash == NULL || strncmp(cgroup_path, PARENT_PREFIX, strlen(PARENT_PREFIX)) != 0 ||
            strchr(slash + 1, '/') != NULL || (size_t)(slash - cgroup_path) >= len)
                return 0;
        snprintf(out, len, "%.*s", (int)(slash - cgroup_path), cgroup_path);
        return 1;
}
