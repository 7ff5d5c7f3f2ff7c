/* rtrun: entry point. The command table lives in runtime/cli.c. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        if (argc > 1 && strcmp(argv[1], "--version") == 0) {
                printf("rtrun version %s\nspec: 1.2.0\n", RTRUN_VERSION);
                return 0;
        }
        fprintf(stderr, "rtrun: not yet implemented\n");
        return 1;
}
