/* `rtrun restore [options] ID`: a create whose process CRIU restores (runtime/restore.c), so
 * it is admitted, placed and recorded as create does it. */
#include <getopt.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>

#include "cli/commands.h"
#include "cli/criu_flags.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun restore [command options] <container-id>\n\n"
    "Restores a container from a CRIU checkpoint. A real-time container is admitted again\n"
    "first: a restore that no longer fits is refused before any process is restored.\n"
    "Without --detach waits for the container and exits with its status, then deletes it.\n\n"
    "Options:\n"
    "   --bundle, -b DIR            the container's bundle (default: current directory)\n"
    "   --image-path DIR            the checkpoint's images (default: ./checkpoint)\n"
    "   --work-path DIR             criu's logs and work files (default: the image path)\n"
    "   --detach, -d                return once the container runs\n"
    "   --pid-file PATH             write the restored init's pid (no newline) to PATH\n"
    "   --console-socket PATH       accepted for runc's command line (terminals need\n"
    "                               --shell-job)\n"
    "   --no-subreaper              do not become the subreaper of the restored process\n"
    "   --tcp-established           restore open TCP connections\n"
    "   --ext-unix-sk               allow external unix sockets\n"
    "   --shell-job                 restore a shell job (a terminal)\n"
    "   --file-locks                handle file locks\n"
    "   --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"
    "   --empty-ns network          the network namespace was dumped empty\n"
    "   --auto-dedup                deduplicate the images\n"
    "   --lazy-pages                fetch memory lazily (criu lazy-pages must run)\n"
    "   --status-fd FD              passed to criu\n"
    "   --help, -h                  show this help\n";

enum { OPT_PIDFILE = 400, OPT_CONSOLE, OPT_NOSUBREAPER };

int cmd_restore(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            CRIU_LONG_OPTS,
            {"bundle", required_argument, NULL, 'b'},
            {"detach", no_argument, NULL, 'd'},
            {"pid-file", required_argument, NULL, OPT_PIDFILE},
            {"console-socket", required_argument, NULL, OPT_CONSOLE},
            {"no-subreaper", no_argument, NULL, OPT_NOSUBREAPER},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        struct criu_opts co = {.status_fd = -1};
        struct launch_opts o = {.restore = &co};
        bool detach = false, subreaper = true;
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
                switch (ch) {
                case 'h':
                        return cli_help(usage);
                case 'b':
                        o.bundle = optarg;
                        continue;
                case 'd':
                        detach = true;
                        continue;
                case OPT_PIDFILE:
                        o.pid_file = optarg;
                        continue;
                case OPT_CONSOLE:
                        o.console_socket = optarg;
                        continue;
                case OPT_NOSUBREAPER:
                        subreaper = false;
                        continue;
                }
                int r = ch == '?' ? 0 : cli_criu_flag(g, argv[0], ch, optarg, &co);
                if (r < 0)
                        return 1;
                if (r == 0)
                        return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        if (cli_take_id(g, argv[0], argc, argv, optind, &o.id) != 0 ||
            cli_criu_finish(g, argv[0], &co) != 0)
                return 1;
        sigset_t all;
        if (!detach)
                forward_block_signals(&all);
        /* The restored init is criu's sibling, so our child; its own children that outlive it
         * come to us too, as with runc. */
        if (subreaper)
                prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        struct rterr err = {0};
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        if (container_create(g, &o, &c, &spec, &err) < 0)
                return log_fail(g, &err);
        int code = 0;
        if (!detach) {
                flock(c->lock_fd, LOCK_UN);
                code = forward_until_exit(g, c->pid, &all, -1);
                flock(c->lock_fd, LOCK_EX);
                if (container_destroy(g, c, true, &err) < 0)
                        log_msg(g, LOG_WARN, "delete %s: %s", c->id, err.msg);
        }
        container_free(c);
        oci_spec_free(spec);
        return code;
}
