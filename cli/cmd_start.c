/* `rtrun start ID` */
#include <getopt.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] = "Usage: rtrun start <container-id>\n\n"
                            "Executes the user defined process in a created container.\n"
                            "\n"
                            "Options:\n"
                            "   --help, -h   show this help\n";

int cmd_start(const struct runtime_ctx *g, int argc, char **argv)
{
        const char *id;
        int code;
        if (!cli_id_only(g, argc, argv, usage, &id, &code))
                return code;
        struct rterr err = {0};
        _cleanup_container_ struct container *c = NULL;
        _cleanup_spec_ struct oci_spec *spec = NULL;
        if (container_load(g, id, &c, &err) < 0 || container_load_spec(c, &spec, &err) < 0 ||
            container_start(g, c, spec, &err) < 0)
                return log_fail(g, &err);
        return 0;
}
