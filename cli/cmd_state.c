/* `rtrun state ID`: the runtime-spec state document. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] = "Usage: rtrun state <container-id>\n\n"
                            "Outputs the state of a container as JSON.\n"
                            "\n"
                            "Options:\n"
                            "   --help, -h   show this help\n";

static int print_state(const struct runtime_ctx *g, const char *id, struct rterr *err)
{
        _cleanup_container_ struct container *c = NULL;
        _cleanup_free_ char *json = NULL;
        struct oci_state st;
        size_t len;
        if (container_peek(g, id, &c, err) < 0)
                return -1;
        container_oci_state(c, c->status, &st);
        if (oci_state_to_json(&st, true, &json, &len, err) < 0)
                return -1;
        printf("%s\n", json);
        return 0;
}

int cmd_state(const struct runtime_ctx *g, int argc, char **argv)
{
        return cli_on_id(g, argc, argv, usage, print_state);
}
