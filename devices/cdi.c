/* The CDI step of create: the requested devices resolved in the spec directories and their
 * edits (and once per spec file its top-level edits) applied to the config. It runs before
 * anything of the container exists, so a failure leaves nothing behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/cdi.h"

int cdi_apply(struct oci_spec *spec, struct rterr *err)
{
        struct oci_strv want = {0};
        if (cdi_requested(spec, &want, err) < 0)
                return -1;
        if (want.n == 0)
                return 0;
        const char *dirs = getenv(CDI_DIRS_ENV);
        struct cdi_registry *reg = NULL;
        if (cdi_registry_load(dirs && dirs[0] ? dirs : CDI_DEFAULT_DIRS, &reg, err) < 0) {
                cdi_strv_free(&want);
                return -1;
        }
        const struct cdi_spec **done = calloc(want.n, sizeof(*done));
        size_t n_done = 0;
        int rc = done ? 0 : rterr_sys(err, ENOMEM, "CDI");
        for (size_t i = 0; rc == 0 && i < want.n; i++) {
                const struct cdi_device *dev;
                const struct cdi_spec *s;
                char what[1024];
                if (cdi_registry_lookup(reg, want.v[i], &dev, &s, err) < 0) {
                        rc = -1;
                        break;
                }
                bool seen = false;
                for (size_t j = 0; j < n_done; j++)
                        seen |= done[j] == s;
                if (!seen) {
                        done[n_done++] = s;
                        snprintf(what, sizeof(what), "CDI device %s: spec %s", want.v[i], s->file);
                        rc = cdi_edits_apply(spec, &s->edits, what, err);
                }
                snprintf(what, sizeof(what), "CDI device %s: spec %s: devices[%zu]", want.v[i],
                         s->file, (size_t)(dev - s->devices));
                if (rc == 0)
                        rc = cdi_edits_apply(spec, &dev->edits, what, err);
        }
        size_t n = want.n;
        free(done);
        cdi_registry_free(reg);
        cdi_strv_free(&want);
        return rc < 0 ? rc : (int)n;
}
