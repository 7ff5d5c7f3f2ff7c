/* libFuzzer target: `rtrun admission check --taskset FILE`: the parser, then the whole
 * admission (batch or online, as the file says) and the JSON report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* the command reads the file as a C string */
        char *text = malloc(size + 1);
        if (text == NULL)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        struct sched_host kernel;
        struct rterr err;
        struct sched_taskset ts;
        if (sched_host_from_values(&kernel, 950000, 1000000, "0-3", 50000000, 1000000000, &err) ==
                0 &&
            sched_taskset_parse(text, "taskset.json", &kernel, &ts, &err) == 0) {
                struct sched_verdict *v = calloc(ts.n + 1, sizeof(*v));
                if (v) {
                        (void)sched_taskset_run(&ts, v);
                        free(sched_report_json(ts.tasks, v, ts.n, &ts.host));
                        free(v);
                }
                sched_taskset_free(&ts);
        }
        free(text);
        return 0;
}
