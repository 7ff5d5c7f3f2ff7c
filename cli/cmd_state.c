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

int cmd_state(const struct runtime_ctx *g, int argc, char **argv)
{
        const char *id;
        int code;
        if (!cli_id_only(g, argc, argv, usage, &id, &code))
                return code;
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
