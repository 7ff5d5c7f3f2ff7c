/* `rtrun checkpoint [options] ID` (runc 1.1's flags; runtime/checkpoint.c does the work). */
#include <getopt.h>

#include "cli/commands.h"
#include "cli/criu_flags.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun checkpoint [command options] <container-id>\n\n"
    "Checkpoints a running container with CRIU. Without --leave-running the container is\n"
    "deleted afterwards (its real-time reservation with it, never before).\n\n"
    "Options:\n"
    "   --image-path DIR            where the images go (default: ./checkpoint)\n"
    "   --work-path DIR             criu's logs and work files (default: the image path)\n"
    "   --parent-path DIR           images of a previous pre-dump, relative to --image-path\n"
    "   --leave-running             keep the container running after the checkpoint\n"
    "   --pre-dump                  dump memory only, keep running (then dump with\n"
    "                               --parent-path)\n"
    "   --tcp-established           allow open TCP connections\n"
    "   --ext-unix-sk               allow external unix sockets\n"
    "   --shell-job                 allow a shell job (a terminal)\n"
    "   --file-locks                handle file locks\n"
    "   --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"
    "   --empty-ns network          do not dump the network namespace's contents\n"
    "   --auto-dedup                deduplicate memory against the parent's images\n"
    "   --lazy-pages                leave memory to be fetched lazily (criu's page server)\n"
    "   --status-fd FD              criu reports there when lazy pages can be served\n"
    "   --help, -h                  show this help\n";

int cmd_checkpoint(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            CRIU_LONG_OPTS,
            {"parent-path", required_argument, NULL, CRIU_OPT_PARENT},
            {"leave-running", no_argument, NULL, CRIU_OPT_LEAVE},
            {"pre-dump", no_argument, NULL, CRIU_OPT_PREDUMP},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        struct criu_opts o = {.status_fd = -1};
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                int r = ch == '?' ? 0 : cli_criu_flag(g, argv[0], ch, optarg, &o);
                if (r < 0)
                        return 1;
                if (r == 0)
                        return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        const char *id;
        if (cli_take_id(g, argv[0], argc, argv, optind, &id) != 0 ||
            cli_criu_finish(g, argv[0], &o) != 0)
                return 1;
        struct rterr err = {0};
        _cleanup_container_ struct container *c = NULL;
        _cleanup_spec_ struct oci_spec *spec = NULL;
        if (container_load(g, id, &c, &err) < 0 || container_load_spec(c, &spec, &err) < 0 ||
            container_checkpoint(g, c, spec, &o, &err) < 0)
                return log_fail(g, &err);
        return 0;
}
