/* `rtrun spec` (a default config.json) and `rtrun features` (what rtrun implements). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <sys/statfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/common.h"
#include "oci/oci.h"
#include "rt/rt.h"
#include "cli/commands.h"
#include "runtime/runtime.h"
#include "scheduler/scheduler.h"
#include "devices/devices.h"
#include "runtime/runtime.h"

static const char spec_usage[] =
    "Usage: rtrun spec [command options]\n\n"
    "Writes a default config.json (runc's defaults) into the bundle.\n\n"
    "Options:\n"
    "   --bundle, -b DIR   bundle directory (default: current directory)\n"
    "   --gpu              add this host's NVIDIA devices and driver files (fails without a GPU)\n"
    "   --rootless         a spec for a container run by an unprivileged user: a user namespace\n"
    "                      mapping root to the caller, no network namespace, no resources,\n"
    "                      /sys bound from the host (as runc's spec --rootless)\n"
    "   --help, -h         show this help\n";

static const char features_usage[] = "Usage: rtrun features\n\n"
                                     "Shows the runtime-spec features document.\n"
                                     "\n"
                                     "Options:\n"
                                     "   --help, -h   show this help\n";

static int write_config(const char *bundle, const char *json, size_t len, struct rterr *err)
{
        _cleanup_close_ int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return rterr_errno(err, "bundle %s", bundle);
        _cleanup_close_ int fd =
            openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
                if (errno == EEXIST)
                        return rterr_set(err, EEXIST, "File %s/config.json exists. Remove it first",
                                         bundle);
                return rterr_errno(err, "create %s/config.json", bundle);
        }
        size_t off = 0;
        while (off < len) {
                ssize_t w = write(fd, json + off, len - off);
                if (w < 0)
                        return rterr_errno(err, "write %s/config.json", bundle);
                off += (size_t)w;
        }
        if (write(fd, "\n", 1) != 1)
                return rterr_errno(err, "write %s/config.json", bundle);
        return 0;
}

/* runc's rule for the template's cgroup namespace: only on a pure cgroup v2 host. */
static bool unified_host(void)
{
        struct statfs sb;
        return statfs("/sys/fs/cgroup", &sb) == 0 && sb.f_type == CGROUP2_SUPER_MAGIC;
}

int cmd_spec(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
                                             {"rootless", no_argument, NULL, 'r'},
                                             {"gpu", no_argument, NULL, 'g'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
        optind = 0;
        opterr = 0;
        const char *bundle = ".";
        bool gpu = false;
        struct oci_template_opts topts = {.terminal = true};
        int ch;
        while ((ch = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(spec_usage);
                if (ch == 'b')
                        bundle = optarg;
                else if (ch == 'g')
                        gpu = true;
                else if (ch == 'r')
                        topts.rootless = true;
                else
                        return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        if (optind < argc)
                return cli_usage_error(g, argv[0], "takes no arguments");
        struct rterr err = {0};
        _cleanup_free_ char *json = NULL, *gpu_json = NULL;
        size_t len;
        topts.uid = (unsigned)geteuid();
        topts.gid = (unsigned)getegid();
        topts.cgroupns = unified_host();
        if (oci_spec_template_opts(&topts, &json, &len, &err) < 0 ||
            (gpu && gpu_spec_json(json, &gpu_json, &len, &err) < 0) ||
            write_config(bundle, gpu ? gpu_json : json, len, &err) < 0)
                return log_fail(g, &err);
        return 0;
}

int cmd_features(const struct runtime_ctx *g, int argc, char **argv)
{
        if (argc > 1 && (argv[1][0] == '-'))
                return argv[1][1] == 'h' || argv[1][2] == 'h'
                           ? cli_help(features_usage)
                           : cli_usage_error(g, argv[0], "unknown option %s", argv[1]);
        if (argc > 1)
                return cli_usage_error(g, argv[0], "takes no arguments");
        struct rterr err = {0};
        _cleanup_free_ char *json = NULL;
        size_t len;
        struct oci_kvs extra = {0};
        int rc = rt_features_annotations(&extra, &err) < 0 ||
                 sched_features_annotations(&extra, &err) < 0 ||
                 devices_features(&extra, &err) < 0 || criu_features(&extra, &err) < 0 ||
                 oci_features_json(&extra, &json, &len, &err) < 0;
        oci_kvs_clear(&extra);
        if (rc)
                return log_fail(g, &err);
        printf("%s\n", json);
        return 0;
}
