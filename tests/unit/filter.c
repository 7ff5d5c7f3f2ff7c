/* Linked into every unit-test program: RTRUN_TEST_FILTER=PATTERN runs only the test functions
 * whose names match it (cmocka's wildcards, * and ?). cmocka 1.1.5 has the filter only as a
 * function, not as an environment variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

__attribute__((constructor)) static void filter_from_env(void)
{
        const char *pattern = getenv("RTRUN_TEST_FILTER");
        if (pattern != NULL && pattern[0] != '\0')
                cmocka_set_test_filter(pattern);
}
