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
