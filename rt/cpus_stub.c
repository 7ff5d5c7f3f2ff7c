/* Placeholder until rt/ lands: `rtrun cpus` reports that it is missing. */
#include <stdio.h>

#include "rt/rt.h"

int rt_cpus_main(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "rtrun cpus: not implemented yet\n");
        return 1;
}
