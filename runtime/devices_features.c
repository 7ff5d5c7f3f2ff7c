/* What the device support adds to `rtrun features` (annotations, since the features document
 * has no fields for CDI or host-resolved device nodes). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cdi.h"
#include "runtime/devices_resolve.h"

static const struct {
        const char *key, *value;
} features[] = {
    {"org.rtrun.cdi", "true"},
    {"org.rtrun.cdi.versions", "0.3.0-1.0.0"},
    {"org.rtrun.cdi.formats", "json,yaml"},
    {"org.rtrun.cdi.annotations", CDI_ANNOTATION_DEVICES "," CDI_K8S_ANNOTATION_PREFIX "*"},
    {"org.rtrun.cdi.specDirs", CDI_DEFAULT_DIRS},
    {"org.rtrun.devices.resolveFromHost", "true"},
    {"org.rtrun.netDevices", "true"},
    {"org.rtrun.spec.gpu", "nvidia"},
};

int devices_features(struct oci_kvs *out, struct rterr *err)
{
        size_t n = sizeof(features) / sizeof(features[0]);
        struct oci_kv *v = realloc(out->v, (out->n + n) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "features");
        out->v = v;
        for (size_t i = 0; i < n; i++) {
                struct oci_kv *kv = &v[out->n];
                kv->key = strdup(features[i].key);
                kv->value = strdup(features[i].value);
                out->n++;
                if (!kv->key || !kv->value)
                        return rterr_sys(err, ENOMEM, "features");
        }
        return 0;
}
