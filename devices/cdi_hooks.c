/* CDI hooks by name, and where a hook CDI added came from, so its failure names the device and
 * the spec file. The origin is an annotation of the container ("org.rtrun.cdi.hook.<kind>[i]"):
 * it travels in the kept config and state.json to start and delete, which run hooks too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/cdi.h"

#define ORIGIN_PREFIX "org.rtrun.cdi.hook."

static const char *const kinds[] = {
    [CDI_HOOK_PRESTART] = "prestart",
    [CDI_HOOK_CREATE_RUNTIME] = "createRuntime",
    [CDI_HOOK_CREATE_CONTAINER] = "createContainer",
    [CDI_HOOK_START_CONTAINER] = "startContainer",
    [CDI_HOOK_POSTSTART] = "poststart",
    [CDI_HOOK_POSTSTOP] = "poststop",
};

int cdi_hook_from_kind(const char *kind)
{
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(kinds[i], kind) == 0)
                        return (int)i;
        return -1;
}

const char *cdi_hook_kind(enum cdi_hook_name n)
{
        return (size_t)n < sizeof(kinds) / sizeof(kinds[0]) ? kinds[n] : NULL;
}

int cdi_hook_origin_set(struct oci_kvs *a, const char *kind, size_t index, const char *what,
                        struct rterr *err)
{
        char key[128];
        snprintf(key, sizeof(key), ORIGIN_PREFIX "%s[%zu]", kind, index);
        struct oci_kv *v = realloc(a->v, (a->n + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "annotation %s", key);
        a->v = v;
        v[a->n].key = strdup(key);
        v[a->n].value = strdup(what);
        if (!v[a->n].key || !v[a->n].value) {
                free(v[a->n].key);
                free(v[a->n].value);
                return rterr_sys(err, ENOMEM, "annotation %s", key);
        }
        a->n++;
        return 0;
}

int cdi_hook_blame(const struct oci_kvs *a, struct rterr *err)
{
        char kind[32];
        size_t index;
        if (err == NULL || sscanf(err->msg, "hooks.%31[a-zA-Z][%zu]", kind, &index) != 2)
                return -1;
        char key[128];
        snprintf(key, sizeof(key), ORIGIN_PREFIX "%s[%zu]", kind, index);
        for (size_t i = 0; i < a->n; i++)
                if (strcmp(a->v[i].key, key) == 0) {
                        size_t n = strlen(err->msg);
                        snprintf(err->msg + n, sizeof(err->msg) - n, " (hook added by %s)",
                                 a->v[i].value);
                        break;
                }
        return -1;
}
