/* `rtrun cpus shield|status|release`: CPU shielding (rt/). */
#include "rt/rt.h"
#include "runtime/cli.h"

int cmd_cpus(const struct cli_globals *g, int argc, char **argv)
{
        (void)g;
        return rt_cpus_main(argc, argv);
}
