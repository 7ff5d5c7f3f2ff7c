/* `rtrun cpus shield CPULIST | status [--format json] | release`. */
#include <stdio.h>
#include <string.h>

#include "rt/rt.h"

int rt_cpus_main(int argc, char **argv)
{
        if (argc < 2 || strcmp(argv[1], "--help") == 0) {
                fprintf(stderr, "usage: rtrun cpus shield CPULIST | status [--format json] | "
                                "release\n");
                return argc < 2 ? 1 : 0;
        }
        fprintf(stderr, "rtrun cpus %s: not implemented yet\n", argv[1]);
        return 1;
}
