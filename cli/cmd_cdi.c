/* `rtrun cdi generate`: a CDI spec for this host's NVIDIA GPUs (devices/gpu_cdi.c), on stdout
 * or written atomically to a file that engines' CDI support (and rtrun's own annotations)
 * read from /etc/cdi or /var/run/cdi. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "common/common.h"
#include "devices/devices.h"
#include "runtime/runtime.h"

static const char cdi_usage[] =
    "Usage: rtrun cdi generate [--format json|yaml] [--output FILE] [--driver-root DIR]...\n"
    "                          [--host-root DIR]\n"
    "\n"
    "Writes a Container Device Interface spec (kind nvidia.com/gpu) for this host's NVIDIA\n"
    "GPUs: devices \"0\", \"1\", ... (one per /dev/nvidiaN), \"all\", and \"imex-channel-N\"; the\n"
    "control nodes and the driver's files (found through the loader's cache, the driver roots\n"
    "and the targets of wrapper scripts such as a /usr/bin/nvidia-smi that execs the driver\n"
    "root's binary) are edits of every device. Containers then ask for nvidia.com/gpu=0\n"
    "through Podman's device option, containerd's CDI support or the org.rtrun.cdi.devices\n"
    "annotation.\n"
    "\n"
    "Options:\n"
    "   --format json|yaml, -f  the syntax (default: yaml when FILE ends in .yaml or .yml,\n"
    "                           else json)\n"
    "   --output FILE, -o FILE  write FILE atomically, e.g. /etc/cdi/nvidia.yaml (default:\n"
    "                           stdout)\n"
    "   --driver-root DIR       where the driver is installed outside /usr (repeatable;\n"
    "                           default: /run/nvidia/driver and /usr/local/nvidia)\n"
    "   --host-root DIR         look at the system under DIR instead of / (a mounted image;\n"
    "                           its paths below DIR become the container's paths)\n"
    "   --help, -h              show this help\n";

#define MAX_DRIVER_ROOTS 16

static bool ends_with(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* /etc/cdi may not exist yet on a fresh host: make the file's missing parents (0755). */
static int make_parents(const char *file, struct rterr *err)
{
        char dir[4096];
        if (snprintf(dir, sizeof(dir), "%s", file) >= (int)sizeof(dir))
                return rterr_set(err, ENAMETOOLONG, "cdi generate --output %s", file);
        for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
                *p = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return rterr_errno(err, "cdi generate --output: mkdir %s", dir);
                *p = '/';
        }
        return 0;
}

static int generate(const struct runtime_ctx *g, const char *host_root,
                    const char *const *driver_roots, bool yaml, const char *output)
{
        struct rterr err = {0};
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (gpu_cdi_generate(host_root, driver_roots, yaml, &text, &len, &err) < 0)
                return log_fail(g, &err);
        if (output == NULL) {
                fwrite(text, 1, len, stdout);
                return fflush(stdout) == 0 ? 0 : 1;
        }
        if (make_parents(output, &err) < 0)
                return log_fail(g, &err);
        if (write_file_atomic_at(AT_FDCWD, output, text, len, 0644, &err) < 0) {
                rterr_wrap(&err, "cdi generate --output");
                return log_fail(g, &err);
        }
        return 0;
}

int cmd_cdi(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"driver-root", required_argument, NULL, 'd'},
                                             {"host-root", required_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
                return argc < 2 ? cli_usage_error(g, "cdi", "needs a subcommand: generate")
                                : cli_help(cdi_usage);
        if (strcmp(argv[1], "generate") != 0)
                return cli_usage_error(g, "cdi", "unknown subcommand %s (known: generate)",
                                       argv[1]);
        argc--;
        argv++;
        const char *host_root = NULL;
        const char *roots[MAX_DRIVER_ROOTS + 1] = {0};
        size_t n_roots = 0;
        const char *format = NULL, *output = NULL;
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+f:o:h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(cdi_usage);
                if (ch == 'f')
                        format = optarg;
                else if (ch == 'o')
                        output = optarg;
                else if (ch == 'r')
                        host_root = optarg;
                else if (ch == 'd' && n_roots < MAX_DRIVER_ROOTS)
                        roots[n_roots++] = optarg;
                else if (ch == 'd')
                        return cli_usage_error(g, "cdi generate", "at most %d --driver-root",
                                               MAX_DRIVER_ROOTS);
                else if (optopt != 0 && strchr("fodr", optopt) != NULL)
                        return cli_usage_error(g, "cdi generate", "%s needs a value",
                                               argv[optind - 1]);
                else
                        return cli_usage_error(g, "cdi generate", "unknown option %s",
                                               argv[optind - 1]);
        }
        if (optind < argc)
                return cli_usage_error(g, "cdi generate", "takes no arguments, got %s",
                                       argv[optind]);
        if (format && strcmp(format, "json") != 0 && strcmp(format, "yaml") != 0)
                return cli_usage_error(g, "cdi generate", "--format %s: use json or yaml", format);
        bool yaml = format ? strcmp(format, "yaml") == 0
                           : output && (ends_with(output, ".yaml") || ends_with(output, ".yml"));
        return generate(g, host_root, n_roots > 0 ? roots : NULL, yaml, output);
}
