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
        _cleanup_container_ struct container *c = NULL;
        _cleanup_free_ char *json = NULL;
        struct oci_state st;
        size_t len;
        if (container_peek(g, id, &c, &err) < 0)
                return log_fail(g, &err);
        container_oci_state(c, c->status, &st);
        if (oci_state_to_json(&st, true, &json, &len, &err) < 0)
                return log_fail(g, &err);
        printf("%s\n", json);
        return 0;
}
