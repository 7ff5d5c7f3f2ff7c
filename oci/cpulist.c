/* The kernel's cpulist syntax ("0-3,5,8-9"), used by cpuset.cpus/mems and execCPUAffinity. */
#include <stdbool.h>
#include <stdlib.h>

#include "oci/internal.h"

static bool read_number(const char **s, unsigned long *out)
{
        if (**s < '0' || **s > '9')
                return false;
        char *end = NULL;
        *out = strtoul(*s, &end, 10);
        /* Far beyond any NR_CPUS; keeps overflow out of the picture. */
        if (end - *s > 6)
                return false;
        *s = end;
        return true;
}

bool oci_cpulist_valid(const char *s)
{
        if (*s == '\0')
                return true; /* empty: "not set", as runc treats it */
        for (;;) {
                unsigned long a, b;
                if (!read_number(&s, &a))
                        return false;
                if (*s == '-') {
                        s++;
                        if (!read_number(&s, &b) || b < a)
                                return false;
                }
                if (*s == '\0')
                        return true;
                if (*s != ',')
                        return false;
                s++;
        }
}
