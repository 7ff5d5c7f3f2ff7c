/* libFuzzer target: config.json as `create` reads it, then the admission model's view of it
 * (the org.rtrun.* annotations and process.scheduler become a task). */
#include <stddef.h>
#include <stdint.h>

#include "oci/oci.h"
#include "scheduler/scheduler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_spec *spec = NULL;
        struct rterr err;
        if (oci_spec_parse((const char *)data, size, &spec, &err) < 0)
                return 0;
        struct sched_host host;
        if (sched_host_from_values(&host, 950000, 1000000, "0-7", 50000000, 1000000000, &err) ==
            0) {
                struct sched_task t;
                if (sched_task_from_spec(spec, "fuzz", &host, &t, &err) == 0)
                        (void)sched_task_validate(&t, &host, "fuzz", &err);
        }
        oci_spec_free(spec);
        return 0;
}
