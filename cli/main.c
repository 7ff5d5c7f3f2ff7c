/* rtrun: entry point. The command table lives in cli/cli.c. */
#include "cli/commands.h"

int main(int argc, char **argv)
{
        return cli_main(argc, argv);
}
