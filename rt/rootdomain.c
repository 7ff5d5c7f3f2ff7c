/* Root domains from cpusets. A SCHED_DEADLINE task's affinity must cover its whole root domain
 * (kernel/sched/syscalls.c: !cpumask_subset(rq->rd->span, p->cpus_ptr) -> EPERM), so a
 * container pinned to some CPUs needs those CPUs to be a root domain of their own.
 *
 * cgroup v1 (kernel/cgroup/cpuset-v1.c, generate_sched_domains): walking down from the root,
 * the first cpuset on each path with sched_load_balance=1 makes a sched domain of its
 * effective CPUs; overlapping ones are merged; CPUs in none of them share the default root
 * domain. So rtrun switches load balancing off on the container's ancestors (the root cpuset
 * included) and keeps it on in the container's set. Other tasks keep their affinity.
 * cgroup v2 (Documentation/admin-guide/cgroup-v2.rst, cpuset.cpus.partition): the container
 * becomes a "root" partition; its ancestors lend it the CPUs through cpuset.cpus.exclusive
 * (a remote partition, kernel >= 6.7). */
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

#define MAX_DEPTH 32

int rt_cpuset_mount(char *out, size_t len, bool *v2, struct rterr *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (f == NULL)
                return rterr_errno(err, "open /proc/self/mountinfo");
        char line[4096], v2_mount[1024] = "";
        while (fgets(line, sizeof(line), f)) {
                char mnt[1024], fstype[64], super[1024];
                /* id parent maj:min root mountpoint opts [optional...] - fstype source super */
                const char *sep = strstr(line, " - ");
                if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
                    sscanf(sep, " - %63s %*s %1023s", fstype, super) != 2)
                        continue;
                if (strcmp(fstype, "cgroup") == 0) {
                        char opts[1030];
                        snprintf(opts, sizeof(opts), ",%s,", super);
                        if (strstr(opts, ",cpuset,")) {
                                snprintf(out, len, "%s", mnt);
                                *v2 = false;
                                return 0;
                        }
                } else if (strcmp(fstype, "cgroup2") == 0 && v2_mount[0] == '\0') {
                        char ctl[1100];
                        _cleanup_free_ char *text = NULL;
                        snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", mnt);
                        if (read_file_at(AT_FDCWD, ctl, &text, NULL, NULL) == 0 &&
                            strstr(text, "cpuset"))
                                snprintf(v2_mount, sizeof(v2_mount), "%s", mnt);
                }
        }
        if (v2_mount[0] == '\0')
                return rterr_set(err, ENOENT, "no cpuset cgroup hierarchy is mounted");
        snprintf(out, len, "%s", v2_mount);
        *v2 = true;
        return 0;
}

static bool read_flag(const char *dir, const char *file)
{
        char path[RT_PATH];
        _cleanup_free_ char *text = NULL;
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        return read_file_at(AT_FDCWD, path, &text, NULL, NULL) == 0 && atoi(text) == 1;
}

static int read_mask(const char *dir, const char *file, struct cpumask *m, struct rterr *err)
{
        char path[RT_PATH];
        rt_pathf(path, sizeof(path), "%s/%s", dir, file);
        return cpumask_read_file(AT_FDCWD, path, m, err);
}

/* ---- the domains the kernel builds ---- */

struct domain {
        struct cpumask cpus;
        char who[256];
};

struct domains {
        struct domain v[64];
        size_t n;
        bool v2;
        char mount[RT_PATH];
};

static void add_domain(struct domains *d, const struct cpumask *cpus, const char *rel)
{
        char list[64];
        for (size_t i = 0; i < d->n; i++) {
                if (!cpumask_intersects(&d->v[i].cpus, cpus))
                        continue;
                cpumask_or(&d->v[i].cpus, &d->v[i].cpus, cpus);
                size_t off = strlen(d->v[i].who);
                snprintf(d->v[i].who + off, sizeof(d->v[i].who) - off, ", %s (%s)", rel,
                         cpumask_format(cpus, list, sizeof(list)));
                return;
        }
        if (d->n == sizeof(d->v) / sizeof(d->v[0]))
                return;
        d->v[d->n].cpus = *cpus;
        snprintf(d->v[d->n].who, sizeof(d->v[d->n].who), "%s (%s)", rel,
                 cpumask_format(cpus, list, sizeof(list)));
        d->n++;
}

/* Merging may make earlier disjoint domains overlap: repeat until stable. */
static void merge_domains(struct domains *d)
{
        for (bool changed = true; changed;) {
                changed = false;
                for (size_t i = 0; i < d->n && !changed; i++)
                        for (size_t j = i + 1; j < d->n && !changed; j++) {
                                if (!cpumask_intersects(&d->v[i].cpus, &d->v[j].cpus))
                                        continue;
                                cpumask_or(&d->v[i].cpus, &d->v[i].cpus, &d->v[j].cpus);
                                size_t off = strlen(d->v[i].who);
                                snprintf(d->v[i].who + off, sizeof(d->v[i].who) - off, ", %s",
                                         d->v[j].who);
                                d->v[j] = d->v[--d->n];
                                changed = true;
                        }
        }
}

static void walk_v1(const char *mount, const char *rel, int depth, rt_domain_fn fn, void *ctx)
{
        char dir[RT_PATH];
        rt_pathf(dir, sizeof(dir), "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel);
        if (read_flag(dir, "cpuset.sched_load_balance")) {
                struct cpumask eff;
                if (read_mask(dir, "cpuset.effective_cpus", &eff, NULL) == 0 &&
                    !cpumask_empty(&eff))
                        fn(rel, &eff, ctx);
                return; /* the children are inside this domain */
        }
        if (depth >= MAX_DEPTH)
                return;
        _cleanup_closedir_ DIR *dh = opendir(dir);
        struct dirent *e;
        while (dh && (e = readdir(dh)) != NULL) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                char child[RT_PATH];
                rt_pathf(child, sizeof(child), "%s/%s", strcmp(rel, "/") == 0 ? "" : rel,
                         e->d_name);
                walk_v1(mount, child, depth + 1, fn, ctx);
        }
}

void rt_cpuset_v1_domains(const char *mount, rt_domain_fn fn, void *ctx)
{
        walk_v1(mount, "/", 0, fn, ctx);
}

static void add_domain_cb(const char *rel, const struct cpumask *cpus, void *ctx)
{
        add_domain(ctx, cpus, rel);
}

/* v2: the root cgroup and every valid "root" partition (local or remote) is a domain of its
 * cpuset.cpus.effective, from which the kernel already took the CPUs of partitions below;
 * "isolated" partitions have none. */
static void collect_v2(struct domains *d, const char *rel, int depth)
{
        char dir[RT_PATH], path[RT_PATH];
        if (rt_pathf(dir, sizeof(dir), "%s%s", d->mount, strcmp(rel, "/") == 0 ? "" : rel) < 0 ||
            rt_pathf(path, sizeof(path), "%s/cpuset.cpus.partition", dir) < 0)
                return;
        _cleanup_free_ char *part = NULL;
        bool is_root = strcmp(rel, "/") == 0;
        if (!is_root && read_file_at(AT_FDCWD, path, &part, NULL, NULL) == 0)
                is_root = strncmp(part, "root", 4) == 0 && strstr(part, "invalid") == NULL;
        struct cpumask eff;
        if (is_root && read_mask(dir, "cpuset.cpus.effective", &eff, NULL) == 0 &&
            !cpumask_empty(&eff))
                add_domain(d, &eff, rel);
        if (depth >= MAX_DEPTH)
                return;
        _cleanup_closedir_ DIR *dh = opendir(dir);
        struct dirent *e;
        while (dh && (e = readdir(dh)) != NULL) {
                char child[RT_PATH];
                if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
                    rt_pathf(child, sizeof(child), "%s/%s", strcmp(rel, "/") == 0 ? "" : rel,
                             e->d_name) == 0)
                        collect_v2(d, child, depth + 1);
        }
}

static int read_domains(struct domains *d, struct rterr *err)
{
        memset(d, 0, sizeof(*d));
        if (rt_cpuset_mount(d->mount, sizeof(d->mount), &d->v2, err) < 0)
                return -1;
        if (d->v2) {
                collect_v2(d, "/", 0);
        } else {
                rt_cpuset_v1_domains(d->mount, add_domain_cb, d);
        }
        merge_domains(d);
        /* isolcpus= (domain) CPUs never get a sched domain (HK_TYPE_DOMAIN). */
        struct rt_isolation iso;
        if (rt_isolation_read(&iso, NULL) == 0 &&
            (iso.isolcpus_flags[0] == '\0' || strstr(iso.isolcpus_flags, "domain")))
                for (size_t i = 0; i < d->n; i++)
                        cpumask_andnot(&d->v[i].cpus, &d->v[i].cpus, &iso.isolcpus_cmdline);
        return 0;
}

int rt_rootdomain_span(int cpu, struct cpumask *out, char *who, size_t wholen, struct rterr *err)
{
        struct domains *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rterr_errno(err, "root domains");
        if (read_domains(d, err) < 0) {
                free(d);
                return -1;
        }
        if (who && wholen)
                who[0] = '\0';
        struct cpumask rest;
        if (rt_cpus_online(&rest, err) < 0) {
                free(d);
                return -1;
        }
        for (size_t i = 0; i < d->n; i++) {
                if (cpumask_test(&d->v[i].cpus, (unsigned)cpu)) {
                        *out = d->v[i].cpus;
                        if (who)
                                snprintf(who, wholen, "%s", d->v[i].who);
                        free(d);
                        return 0;
                }
                cpumask_andnot(&rest, &rest, &d->v[i].cpus);
        }
        /* In no domain: the default root domain, shared by every such CPU. */
        *out = rest;
        if (who)
                snprintf(who, wholen,
                         "none: CPUs without a sched domain share the default "
                         "root domain");
        free(d);
        return 0;
}
