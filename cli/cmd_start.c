/* `rtrun start ID` */
#include <getopt.h>

#include "cli/commands.h"
#include "runtime/launch.h"
#include "runtime/log.h"

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
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        int rc = 0;
        if (container_load(g, id, &c, &err) < 0 || container_load_spec(c, &spec, &err) < 0 ||
            container_start(g, c, spec, &err) < 0)
                rc = log_fail(g, &err);
        oci_spec_free(spec);
        container_free(c);
        return rc;
}
