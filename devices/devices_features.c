/* What the device support adds to `rtrun features` (annotations, since the features document
 * has no fields for CDI or host-resolved device nodes). */
#include "devices/cdi.h"
#include "devices/devices_resolve.h"

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
        for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
                if (oci_kvs_add(out, features[i].key, features[i].value, err) < 0)
                        return -1;
        return 0;
}
