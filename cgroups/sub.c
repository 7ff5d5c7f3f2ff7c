/* `exec --cgroup [CONTROLLER[,CONTROLLER...]:]PATH` (runc 1.1): the exec'd process goes into an
 * existing sub-cgroup of the container's instead of the container's own. Without a controller
 * the path applies to every hierarchy (the unified one included) and must be the only one given;
 * with controllers (v1 names, or name=X for a named hierarchy) only to theirs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

/* PATH cleaned lexically ("a//b/./c" -> "a/b/c", "/" -> ""); ".." may not leave the container's
 * cgroup. */
static int clean_sub_path(const char *spec, const char *in, char **out, struct rterr *err)
{
        size_t n = strlen(in);
        _cleanup_free_ char *p = malloc(n + 1);
        if (p == NULL)
                return rterr_errno(err, "--cgroup %s", spec);
        size_t w = 0;
        for (const char *c = in; *c;) {
                size_t l = strcspn(c, "/");
                if (l == 2 && strncmp(c, "..", 2) == 0) {
                        if (w == 0)
                                return rterr_set(err, EINVAL,
                                                 "--cgroup %s: %s is not below the container's "
                                                 "cgroup",
                                                 spec, in);
                        while (w > 0 && p[w - 1] != '/')
                                w--;
                        if (w > 0)
                                w--;
                } else if (l > 0 && !(l == 1 && c[0] == '.')) {
                        if (w > 0)
                                p[w++] = '/';
                        memcpy(p + w, c, l);
                        w += l;
                }
                c += l;
                c += *c == '/';
        }
        p[w] = '\0';
        *out = TAKE_PTR(p);
        return 0;
}

/* The index in cg->dirs of the hierarchy a controller name (v1 name or name=X) is served by. */
static int dir_of_name(const struct cgroup *cg, const char *spec, const char *name,
                       struct rterr *err)
{
        const struct cg_host *h = cg->host;
        if (h->layout == CG_LAYOUT_V2)
                return rterr_set(err, EINVAL,
                                 "--cgroup %s: cgroup v2 has one hierarchy: give the path "
                                 "without a controller",
                                 spec);
        int c = cg_ctrl_from_name(name);
        if (c >= 0 && cg->ctrl_dir[c] >= 0)
                return cg->ctrl_dir[c];
        if (c < 0 && strncmp(name, "name=", 5) == 0)
                for (size_t i = 0; i < cg->n_dirs; i++) {
                        const char *mn = h->mounts[cg->dirs[i].mount].name;
                        if (mn && strcmp(mn, name) == 0)
                                return (int)i;
                }
        return rterr_set(err, ENOENT, "--cgroup %s: no controller %s on this host", spec, name);
}

/* Records sub as the path for dirs[i]; a hierarchy named twice must get the same path. */
static int set_sub(char **subs, int i, const char *spec, const char *name, char *sub,
                   struct rterr *err)
{
        if (subs[i] && strcmp(subs[i], sub) != 0)
                return rterr_set(err, EINVAL,
                                 "--cgroup %s: %s is given two paths (%s and %s), or shares a "
                                 "hierarchy with a controller given another",
                                 spec, name, subs[i], sub);
        if (subs[i] == NULL && (subs[i] = strdup(sub)) == NULL)
                return rterr_errno(err, "--cgroup %s", spec);
        return 0;
}

static int parse_spec(const struct cgroup *cg, const char *spec, size_t n_specs, char **subs,
                      struct rterr *err)
{
        const char *colon = strchr(spec, ':');
        _cleanup_free_ char *sub = NULL;
        if (colon == NULL) {
                if (n_specs != 1)
                        return rterr_set(err, EINVAL,
                                         "--cgroup %s: give a CONTROLLER: prefix when more "
                                         "than one --cgroup is given",
                                         spec);
                if (clean_sub_path(spec, spec, &sub, err) < 0)
                        return -1;
                for (size_t i = 0; i < cg->n_dirs; i++)
                        if ((subs[i] = strdup(sub)) == NULL)
                                return rterr_errno(err, "--cgroup %s", spec);
                return 0;
        }
        if (strchr(colon + 1, ':'))
                return rterr_set(err, EINVAL,
                                 "--cgroup %s: expected [CONTROLLER[,CONTROLLER...]:]PATH", spec);
        if (clean_sub_path(spec, colon + 1, &sub, err) < 0)
                return -1;
        _cleanup_free_ char *names = strndup(spec, (size_t)(colon - spec));
        if (names == NULL)
                return rterr_errno(err, "--cgroup %s", spec);
        size_t nl = strlen(names);
        if (nl == 0 || names[0] == ',' || names[nl - 1] == ',' || strstr(names, ",,"))
                return rterr_set(err, EINVAL, "--cgroup %s: empty controller name", spec);
        char *save = NULL;
        for (char *p = names;; p = NULL) {
                char *name = strtok_r(p, ",", &save);
                if (name == NULL)
                        break;
                int i = dir_of_name(cg, spec, name, err);
                if (i < 0 || set_sub(subs, i, spec, name, sub, err) < 0)
                        return -1;
        }
        return 0;
}

/* A copy of d, or d's sub-directory sub when sub is set (opened: it must exist). */
static int sub_dir(const struct cg_dir *d, const char *sub, struct cg_dir *out, struct rterr *err)
{
        *out = (struct cg_dir){.fd = -1, .v2 = d->v2, .mount = d->mount};
        if (sub == NULL) {
                out->path = strdup(d->path);
                if (out->path == NULL ||
                    (d->fd >= 0 && (out->fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 3)) < 0))
                        return rterr_errno(err, "--cgroup: %s", d->path);
                return 0;
        }
        if (asprintf(&out->path, "%s%s%s", d->path, *sub ? "/" : "", sub) < 0) {
                out->path = NULL;
                return rterr_errno(err, "--cgroup");
        }
        out->fd = open(out->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (out->fd < 0)
                return rterr_errno(err, "--cgroup: open %s", out->path);
        return 0;
}

int cg_open_sub(const struct cgroup *cg, char *const *specs, size_t n, struct cgroup **out,
                struct rterr *err)
{
        struct cgroup *s = calloc(1, sizeof(*s));
        char **subs = calloc(cg->n_dirs + 1, sizeof(char *));
        int r = -1;
        if (s == NULL || subs == NULL || (s->path = strdup(cg->path)) == NULL ||
            (s->dirs = calloc(cg->n_dirs + 1, sizeof(*s->dirs))) == NULL) {
                rterr_errno(err, "--cgroup");
                goto out;
        }
        s->host = cg->host;
        s->v2_dir = cg->v2_dir;
        memcpy(s->ctrl_dir, cg->ctrl_dir, sizeof(s->ctrl_dir));
        for (size_t k = 0; k < n; k++)
                if (parse_spec(cg, specs[k], n, subs, err) < 0)
                        goto out;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                if (sub_dir(&cg->dirs[i], subs[i], &s->dirs[i], err) < 0) {
                        s->n_dirs = i + 1;
                        goto out;
                }
                s->n_dirs = i + 1;
        }
        *out = TAKE_PTR(s);
        r = 0;
out:
        for (size_t i = 0; subs && i < cg->n_dirs; i++)
                free(subs[i]);
        free(subs);
        cg_free(s);
        return r;
}
