/* The org.rtrun.* annotations that advertise the admission controller in `rtrun features`. */
#include "scheduler/scheduler.h"

int sched_features_annotations(struct oci_kvs *out, struct rterr *err)
{
        static const char *const kv[][2] = {
            {"org.rtrun.admission", "online"},
            {"org.rtrun.admission.tests", "qpa,gfb,rta"},
            {"org.rtrun.admission.ledger", "/run/rtrun/admission"},
            {"org.rtrun.criticality", "control,planning,perception,best-effort"},
            {"org.rtrun.cpus", "auto, auto:COUNT, auto@CPUS or auto:COUNT@CPUS: admission chooses"},
            {"org.rtrun.elastic.min-runtime", "true"},
            {"org.rtrun.elastic.weight", "true"},
            {"org.rtrun.timing.wcet", "true"},
            {"org.rtrun.timing.period", "true"},
            {"org.rtrun.timing.deadline", "true"},
            {"org.rtrun.scheduler", "process.scheduler as JSON, used when process has none"},
        };
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                if (oci_kvs_add(out, kv[i][0], kv[i][1], err) < 0)
                        return -1;
        return 0;
}
