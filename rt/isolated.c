/* CPUs the kernel keeps away from the scheduler or the tick: isolcpus= and nohz_full= on the
 * command line, and what the kernel reports in /sys/devices/system/cpu/{isolated,nohz_full}. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "rt/internal.h"

/* isolcpus=[flag,...,]cpulist: the flags (nohz, domain, managed_irq) come first. */
static int parse_isolcpus(const char *val, struct rt_isolation *out, struct rterr *err)
{
        const char *p = val;
        size_t flen = 0;
        while (isalpha((unsigned char)*p)) {
                size_t n = strcspn(p, ",");
                if (flen + n + 2 < sizeof(out->isolcpus_flags)) {
                        snprintf(out->isolcpus_flags + flen, sizeof(out->isolcpus_flags) - flen,
                                 "%s%.*s", flen ? "," : "", (int)n, p);
                        flen = strlen(out->isolcpus_flags);
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        if (cpumask_parse(p, &out->isolcpus_cmdline, err) < 0)
                return rterr_wrap(err, "kernel command line isolcpus=%s", val);
        return 0;
}

int rt_isolation_parse_cmdline(const char *cmdline, struct rt_isolation *out, struct rterr *err)
{
        const char *p = cmdline;
        while (*p) {
                while (*p == ' ' || *p == '\n' || *p == '\t')
                        p++;
                size_t n = strcspn(p, " \n\t");
                if (n == 0)
                        break;
                char tok[1024];
                snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
                p += n;
                if (strcmp(tok, "--") == 0)
                        break; /* the rest belongs to init */
                if (strncmp(tok, "isolcpus=", 9) == 0) {
                        if (parse_isolcpus(tok + 9, out, err) < 0)
                                return -1;
                } else if (strncmp(tok, "nohz_full=", 10) == 0) {
                        if (cpumask_parse(tok + 10, &out->nohz_full_cmdline, err) < 0)
                                return rterr_wrap(err, "kernel command line %s", tok);
                }
        }
        return 0;
}

static void read_sysfs_list(const char *path, struct cpumask *out)
{
        if (cpumask_read_file(AT_FDCWD, path, out, NULL) < 0)
                cpumask_zero(out); /* absent without CONFIG_NO_HZ_FULL: none */
}

int rt_isolation_read(struct rt_isolation *out, struct rterr *err)
{
        memset(out, 0, sizeof(*out));
        _cleanup_free_ char *cmdline = NULL;
        if (read_file_at(AT_FDCWD, "/proc/cmdline", &cmdline, NULL, err) < 0)
                return -1;
        if (rt_isolation_parse_cmdline(cmdline, out, err) < 0)
                return -1;
        read_sysfs_list("/sys/devices/system/cpu/isolated", &out->isolated_sysfs);
        read_sysfs_list("/sys/devices/system/cpu/nohz_full", &out->nohz_full_sysfs);
        return 0;
}
