/* `rtrun update|pause|resume|events`: the commands that act on a container's cgroup. */
#include <stdio.h>

#include "runtime/cli.h"

static int not_yet(const char *what)
{
        fprintf(stderr, "rtrun %s: not implemented yet\n", what);
        return 1;
}

int cmd_update(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        (void)argc;
        (void)argv;
        return not_yet("update");
}

int cmd_pause(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        (void)argc;
        (void)argv;
        return not_yet("pause");
}

int cmd_resume(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        (void)argc;
        (void)argv;
        return not_yet("resume");
}

int cmd_events(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        (void)argc;
        (void)argv;
        return not_yet("events");
}
