/* `rtrun start ID` */
#include <getopt.h>

#include "runtime/commands.h"
#include "runtime/launch.h"
#include "runtime/log.h"

static const char usage[] = "Usage: rtrun start <container-id>\n\n"
                            "Executes the user defined process in a created container.\n";

int cmd_start(const struct cli_globals *g, int argc, char **argv)
{
        static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        const char *id;
        if (cli_take_id(g, argv[0], argc, argv, optind, &id) != 0)
                return 1;
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
