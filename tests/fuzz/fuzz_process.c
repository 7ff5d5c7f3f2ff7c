/* libFuzzer target: the process JSON of `rtrun exec --process FILE`. */
#include <stddef.h>
#include <stdint.h>

#include "oci/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_process *p = NULL;
        struct rterr err;
        if (oci_process_parse((const char *)data, size, "process.json", &p, &err) == 0)
                oci_process_free(p);
        return 0;
}
