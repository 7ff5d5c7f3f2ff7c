/* The systemd driver's pure parts: where a "slice:prefix:name" cgroupsPath puts the container,
 * and the unit properties systemd derives the cgroup files from (see systemd.resource-control(5)
 * for the property names and types). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

void cg_sd_name_free(struct cg_sd_name *n)
{
        free(n->slice);
        free(n->unit);
        free(n->path);
        *n = (struct cg_sd_name){0};
}

/* A unit name part: no '/', not empty where required, printable ASCII. */
static bool name_ok(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] == '/' || s[i] <= ' ' || s[i] > '~')
                        return false;
        return true;
}

int cg_sd_expand_slice(const char *slice, char **out, struct rterr *err)
{
        size_t n = strlen(slice);
        const char *sfx = ".slice";
        if (n <= strlen(sfx) || strcmp(slice + n - strlen(sfx), sfx) != 0 || !name_ok(slice, n))
                return rterr_set(err, EINVAL,
                                 "cgroupsPath: '%s' is not a slice name (NAME.slice, no '/')",
                                 slice);
        if (strcmp(slice, "-.slice") == 0) {
                *out = strdup("");
                return *out ? 0 : rterr_errno(err, "cgroupsPath");
        }
        size_t base = n - strlen(sfx);
        /* Every '-' in a slice name is a level: a-b.slice lives in a.slice. */
        if (slice[0] == '-' || slice[base - 1] == '-' || strstr(slice, "--") != NULL)
                return rterr_set(err, EINVAL,
                                 "cgroupsPath: slice '%s': a '-' may not start or end the name "
                                 "or follow another",
                                 slice);
        size_t cap = 1;
        for (size_t i = 0; i <= base; i++)
                if (i == base || slice[i] == '-')
                        cap += 1 + i + strlen(sfx);
        char *p = malloc(cap), *w = p;
        if (p == NULL)
                return rterr_errno(err, "cgroupsPath");
        for (size_t i = 0; i <= base; i++) {
                if (i == base || slice[i] == '-')
                        w += sprintf(w, "/%.*s%s", (int)i, slice, sfx);
        }
        *out = p;
        return 0;
}

int cg_sd_parse(const char *cgroups_path, const char *id, struct cg_sd_name *out, struct rterr *err)
{
        _cleanup_free_ char *dflt = NULL;
        if (cgroups_path == NULL || cgroups_path[0] == '\0') {
                if (asprintf(&dflt, ":rtrun:%s", id) < 0)
                        return rterr_errno(err, "cgroupsPath");
                cgroups_path = dflt;
        }
        const char *c1 = strchr(cgroups_path, ':');
        const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL)
                return rterr_set(err, EINVAL,
                                 "cgroupsPath '%s': the systemd cgroup driver takes "
                                 "\"slice:prefix:name\" (e.g. \"system.slice:rtrun:%s\")",
                                 cgroups_path, id);
        const char *slice = cgroups_path, *prefix = c1 + 1, *name = c2 + 1;
        size_t ls = (size_t)(c1 - slice), lp = (size_t)(c2 - prefix), ln = strlen(name);
        if (ln == 0 || !name_ok(name, ln) || !name_ok(prefix, lp))
                return rterr_set(err, EINVAL,
                                 "cgroupsPath '%s': prefix and name may not hold '/' or spaces, "
                                 "and the name may not be empty",
                                 cgroups_path);
        if (ln > 6 && strcmp(name + ln - 6, ".slice") == 0)
                return rterr_set(err, ENOTSUP,
                                 "cgroupsPath '%s': a container in a slice unit of its own is "
                                 "not supported; give a name for a scope",
                                 cgroups_path);
        struct cg_sd_name n = {0};
        n.slice = ls ? strndup(slice, ls) : strdup("system.slice");
        if (lp)
                n.unit =
                    asprintf(&n.unit, "%.*s-%s.scope", (int)lp, prefix, name) < 0 ? NULL : n.unit;
        else
                n.unit = asprintf(&n.unit, "%s.scope", name) < 0 ? NULL : n.unit;
        if (n.slice == NULL || n.unit == NULL) {
                cg_sd_name_free(&n);
                return rterr_errno(err, "cgroupsPath");
        }
        _cleanup_free_ char *dir = NULL;
        if (cg_sd_expand_slice(n.slice, &dir, err) < 0 ||
            asprintf(&n.path, "%s/%s", dir, n.unit) < 0) {
                if (n.path == NULL && err->code == 0)
                        rterr_errno(err, "cgroupsPath");
                n.path = NULL;
                cg_sd_name_free(&n);
                return -1;
        }
        *out = n;
        return 0;
}

uint64_t cg_sd_quota_per_sec(int64_t quota, uint64_t period)
{
        if (quota < 0)
                return UINT64_MAX;
        if (period == 0)
                period = 100000;
        uint64_t v = (uint64_t)quota * 1000000 / period;
        /* systemd keeps this in 10 ms steps of CPU time per second: round up, never below the
         * quota asked for (the exact value goes to cpu.max right after). */
        if (v % 10000 != 0)
                v = (v / 10000 + 1) * 10000;
        return v;
}

int cg_sd_cpu_bitmap(const char *list, uint8_t **out, size_t *n_out, struct rterr *err)
{
        uint8_t *bits = NULL;
        size_t n = 0;
        for (const char *p = list; *p;) {
                char *end;
                if (*p == ',' || *p == ' ' || *p == '\n') {
                        p++;
                        continue;
                }
                unsigned long lo = strtoul(p, &end, 10), hi = lo;
                if (end == p)
                        goto bad;
                if (*end == '-') {
                        const char *q = end + 1;
                        hi = strtoul(q, &end, 10);
                        if (end == q || hi < lo)
                                goto bad;
                }
                if (hi >= 65536)
                        goto bad;
                if (hi / 8 + 1 > n) {
                        uint8_t *nb = realloc(bits, hi / 8 + 1);
                        if (nb == NULL) {
                                free(bits);
                                return rterr_errno(err, "cpu list '%s'", list);
                        }
                        memset(nb + n, 0, hi / 8 + 1 - n);
                        bits = nb;
                        n = hi / 8 + 1;
                }
                for (unsigned long i = lo; i <= hi; i++)
                        bits[i / 8] |= (uint8_t)(1u << (i % 8));
                p = end;
        }
        *out = bits;
        *n_out = n;
        return 0;
bad:
        free(bits);
        return rterr_set(err, EINVAL, "'%s' is not a CPU or memory node list", list);
}

/* The driver name of a major number in /proc/devices' section "Character devices:" or
 * "Block devices:". */
static bool driver_name(const char *proc_devices, char type, int64_t major, char *out, size_t len)
{
        const char *want = type == 'b' ? "Block devices:" : "Character devices:";
        const char *sec = strstr(proc_devices, want);
        if (sec == NULL)
                return false;
        for (const char *l = strchr(sec, '\n'); l && l[1] && l[1] != '\n';
             l = strchr(l + 1, '\n')) {
                long long m;
                char name[64];
                if (sscanf(l + 1, "%lld %63s", &m, name) == 2 && m == major) {
                        snprintf(out, len, "%s", name);
                        return true;
                }
        }
        return false;
}

static int add_allow(struct cg_sd_devices *d, const char *path, const char *access,
                     struct rterr *err)
{
        for (size_t i = 0; i < d->n; i++) {
                if (strcmp(d->v[i].path, path) != 0)
                        continue;
                /* Merge the access of a repeated entry: systemd would keep the last only. */
                for (const char *a = access; *a; a++)
                        if (strchr(d->v[i].access, *a) == NULL)
                                strncat(d->v[i].access, a, 1);
                return 0;
        }
        struct cg_sd_device *v = realloc(d->v, (d->n + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_errno(err, "device rules");
        d->v = v;
        snprintf(v[d->n].path, sizeof(v[d->n].path), "%s", path);
        snprintf(v[d->n].access, sizeof(v[d->n].access), "%s", access);
        d->n++;
        return 0;
}

void cg_sd_devices_free(struct cg_sd_devices *d)
{
        free(d->v);
        *d = (struct cg_sd_devices){0};
}

int cg_sd_devices(const struct oci_device_rule *rules, size_t n, const char *proc_devices,
                  struct cg_sd_devices *out, struct rterr *err)
{
        *out = (struct cg_sd_devices){.strict = true};
        for (size_t i = 0; i < n; i++) {
                const struct oci_device_rule *r = &rules[i];
                /* Only allows: systemd's program is a superset of ours, which decides. */
                if (!r->allow || r->access[0] == '\0')
                        continue;
                if (r->type == 'a' && r->major < 0 && r->minor < 0) {
                        cg_sd_devices_free(out);
                        *out = (struct cg_sd_devices){.strict = false};
                        return 0;
                }
                const char *types = r->type == 'a' ? "cb" : r->type == 'b' ? "b" : "c";
                for (const char *t = types; *t; t++) {
                        const char *kind = *t == 'b' ? "block" : "char";
                        char path[96], drv[64];
                        if (r->major < 0)
                                snprintf(path, sizeof(path), "%s-*", kind);
                        else if (r->minor >= 0)
                                snprintf(path, sizeof(path), "/dev/%s/%lld:%lld", kind,
                                         (long long)r->major, (long long)r->minor);
                        else if (proc_devices &&
                                 driver_name(proc_devices, *t, r->major, drv, sizeof(drv)))
                                snprintf(path, sizeof(path), "%s-%s", kind, drv);
                        else /* no driver holds the major now: all of the kind, still a superset */
                                snprintf(path, sizeof(path), "%s-*", kind);
                        if (add_allow(out, path, r->access, err) < 0) {
                                cg_sd_devices_free(out);
                                return -1;
                        }
                }
        }
        return 0;
}
