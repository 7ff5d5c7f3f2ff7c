/* `rtrun create [options] ID` */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun create [command options] <container-id>\n\n"
    "Creates the container from the bundle; its process waits for 'rtrun start'.\n\n"
    "Options:\n"
    "   --bundle, -b DIR        path to the bundle (default: current directory)\n"
    "   --console-socket PATH   unix socket that receives the pty master (process.terminal)\n"
    "   --pid-file PATH         write the container's pid (no newline) to PATH\n"
    "   --no-pivot              MS_MOVE + chroot instead of pivot_root\n"
    "   --no-new-keyring        keep the caller's session keyring\n"
    "   --preserve-fds N        pass N additional fds (3..3+N-1) to the container\n"
    "   --help, -h              show this help\n";

enum {
        OPT_CONSOLE = 256,
        OPT_PIDFILE,
        OPT_NOPIVOT,
        OPT_NOKEYRING,
        OPT_PRESERVE,
        OPT_PIDFD,
        OPT_KEEP
};

int cli_parse_launch(const struct runtime_ctx *g, const char *use, int argc, char **argv,
                     struct launch_opts *o, bool *detach, int *consumed)
{
        static const struct option opts[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"console-socket", required_argument, NULL, OPT_CONSOLE},
            {"pid-file", required_argument, NULL, OPT_PIDFILE},
            {"pidfd-socket", required_argument, NULL, OPT_PIDFD},
            {"no-pivot", no_argument, NULL, OPT_NOPIVOT},
            {"no-new-keyring", no_argument, NULL, OPT_NOKEYRING},
            {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
            {"detach", no_argument, NULL, 'd'},
            {"keep", no_argument, NULL, OPT_KEEP},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, detach ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
                switch (ch) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case OPT_CONSOLE:
                        o->console_socket = optarg;
                        break;
                case OPT_PIDFILE:
                        o->pid_file = optarg;
                        break;
                case OPT_PIDFD:
                        break;
                case OPT_NOPIVOT:
                        o->no_pivot = true;
                        break;
                case OPT_NOKEYRING:
                        o->no_new_keyring = true;
                        break;
                case OPT_PRESERVE: {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || n < 0 || n > 65536) {
                                cli_usage_error(g, argv[0],
                                                "--preserve-fds: expected a count, got '%s'",
                                                optarg);
                                return -1;
                        }
                        o->preserve_fds = (int)n;
                        break;
                }
                case 'd':
                        if (detach == NULL)
                                goto bad;
                        *detach = true;
                        break;
                case OPT_KEEP: /* run only, as --detach */
                        if (detach == NULL)
                                goto bad;
                        o->keep = true;
                        break;
                case 'h':
                        cli_help(use);
                        return 1;
                default:
                bad:
                        cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
                        return -1;
                }
        }
        const char *id;
        if (cli_take_id(g, argv[0], argc, argv, optind, &id) != 0)
                return -1;
        o->id = id;
        *consumed = optind;
        return 0;
}

int cmd_create(const struct runtime_ctx *g, int argc, char **argv)
{
        struct launch_opts o = {0};
        int idx;
        int r = cli_parse_launch(g, usage, argc, argv, &o, NULL, &idx);
        if (r != 0)
                return r > 0 ? 0 : 1;
        struct rterr err = {0};
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        if (container_create(g, &o, &c, &spec, &err) < 0)
                return log_fail(g, &err);
        container_free(c);
        oci_spec_free(spec);
        return 0;
}
