/* The device rules a container's cgroup gets, and their devices.allow/deny form. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"

#define ANY (-1)

/* What runc allows every container after the config's rules: mknod of any node, the memory
 * devices (null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9), tty 5:0, ptmx 5:2, the pts
 * slaves 136:*, and tun 10:200. */
static const struct oci_device_rule default_rules[] = {
    {true, 'c', ANY, ANY, "m"}, {true, 'b', ANY, ANY, "m"},  {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"},   {true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"},   {true, 'c', 1, 9, "rwm"},    {true, 'c', 136, ANY, "rwm"},
    {true, 'c', 5, 2, "rwm"},   {true, 'c', 10, 200, "rwm"},
};

int cg_device_rules_effective(const struct oci_device_rule *rules, size_t n,
                              struct oci_device_rule **out, size_t *n_out, struct rterr *err)
{
        size_t nd = sizeof(default_rules) / sizeof(default_rules[0]);
        struct oci_device_rule *v = calloc(1 + n + nd, sizeof(*v));
        if (v == NULL)
                return rterr_errno(err, "device rules");
        v[0] = (struct oci_device_rule){false, 'a', ANY, ANY, "rwm"};
        for (size_t i = 0; i < n; i++) {
                v[1 + i] = rules[i];
                if (v[1 + i].access[0] == '\0')
                        memcpy(v[1 + i].access, "rwm", 4);
                if (v[1 + i].type == 'a') {
                        v[1 + i].major = ANY;
                        v[1 + i].minor = ANY;
                }
        }
        memcpy(v + 1 + n, default_rules, sizeof(default_rules));
        *out = v;
        *n_out = 1 + n + nd;
        return 0;
}

static void num(char *buf, size_t len, int64_t v)
{
        if (v < 0)
                snprintf(buf, len, "*");
        else
                snprintf(buf, len, "%" PRId64, v);
}

void cg_device_rule_line(const struct oci_device_rule *r, char *buf, size_t len)
{
        if (r->type == 'a') {
                snprintf(buf, len, "a");
                return;
        }
        char ma[24], mi[24];
        num(ma, sizeof(ma), r->major);
        num(mi, sizeof(mi), r->minor);
        snprintf(buf, len, "%c %s:%s %s", r->type, ma, mi, r->access[0] ? r->access : "rwm");
}

/* The kernel's v1 exception list after the rules, as devices.list prints it: an allow adds its
 * access to the entry of the same type:major:minor, a deny takes access away from the exactly
 * matching entry, "a" resets the list (Documentation/admin-guide/cgroup-v1/devices.rst). */
struct ex {
        char type;
        int64_t major, minor;
        char access[4];
};

static void access_merge(char *dst, const char *add, bool remove)
{
        char out[4];
        size_t n = 0;
        for (const char *c = "rwm"; *c; c++) {
                bool had = strchr(dst, *c) != NULL, in = strchr(add, *c) != NULL;
                if (remove ? had && !in : had || in)
                        out[n++] = *c;
        }
        out[n] = '\0';
        memcpy(dst, out, n + 1);
}

int cg_devices_v1_expected(const struct oci_device_rule *rules, size_t n, char ***lines,
                           size_t *n_lines, struct rterr *err)
{
        struct ex *v = calloc(n + 1, sizeof(*v));
        if (v == NULL)
                return rterr_errno(err, "device rules");
        size_t k = 0;
        bool allow_all = false;
        for (size_t i = 0; i < n; i++) {
                const struct oci_device_rule *r = &rules[i];
                const char *acc = r->access[0] ? r->access : "rwm";
                if (r->type == 'a') {
                        allow_all = r->allow;
                        k = 0;
                        continue;
                }
                size_t j = 0;
                while (j < k &&
                       !(v[j].type == r->type && v[j].major == r->major && v[j].minor == r->minor))
                        j++;
                /* A rule against the default adds an exception; one along it takes access away. */
                if (j == k && r->allow != allow_all) {
                        v[k] = (struct ex){r->type, r->major, r->minor, ""};
                        k++;
                }
                if (j < k)
                        access_merge(v[j].access, acc, r->allow == allow_all);
                if (j < k && v[j].access[0] == '\0')
                        v[j] = v[--k];
        }
        char **out = calloc(k + 1, sizeof(*out));
        if (out == NULL) {
                free(v);
                return rterr_errno(err, "device rules");
        }
        size_t m = 0;
        if (allow_all) {
                out[m++] = strdup("a *:* rwm");
        } else {
                for (size_t i = 0; i < k; i++) {
                        char buf[80];
                        struct oci_device_rule r = {true, v[i].type, v[i].major, v[i].minor, ""};
                        memcpy(r.access, v[i].access, sizeof(r.access));
                        cg_device_rule_line(&r, buf, sizeof(buf));
                        out[m++] = strdup(buf);
                }
        }
        free(v);
        for (size_t i = 0; i < m; i++) {
                if (out[i] == NULL) {
                        for (size_t j = 0; j < m; j++)
                                free(out[j]);
                        free(out);
                        return rterr_errno(err, "device rules");
                }
        }
        *lines = out;
        *n_lines = m;
        return 0;
}
