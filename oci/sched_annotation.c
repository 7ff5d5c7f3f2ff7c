/* process.scheduler from the annotation org.rtrun.scheduler. Engines that cannot write
 * process.scheduler (Podman, Kubernetes through containerd) can still pass annotations; the
 * annotation holds the same JSON object. A scheduler in process wins over the annotation. */
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

#define SCHED_ANNOTATION "org.rtrun.scheduler"
#define SCHED_ANNOTATION_PATH "annotations[\"" SCHED_ANNOTATION "\"]"

int oci_scheduler_from_annotation(struct jctx *c, struct oci_spec *s)
{
        const char *text = oci_annotation(s, SCHED_ANNOTATION);
        if (text == NULL || !s->has_process || s->process.scheduler.set)
                return 0;
        struct jctx inner = {.src = c->src, .err = c->err};
        yajl_val v = NULL;
        if (jparse(&inner, text, strlen(text), &v) < 0)
                return rterr_wrap(c->err, "%s: %s", c->src, SCHED_ANNOTATION_PATH);
        int rc = oci_parse_scheduler(c, v, SCHED_ANNOTATION_PATH, &s->process.scheduler);
        yajl_tree_free(v);
        return rc;
}
