/* Pure conversions between the runtime-spec's values and the kernel's files. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"

uint64_t cg_shares_to_weight(uint64_t shares)
{
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_weight_to_io(uint64_t weight)
{
        if (weight == 0)
                return 0;
        if (weight < 10)
                weight = 10;
        if (weight > 1000)
                weight = 1000;
        return 1 + (weight - 10) * 9999 / 990;
}

void cg_limit_str(int64_t v, char *buf, size_t len)
{
        if (v < 0)
                snprintf(buf, len, "max");
        else
                snprintf(buf, len, "%" PRId64, v);
}

/* OCI's swap is memory+swap; v2's memory.swap.max counts swap alone. */
int cg_swap_v2_value(int64_t swap, int64_t limit, bool limit_set, char *buf, size_t len,
                     struct rterr *err)
{
        if (swap < 0) {
                snprintf(buf, len, "max");
                return 0;
        }
        if (!limit_set || limit < 0)
                return rterr_set(err, EINVAL,
                                 "linux.resources.memory.swap: %" PRId64
                                 " needs a memory limit on cgroup v2 (swap counts memory+swap)",
                                 swap);
        if (swap < limit)
                return rterr_set(err, EINVAL,
                                 "linux.resources.memory.swap: %" PRId64
                                 " is below the memory limit %" PRId64 " (swap counts memory+swap)",
                                 swap, limit);
        snprintf(buf, len, "%" PRId64, swap - limit);
        return 0;
}

int cg_parse_size(const char *s, int64_t *out, struct rterr *err)
{
        if (strcmp(s, "-1") == 0) {
                *out = -1;
                return 0;
        }
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno != 0 || v < 0)
                return rterr_set(err, EINVAL, "invalid size '%s'", s);
        uint64_t mul = 1;
        switch (tolower((unsigned char)*end)) {
        case '\0':
                break;
        case 'b':
                break;
        case 'k':
                mul = 1ULL << 10;
                break;
        case 'm':
                mul = 1ULL << 20;
                break;
        case 'g':
                mul = 1ULL << 30;
                break;
        case 't':
                mul = 1ULL << 40;
                break;
        case 'p':
                mul = 1ULL << 50;
                break;
        default:
                return rterr_set(err, EINVAL, "invalid size '%s': unknown unit '%s'", s, end);
        }
        if (*end != '\0') {
                const char *rest = end + 1;
                if (tolower((unsigned char)*end) != 'b' && tolower((unsigned char)*rest) == 'i')
                        rest++;
                if (tolower((unsigned char)*end) != 'b' && tolower((unsigned char)*rest) == 'b')
                        rest++;
                if (*rest != '\0')
                        return rterr_set(err, EINVAL, "invalid size '%s': unknown unit '%s'", s,
                                         end);
        }
        double r = v * (double)mul;
        if (r > 9.2e18)
                return rterr_set(err, ERANGE, "invalid size '%s': too large", s);
        *out = (int64_t)r;
        return 0;
}

int cg_path_clean(const char *in, char **out, struct rterr *err)
{
        size_t n = strlen(in);
        char *p = malloc(n + 2);
        if (p == NULL)
                return rterr_errno(err, "cgroupsPath");
        size_t w = 0;
        for (size_t i = 0; i < n; i++) {
                if (in[i] == '/' && w > 0 && p[w - 1] == '/')
                        continue;
                p[w++] = in[i];
        }
        if (w > 1 && p[w - 1] == '/')
                w--;
        p[w] = '\0';
        for (const char *c = p; *c;) {
                size_t l = strcspn(c, "/");
                if ((l == 2 && strncmp(c, "..", 2) == 0) || (l == 1 && c[0] == '.')) {
                        free(p);
                        return rterr_set(err, EINVAL,
                                         "linux.cgroupsPath '%s': '.' and '..' are not allowed",
                                         in);
                }
                c += l;
                c += *c == '/';
        }
        if (w == 0) {
                free(p);
                return rterr_set(err, EINVAL, "linux.cgroupsPath: empty path");
        }
        *out = p;
        return 0;
}
