/* Giving a DEADLINE container's CPUs a root domain of their own, and undoing it. Every host
 * file changed is recorded in RT_STATE_DIR/rootdomain ("saved FILE ORIGINAL") and written back
 * once no container holds a root domain ("container DIR CPUS" lines); see docs/realtime.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "rt/internal.h"

#define STATE_NAME "rootdomain"
#define BALANCE_SET "rtrun-balance"
#define EMPTY_VALUE "-" /* how the state file records an empty original value */

int rt_cgf_read(const char *dir, const char *file, char *out, size_t len, struct rterr *err)
{
        char path[RT_PATH];
        _cleanup_free_ char *text = NULL;
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
                return -1;
        text[strcspn(text, "\n")] = '\0';
        snprintf(out, len, "%s", text);
        return 0;
}

int rt_cgf_write(const char *dir, const char *file, const char *value, struct rterr *err)
{
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        return write_file_at(AT_FDCWD, path, value[0] ? value : "\n", err);
}

/* Writes dir/file = value, remembering the original value the first time. */
int rt_cgf_save_write(struct rt_state *st, const char *dir, const char *file, const char *value,
                      struct rterr *err)
{
        char path[RT_PATH], cur[512];
        if (rt_cgf_read(dir, file, cur, sizeof(cur), err) < 0)
                return -1;
        if (strcmp(cur, value) == 0)
                return 0;
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        if (rt_state_find(st, "saved", path) == NULL &&
            (rt_state_add(st, "saved", path, cur[0] ? cur : EMPTY_VALUE, err) < 0 ||
             rt_state_save(st, err) < 0))
                return -1;
        return rt_cgf_write(dir, file, value, err);
}

/* Undoes every change, newest first (children before parents). Files that are gone went with
 * their cgroup and need nothing. */
static int restore_all(struct rt_state *st, struct rterr *err)
{
        int ret = 0;
        for (size_t i = st->n; i-- > 0;) {
                struct rt_state_entry *e = &st->v[i];
                struct rterr e2;
                if (strcmp(e->kind, "saved") == 0) {
                        const char *v = strcmp(e->b, EMPTY_VALUE) == 0 ? "\n" : e->b;
                        if (write_file_at(AT_FDCWD, e->a, v, &e2) < 0 && e2.code != ENOENT) {
                                if (ret == 0 && err)
                                        *err = e2;
                                ret = -1;
                                continue;
                        }
                } else if (strcmp(e->kind, "created") == 0) {
                        if (rmdir(e->a) < 0 && errno != ENOENT) {
                                if (ret == 0)
                                        rterr_errno(err, "remove %s", e->a);
                                ret = -1;
                                continue;
                        }
                } else {
                        continue;
                }
                rt_state_remove(st, e);
        }
        return ret;
}

static void claimed_of(struct rt_state *st, struct cpumask *out)
{
        cpumask_zero(out);
        for (size_t i = 0; i < st->n; i++) {
                struct cpumask m;
                if (strcmp(st->v[i].kind, "container") == 0 &&
                    cpumask_parse(st->v[i].b, &m, NULL) == 0)
                        cpumask_or(out, out, &m);
        }
}

/* Entries of containers whose cpuset is gone (a create that crashed half-way, a cgroup removed
 * by hand) hold nothing any more. */
static void forget_stale(struct rt_state *st)
{
        for (size_t i = st->n; i-- > 0;)
                if (strcmp(st->v[i].kind, "container") == 0 && access(st->v[i].a, F_OK) < 0 &&
                    errno == ENOENT)
                        rt_state_remove(st, &st->v[i]);
}

int rt_rootdomain_claimed(struct cpumask *out, struct rterr *err)
{
        cpumask_zero(out);
        if (!rt_state_exists(STATE_NAME))
                return 0;
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        claimed_of(&st, out);
        rt_state_close(&st);
        return 0;
}

/* v1: the CPUs nobody claimed stay one load-balanced domain through an empty cpuset, so host
 * tasks are still balanced across them once the root cpuset no longer balances. */
static int update_balance_set(struct rt_state *st, const char *mount, struct rterr *err)
{
        char dir[RT_PATH], mems[256];
        rt_pathf(dir, sizeof(dir), "%s/%s", mount, BALANCE_SET);
        struct cpumask root, claimed, rest;
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/cpuset.effective_cpus", mount);
        if (cpumask_read_file(AT_FDCWD, path, &root, err) < 0)
                return -1;
        claimed_of(st, &claimed);
        cpumask_andnot(&rest, &root, &claimed);
        if (cpumask_empty(&claimed) || cpumask_empty(&rest)) {
                if (rmdir(dir) < 0 && errno != ENOENT)
                        return rterr_errno(err, "remove %s", dir);
                struct rt_state_entry *e = rt_state_find(st, "created", dir);
                if (e)
                        rt_state_remove(st, e);
                return 0;
        }
        /* Recorded before it is made: killed between the two, the record of a directory that
         * does not exist is harmless (restore_all skips it), a directory without one stays. */
        if (rt_state_find(st, "created", dir) == NULL &&
            (rt_state_add(st, "created", dir, NULL, err) < 0 || rt_state_save(st, err) < 0))
                return -1;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return rterr_errno(err, "create %s", dir);
        char cur[256];
        /* empty when a kill came between mkdir and this write */
        if (rt_cgf_read(dir, "cpuset.mems", cur, sizeof(cur), err) < 0)
                return -1;
        if (cur[0] == '\0' && (rt_cgf_read(mount, "cpuset.mems", mems, sizeof(mems), err) < 0 ||
                               rt_cgf_write(dir, "cpuset.mems", mems, err) < 0))
                return -1;
        char list[CPULIST_MAX];
        return rt_cgf_write(dir, "cpuset.cpus", cpumask_format(&rest, list, sizeof(list)), err);
}

struct overlap_ctx {
        struct rt_state *st;
        const char *mount, *rel;
        const struct cpumask *cpus;
        char foreign[512];
        unsigned changed;
        struct rterr *err;
};

static bool is_claimed_with(struct rt_state *st, const char *dir, const struct cpumask *cpus)
{
        struct rt_state_entry *e = rt_state_find(st, "container", dir);
        struct cpumask m;
        return e && cpumask_parse(e->b, &m, NULL) == 0 && cpumask_equal(&m, cpus);
}

static void overlap_cb(const char *rel, const struct cpumask *cpus, void *ctx)
{
        struct overlap_ctx *o = ctx;
        char dir[RT_PATH], list[64];
        rt_pathf(dir, sizeof(dir), "%s%s", o->mount, rel);
        if (strcmp(rel, o->rel) == 0 || !cpumask_intersects(cpus, o->cpus) ||
            is_claimed_with(o->st, dir, o->cpus))
                return;
        /* It keeps its CPUs and tasks, but no longer forms a load-balancing domain across
         * the real-time CPUs (its tasks are balanced within each root domain instead). */
        if (rt_cgf_save_write(o->st, dir, "cpuset.sched_load_balance", "0", o->err) == 0) {
                o->changed++;
                return;
        }
        size_t off = strlen(o->foreign);
        snprintf(o->foreign + off, sizeof(o->foreign) - off, "%s%s (cpus %s)", off ? ", " : "", rel,
                 cpumask_format(cpus, list, sizeof(list)));
}

/* Other cpusets that balance load over the container's CPUs would merge into its domain
 * (kernel/cgroup/cpuset-v1.c merges overlapping domains, populated or not). */
static int settle_overlaps(struct rt_state *st, const char *mount, const char *dir,
                           const struct cpumask *cpus, struct rterr *err)
{
        char list[64];
        struct overlap_ctx o = {
            .st = st, .mount = mount, .rel = dir + strlen(mount), .cpus = cpus, .err = err};
        /* A set switched off reveals its children, which balance by default: walk again. */
        for (int round = 0; round < 16; round++) {
                o.changed = 0;
                rt_cpuset_v1_domains(mount, overlap_cb, &o);
                if (o.changed == 0 || o.foreign[0])
                        break;
        }
        if (o.foreign[0])
                return rterr_set(err, EBUSY,
                                 "cpuset %s balance load over CPUs %s too, which would merge "
                                 "them into the container's root domain, and their "
                                 "cpuset.sched_load_balance cannot be set to 0: take CPUs %s "
                                 "out of them",
                                 o.foreign, cpumask_format(cpus, list, sizeof(list)), list);
        return 0;
}

static int claim_v1(struct rt_state *st, const char *mount, const char *dir,
                    const struct cpumask *cpus, struct rterr *err)
{
        /* Load balancing off on every ancestor, the root cpuset first. */
        const char *rel = dir + strlen(mount);
        char anc[RT_PATH];
        rt_pathf(anc, sizeof(anc), "%s", mount);
        for (const char *p = rel; p != NULL; p = strchr(p + 1, '/')) {
                rt_pathf(anc, sizeof(anc), "%s%.*s", mount, (int)(p - rel), rel);
                if (rt_cgf_save_write(st, anc, "cpuset.sched_load_balance", "0", err) < 0)
                        return rterr_wrap(err, "switch off load balancing above %s", dir);
        }
        /* rt/ runs before cg_apply: the set still has the CPUs it inherited. */
        char list[CPULIST_MAX];
        if (rt_cgf_write(dir, "cpuset.cpus", cpumask_format(cpus, list, sizeof(list)), err) < 0 ||
            rt_cgf_write(dir, "cpuset.sched_load_balance", "1", err) < 0 ||
            update_balance_set(st, mount, err) < 0)
                return -1;
        return settle_overlaps(st, mount, dir, cpus, err);
}

static bool exact_root_domain(const struct cpumask *cpus)
{
        unsigned first = 0;
        while (first < CPUMASK_MAX && !cpumask_test(cpus, first))
                first++;
        struct cpumask span;
        return rt_rootdomain_span((int)first, &span, NULL, 0, NULL) == 0 &&
               cpumask_equal(&span, cpus);
}

bool rt_cgf_partition_valid(const char *dir)
{
        char cur[128];
        if (rt_cgf_read(dir, "cpuset.cpus.partition", cur, sizeof(cur), NULL) < 0)
                return false;
        return strncmp(cur, "root", 4) == 0 && strstr(cur, "invalid") == NULL;
}

/* Writes cpuset.cpus.partition = root and reads back what the kernel made of it. */
static int make_partition(const char *dir, const char *rel, const char *list, struct rterr *err)
{
        char cur[512];
        if (rt_cgf_write(dir, "cpuset.cpus", list, err) < 0 ||
            rt_cgf_write(dir, "cpuset.cpus.partition", "root", err) < 0 ||
            rt_cgf_read(dir, "cpuset.cpus.partition", cur, sizeof(cur), err) < 0)
                return -1;
        if (strncmp(cur, "root", 4) == 0 && strstr(cur, "invalid") == NULL)
                return 0;
        rt_cgf_write(dir, "cpuset.cpus.partition", "member", NULL);
        return rterr_set(err, EINVAL,
                         "cgroup %s: cpuset.cpus.partition reads '%s' after writing 'root': "
                         "CPUs %s cannot form a partition there (they must be exclusive among "
                         "its siblings and leave the parent partition at least one CPU)",
                         rel, cur, list);
}

int rt_lend_exclusive(struct rt_state *st, const char *mount, const char *dir, const char *list,
                      const struct cpumask *cpus, struct rterr *err)
{
        const char *rel = dir + strlen(mount);
        char anc[RT_PATH], cur[CPULIST_MAX], wl[CPULIST_MAX];
        for (const char *p = strchr(rel + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
                rt_pathf(anc, sizeof(anc), "%s%.*s", mount, (int)(p - rel), rel);
                struct cpumask have, want;
                if (rt_cgf_read(anc, "cpuset.cpus.exclusive", cur, sizeof(cur), err) < 0 ||
                    cpumask_parse(cur, &have, err) < 0)
                        return -1;
                if (cpumask_subset(cpus, &have))
                        continue;
                cpumask_or(&want, &have, cpus);
                if (rt_cgf_save_write(st, anc, "cpuset.cpus.exclusive",
                                      cpumask_format(&want, wl, sizeof(wl)), err) < 0)
                        return rterr_wrap(err,
                                          "cgroup %.*s cannot hold CPUs %s exclusively (a "
                                          "sibling holds them, or they are not in its "
                                          "cpuset.cpus)",
                                          (int)(p - rel), rel, list);
        }
        return 0;
}

/* Kernel >= 6.7: a remote partition; each ancestor below the root lends the CPUs. */
static int claim_v2_remote(struct rt_state *st, const char *mount, const char *dir,
                           const char *list, const struct cpumask *cpus, struct rterr *err)
{
        const char *rel = dir + strlen(mount);
        if (rt_lend_exclusive(st, mount, dir, list, cpus, err) < 0)
                return -1;
        if (rt_cgf_write(dir, "cpuset.cpus.exclusive", list, err) < 0)
                return -1;
        return make_partition(dir, rel, list, err);
}

/* Kernel < 6.7: a partition's parent must itself be a partition root
 * (Documentation/admin-guide/cgroup-v2.rst), so the container can only be a partition of its
 * own when its parent already is one. */
static int claim_v2_local(const char *mount, const char *dir, const char *list, struct rterr *err)
{
        const char *rel = dir + strlen(mount);
        char parent[RT_PATH];
        rt_pathf(parent, sizeof(parent), "%s", dir);
        *strrchr(parent, '/') = '\0';
        if (strcmp(parent, mount) != 0 && !rt_cgf_partition_valid(parent))
                return rterr_set(err, EOPNOTSUPP,
                                 "cgroup %s is not a partition root, and this kernel has no "
                                 "cpuset.cpus.exclusive (remote partitions came with 6.7)",
                                 parent + strlen(mount));
        return make_partition(dir, rel, list, err);
}

/* The way out when the container's parent cannot be its CPU set's partition: the engine
 * option that gives the containers of one CPU set a parent cgroup of their own. Appended, so
 * that the kernel's or rtrun's reason stays at the front. */
static int engine_hint(struct rterr *err, const char *why, const char *list)
{
        char name[RT_PATH], old[sizeof(err->msg)];
        struct cpumask m;
        cpumask_parse(list, &m, NULL);
        rt_partition_default_parent(&m, name, sizeof(name));
        snprintf(old, sizeof(old), "%s", err->msg);
        return rterr_set(err, err->code,
                         "%s%s%s; DEADLINE containers on CPUs %s share one partition, their parent "
                         "cgroup: give them one of their own (no linux.cgroupsPath: rtrun uses "
                         "%s/ID; Podman: --cgroup-parent=%s --cgroups=no-conmon; containerd: ctr "
                         "run --cgroup %s/ID; see docs/engines.md)",
                         why, why[0] ? "; " : "", old, list, name, name, name);
}

/* v2: the container's parent cgroup becomes the partition of its CPU set, shared by every
 * container on the set (partition.c). Where it cannot: nothing to do when the CPUs already are a
 * root domain the container's cgroup is in (isolcpus, a partition elsewhere), else the container
 * itself becomes a partition, which only one container per CPU set can be. */
static int claim_v2(struct rt_state *st, const char *mount, const char *dir,
                    const struct cpumask *cpus, struct rterr *err)
{
        char list[CPULIST_MAX], probe[RT_PATH], why[1024] = "";
        cpumask_format(cpus, list, sizeof(list));
        if (rt_cgf_write(dir, "cpuset.cpus", list, err) < 0)
                return -1;
        int r = rt_partition_join(st, mount, dir, cpus, why, sizeof(why), err);
        if (r < 0)
                return err->code == EOPNOTSUPP || err->code == EBUSY ? engine_hint(err, "", list)
                                                                     : -1;
        if (r == RT_PART_NONE && exact_root_domain(cpus))
                r = RT_PART_ADMIN;
        if (r != RT_PART_NONE) {
                struct cpumask eff;
                if (rt_pathf(probe, sizeof(probe), "%s/cpuset.cpus.effective", dir) < 0 ||
                    cpumask_read_file(AT_FDCWD, probe, &eff, err) < 0)
                        return -1;
                if (cpumask_equal(&eff, cpus))
                        return 0;
                char who[256] = "", el[CPULIST_MAX];
                struct cpumask span;
                unsigned first = 0;
                while (!cpumask_test(cpus, first))
                        first++;
                rt_rootdomain_span((int)first, &span, who, sizeof(who), NULL);
                return rterr_set(err, EBUSY,
                                 "CPUs %s are a partition (%s) that the container's cgroup %s is "
                                 "not below: it runs on CPUs %s; put it below that partition",
                                 list, who[0] ? who : "?", dir + strlen(mount),
                                 cpumask_format(&eff, el, sizeof(el)));
        }
        if (rt_pathf(probe, sizeof(probe), "%s/cpuset.cpus.exclusive", dir) == 0 &&
            access(probe, F_OK) == 0)
                r = claim_v2_remote(st, mount, dir, list, cpus, err);
        else
                r = claim_v2_local(mount, dir, list, err);
        return r < 0 ? engine_hint(err, why, list) : 0;
}

int rt_rootdomain_claim(const char *cpuset_dir, const struct cpumask *cpus, struct rterr *err)
{
        char mount[RT_PATH], list[CPULIST_MAX];
        bool v2;
        if (rt_cpuset_mount(mount, sizeof(mount), &v2, err) < 0)
                return -1;
        if (strncmp(cpuset_dir, mount, strlen(mount)) != 0 || cpuset_dir[strlen(mount)] != '/')
                return rterr_set(err, EINVAL, "cpuset %s is not under %s", cpuset_dir, mount);
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        forget_stale(&st);
        if (v2)
                rt_partition_tidy(&st, NULL);
        for (size_t i = 0; i < st.n; i++) {
                struct cpumask other;
                if (strcmp(st.v[i].kind, "container") != 0 || strcmp(st.v[i].a, cpuset_dir) == 0 ||
                    cpumask_parse(st.v[i].b, &other, NULL) < 0)
                        continue;
                if (cpumask_intersects(&other, cpus) && !cpumask_equal(&other, cpus)) {
                        rterr_set(err, EBUSY,
                                  "CPUs %s overlap the root domain {%s} of the DEADLINE "
                                  "container in %s: real-time containers use equal or "
                                  "disjoint CPU sets",
                                  cpumask_format(cpus, list, sizeof(list)), st.v[i].b, st.v[i].a);
                        rt_state_close(&st);
                        return -1;
                }
        }
        int r = rt_state_find(&st, "container", cpuset_dir) == NULL
                    ? rt_state_add(&st, "container", cpuset_dir,
                                   cpumask_format(cpus, list, sizeof(list)), err)
                    : 0;
        if (r == 0)
                r = rt_state_save(&st, err);
        if (r == 0)
                r = v2 ? claim_v2(&st, mount, cpuset_dir, cpus, err)
                       : claim_v1(&st, mount, cpuset_dir, cpus, err);
        if (r < 0) {
                struct rt_state_entry *e = rt_state_find(&st, "container", cpuset_dir);
                if (e)
                        rt_state_remove(&st, e);
                if (v2)
                        rt_partition_tidy(&st, NULL);
                if (rt_state_count(&st, "container") == 0)
                        restore_all(&st, NULL);
                else if (!v2)
                        update_balance_set(&st, mount, NULL);
        }
        if (rt_state_save(&st, r < 0 ? NULL : err) < 0)
                r = -1;
        rt_state_close(&st);
        return r;
}

int rt_rootdomain_release(const char *cpuset_dir, struct rterr *err)
{
        if (!rt_state_exists(STATE_NAME))
                return 0; /* nothing claimed on this host */
        char mount[RT_PATH];
        bool v2;
        if (rt_cpuset_mount(mount, sizeof(mount), &v2, err) < 0)
                return -1;
        struct rt_state st;
        if (rt_state_open(STATE_NAME, &st, err) < 0)
                return -1;
        int r = 0;
        size_t before = st.n;
        forget_stale(&st);
        struct rt_state_entry *e = cpuset_dir ? rt_state_find(&st, "container", cpuset_dir) : NULL;
        if (e != NULL)
                rt_state_remove(&st, e);
        if (e != NULL && v2)
                rt_cgf_write(cpuset_dir, "cpuset.cpus.partition", "member", NULL);
        if (v2)
                r = rt_partition_tidy(&st, err);
        if (st.n != before) {
                if (rt_state_count(&st, "container") == 0) {
                        if (restore_all(&st, r < 0 ? NULL : err) < 0)
                                r = -1;
                } else if (!v2 && update_balance_set(&st, mount, r < 0 ? NULL : err) < 0) {
                        r = -1;
                }
        }
        if (rt_state_save(&st, r < 0 ? NULL : err) < 0)
                r = -1;
        rt_state_close(&st);
        return r;
}

int rt_rootdomain_guest(const char *cpuset_dir, struct rterr *err)
{
        if (!rt_state_exists(STATE_NAME))
                return 0;
        char mount[RT_PATH];
        bool v2;
        if (rt_cpuset_mount(mount, sizeof(mount), &v2, err) < 0)
                return -1;
        if (v2)
                return 0; /* partitions are exclusive: the kernel keeps others off them */
        struct cpumask claimed, mine;
        if (rt_rootdomain_claimed(&claimed, err) < 0)
                return -1;
        if (cpumask_empty(&claimed))
                return 0;
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/cpuset.effective_cpus", cpuset_dir);
        if (cpumask_read_file(AT_FDCWD, path, &mine, err) < 0)
                return -1;
        if (!cpumask_intersects(&mine, &claimed))
                return 0;
        return rt_cgf_write(cpuset_dir, "cpuset.sched_load_balance", "0", err);
}
