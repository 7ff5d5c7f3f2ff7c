/* v1 devices controller: deny everything, then each rule in order into devices.allow or
 * devices.deny, the way the kernel's exception list expects them. Writing "a" to devices.deny
 * briefly denies the running container every device, so when devices.list already shows what
 * the rules would give (an update that keeps the rules), nothing is written, and from one
 * allow-list to another only the exceptions that change are (transition()). */
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

static void free_lines(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

static bool list_is(const struct cg_dir *d, char **want, size_t n)
{
        if (n == 1 && strcmp(want[0], "a *:* rwm") == 0)
                return false; /* the kernel hides the deny exceptions of an allow-all list */
        _cleanup_free_ char *cur = NULL;
        if (cg_read(d, "devices.list", &cur, NULL) < 0)
                return false;
        size_t lines = 0;
        char *save = NULL;
        for (char *l = strtok_r(cur, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                size_t i = 0;
                while (i < n && strcmp(want[i], l) != 0)
                        i++;
                if (i == n)
                        return false;
                lines++;
        }
        return lines == n;
}

static bool has_line(char *const *v, size_t n, const char *l)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], l) == 0)
                        return true;
        return false;
}

/* From one allow-list to another without the moment "a" in devices.deny would deny every
 * device: remove the exceptions that go, add the ones that come (a device whose access
 * changes is the only one briefly denied). false: not two allow-lists, write the policy whole. */
static bool transition(const struct cg_dir *d, char **want, size_t n_want, struct rterr *err,
                       int *rc)
{
        *rc = 0;
        if (has_line(want, n_want, "a *:* rwm"))
                return false;
        _cleanup_free_ char *cur = NULL;
        if (cg_read(d, "devices.list", &cur, NULL) < 0)
                return false;
        char *have[512];
        size_t n_have = 0;
        char *save = NULL;
        for (char *l = strtok_r(cur, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (strcmp(l, "a *:* rwm") == 0 || n_have == sizeof(have) / sizeof(have[0]))
                        return false;
                have[n_have++] = l;
        }
        for (size_t i = 0; i < n_have && *rc == 0; i++)
                if (!has_line(want, n_want, have[i]))
                        *rc = cg_write(d, "devices.deny", have[i], err);
        for (size_t i = 0; i < n_want && *rc == 0; i++)
                if (!has_line(have, n_have, want[i]))
                        *rc = cg_write(d, "devices.allow", want[i], err);
        return *rc < 0 || list_is(d, want, n_want);
}

int cg_devices_v1_apply(const struct cg_dir *d, const struct oci_device_rule *rules, size_t n,
                        struct rterr *err)
{
        _cleanup_free_ struct oci_device_rule *eff = NULL;
        size_t n_eff, n_want;
        char **want;
        if (cg_device_rules_effective(rules, n, &eff, &n_eff, err) < 0 ||
            cg_devices_v1_expected(eff, n_eff, &want, &n_want, err) < 0)
                return -1;
        int rc = 0;
        bool done = list_is(d, want, n_want) || transition(d, want, n_want, err, &rc);
        free_lines(want, n_want);
        if (done)
                return rc;
        for (size_t i = 0; i < n_eff; i++) {
                char line[80];
                cg_device_rule_line(&eff[i], line, sizeof(line));
                if (cg_write(d, eff[i].allow ? "devices.allow" : "devices.deny", line, err) < 0)
                        return -1;
        }
        return 0;
}
