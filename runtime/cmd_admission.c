/* `rtrun admission status|check`: the admission controller's CLI (scheduler/). */
#include <stdio.h>

#include "runtime/cli.h"

int cmd_admission(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        (void)argc;
        (void)argv;
        fprintf(stderr, "rtrun admission: not implemented yet\n");
        return 1;
}
