/* The CDI spec directories: every spec file loaded with its directory's priority (the index
 * in the list: a device defined in a later directory overrides an earlier one; two
 * definitions at the same priority conflict and neither is used, as the CDI cache does). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/cdi.h"

struct cdi_bad_file {
        char *file;
        char *msg;
};

struct cdi_registry {
        char *dirs;
        struct cdi_spec **specs;
        size_t n_specs;
        struct cdi_bad_file *bad;
        size_t n_bad;
};

void cdi_registry_free(struct cdi_registry *r)
{
        if (r == NULL)
                return;
        for (size_t i = 0; i < r->n_specs; i++)
                cdi_spec_free(r->specs[i]);
        free(r->specs);
        for (size_t i = 0; i < r->n_bad; i++) {
                free(r->bad[i].file);
                free(r->bad[i].msg);
        }
        free(r->bad);
        free(r->dirs);
        free(r);
}

static bool spec_file_name(const char *name)
{
        size_t n = strlen(name);
        if (name[0] == '.')
                return false;
        return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
               (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
               (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int add_bad(struct cdi_registry *r, const char *file, const char *msg, struct rterr *err)
{
        struct cdi_bad_file *b = realloc(r->bad, (r->n_bad + 1) * sizeof(*b));
        if (b == NULL)
                return rterr_sys(err, ENOMEM, "CDI spec %s", file);
        r->bad = b;
        b[r->n_bad].file = strdup(file);
        b[r->n_bad].msg = strdup(msg);
        if (!b[r->n_bad].file || !b[r->n_bad].msg) {
                free(b[r->n_bad].file);
                free(b[r->n_bad].msg);
                return rterr_sys(err, ENOMEM, "CDI spec %s", file);
        }
        r->n_bad++;
        return 0;
}

static int add_spec(struct cdi_registry *r, struct cdi_spec *s, struct rterr *err)
{
        struct cdi_spec **v = realloc(r->specs, (r->n_specs + 1) * sizeof(*v));
        if (v == NULL) {
                cdi_spec_free(s);
                return rterr_sys(err, ENOMEM, "CDI registry");
        }
        r->specs = v;
        v[r->n_specs++] = s;
        return 0;
}

static int load_file(struct cdi_registry *r, int dirfd, const char *dir, const char *name,
                     int priority, struct rterr *err)
{
        char file[4096];
        snprintf(file, sizeof(file), "%s/%s", dir, name);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        struct rterr perr = {0};
        struct cdi_spec *s = NULL;
        if (read_file_at(dirfd, name, &text, &len, &perr) < 0) {
                rterr_wrap(&perr, "CDI spec %s", file);
                return add_bad(r, file, perr.msg, err);
        }
        if (cdi_spec_parse(text, len, file, &s, &perr) < 0)
                return add_bad(r, file, perr.msg, err);
        s->priority = priority;
        return add_spec(r, s, err);
}

static int load_dir(struct cdi_registry *r, const char *dir, int priority, struct rterr *err)
{
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return 0; /* an absent directory holds no specs */
                return rterr_errno(err, "CDI: open spec directory %s", dir);
        }
        struct dirent **names = NULL;
        int n = scandirat(dfd, ".", &names, NULL, alphasort);
        if (n < 0)
                return rterr_errno(err, "CDI: read spec directory %s", dir);
        int rc = 0;
        for (int i = 0; i < n; i++) {
                if (rc == 0 && spec_file_name(names[i]->d_name))
                        rc = load_file(r, dfd, dir, names[i]->d_name, priority, err);
                free(names[i]);
        }
        free(names);
        return rc;
}

int cdi_registry_load(const char *dirs, struct cdi_registry **out, struct rterr *err)
{
        struct cdi_registry *r = calloc(1, sizeof(*r));
        _cleanup_free_ char *copy = strdup(dirs);
        if (r == NULL || copy == NULL || (r->dirs = strdup(dirs)) == NULL) {
                cdi_registry_free(r);
                return rterr_sys(err, ENOMEM, "CDI registry");
        }
        int priority = 0;
        char *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                if (load_dir(r, d, priority++, err) < 0) {
                        cdi_registry_free(r);
                        return -1;
                }
        }
        *out = r;
        return 0;
}

/* Appends "; F: why" for each file that failed to load, so an unresolved device names them. */
static void append_bad(const struct cdi_registry *r, struct rterr *err)
{
        for (size_t i = 0; i < r->n_bad; i++) {
                size_t n = strlen(err->msg);
                snprintf(err->msg + n, sizeof(err->msg) - n, "; %s", r->bad[i].msg);
        }
}

static int unresolved(const struct cdi_registry *r, const char *qualified, const char *why,
                      struct rterr *err)
{
        rterr_set(err, ENOENT, "CDI device %s: %s", qualified, why);
        if (err)
                append_bad(r, err);
        return -1;
}

int cdi_registry_lookup(const struct cdi_registry *r, const char *qualified,
                        const struct cdi_device **dev, const struct cdi_spec **spec,
                        struct rterr *err)
{
        struct cdi_qualified q = {0};
        if (cdi_parse_qualified(qualified, &q, err) < 0)
                return -1;
        const struct cdi_spec *best = NULL, *tie = NULL, *kind_file = NULL;
        const struct cdi_device *best_dev = NULL;
        for (size_t i = 0; i < r->n_specs; i++) {
                const struct cdi_spec *s = r->specs[i];
                if (strcmp(s->vendor, q.vendor) != 0 || strcmp(s->klass, q.klass) != 0)
                        continue;
                kind_file = s;
                for (size_t j = 0; j < s->n_devices; j++) {
                        if (strcmp(s->devices[j].name, q.name) != 0)
                                continue;
                        if (best == NULL || s->priority > best->priority) {
                                best = s;
                                best_dev = &s->devices[j];
                                tie = NULL;
                        } else if (s->priority == best->priority) {
                                tie = s;
                        }
                }
        }
        char why[1024];
        int rc = 0;
        if (tie) {
                rc = rterr_set(err, EINVAL,
                               "CDI device %s: conflicting definitions in CDI specs %s and %s "
                               "(same directory priority)",
                               qualified, best->file, tie->file);
        } else if (best == NULL && kind_file) {
                snprintf(why, sizeof(why), "unknown device \"%s\" (CDI spec %s defines kind %s/%s)",
                         q.name, kind_file->file, q.vendor, q.klass);
                rc = unresolved(r, qualified, why, err);
        } else if (best == NULL) {
                snprintf(why, sizeof(why), "no CDI spec of kind %s/%s in %s", q.vendor, q.klass,
                         r->dirs);
                rc = unresolved(r, qualified, why, err);
        } else {
                *dev = best_dev;
                *spec = best;
        }
        cdi_qualified_free(&q);
        return rc;
}
