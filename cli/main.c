/* rtrun: entry point. The command table lives in runtime/cli.c. */
#include "runtime/commands.h"

int main(int argc, char **argv)
{
        return cli_main(argc, argv);
}
