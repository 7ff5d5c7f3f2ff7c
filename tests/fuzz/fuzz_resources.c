/* libFuzzer target: the LinuxResources JSON of `rtrun update --resources FILE`. */
#include <stddef.h>
#include <stdint.h>

#include "oci/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_resources *r = NULL;
        struct rterr err;
        if (oci_resources_parse((const char *)data, size, "resources.json", &r, &err) == 0)
                oci_resources_free(r);
        return 0;
}
