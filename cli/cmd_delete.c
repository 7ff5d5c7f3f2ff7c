/* `rtrun delete [--force] ID` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun delete [command options] <container-id>\n\n"
    "Deletes a stopped (or created) container: its process, cgroup and state.\n\n"
    "Options:\n"
    "   --force, -f   kill the container first if it is running\n"
    "   --help, -h    show this help\n";

static bool dir_exists(const char *root, const char *id)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", root, id);
        return faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int cmd_delete(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
        optind = 0;
        opterr = 0;
        bool force = false;
        int ch;
        while ((ch = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                if (ch == 'f') {
                        force = true;
                        continue;
                }
                return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        const char *id;
        if (cli_take_id(g, argv[0], argc, argv, optind, &id) != 0)
                return 1;
        struct rterr err = {0};
        struct container *c = NULL;
        int rc = 0;
        int r = force ? container_load_force(g, id, &c, &err) : container_load(g, id, &c, &err);
        /* As runc: deleting by force what does not exist is done already (exit 0, silent).
         * A directory there that is not a container (admission/) stays an error, untouched. */
        if (r < 0 && force && err.code == ENOENT && !dir_exists(g->root, id))
                r = 0;
        else if (r == 0)
                r = container_destroy(g, c, force, &err);
        if (r < 0)
                rc = log_fail(g, &err);
        container_free(c);
        return rc;
}
