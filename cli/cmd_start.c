/* `rtrun start ID` */
#include <getopt.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] = "Usage: rtrun start <container-id>\n\n"
                            "Executes the user defined process in a created container.\n"
                            "\n"
                            "Options:\n"
                            "   --help, -h   show this help\n";

static int start(const struct runtime_ctx *g, const char *id, struct rterr *err)
{
        _cleanup_container_ struct container *c = NULL;
        _cleanup_spec_ struct oci_spec *spec = NULL;
        if (container_load(g, id, &c, err) < 0 || container_load_spec(c, &spec, err) < 0)
                return -1;
        return container_start(g, c, spec, err);
}

int cmd_start(const struct runtime_ctx *g, int argc, char **argv)
{
        return cli_on_id(g, argc, argv, usage, start);
}
