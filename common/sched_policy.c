/* Names of scheduling policies (common/sched_policy.h). */
#include "common/sched_policy.h"

#include <stddef.h>
#include <string.h>

static const char *const names[] = {
    [SCHED_OTHER] = "SCHED_OTHER", [SCHED_FIFO] = "SCHED_FIFO", [SCHED_RR] = "SCHED_RR",
    [SCHED_BATCH] = "SCHED_BATCH", [SCHED_IDLE] = "SCHED_IDLE", [SCHED_DEADLINE] = "SCHED_DEADLINE",
};

const char *sched_policy_name(int policy)
{
        if (policy < 0 || (size_t)policy >= sizeof(names) / sizeof(names[0]))
                return NULL;
        return names[policy];
}

int sched_policy_from_name(const char *name)
{
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (names[i] && strcmp(names[i], name) == 0)
                        return (int)i;
        return -1;
}
