/* `rtrun state ID`: the runtime-spec state document. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/commands.h"
#include "runtime/log.h"
#include "runtime/state_dir.h"

static const char usage[] = "Usage: rtrun state <container-id>\n\n"
                            "Outputs the state of a container as JSON.\n";

int cmd_state(const struct cli_globals *g, int argc, char **argv)
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
        if (container_peek(g, id, &c, &err) < 0)
                return log_fail(g, &err);
        struct oci_state st;
        container_oci_state(c, c->status, &st);
        char *json = NULL;
        size_t len;
        int rc = 0;
        if (oci_state_to_json(&st, true, &json, &len, &err) < 0)
                rc = log_fail(g, &err);
        else
                printf("%s\n", json);
        free(json);
        container_free(c);
        return rc;
}
