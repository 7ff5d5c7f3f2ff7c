/* The top-level "mounts" array. */
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

static int parse_mount(struct jctx *c, yajl_val v, const char *path, struct oci_mount *m)
{
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "destination", &m->destination) < 0)
                return -1;
        char p[JPATH_MAX];
        if (m->destination[0] == '\0') {
                jpath(p, path, "destination");
                return jerr(c, p, "must not be empty");
        }
        jpath(p, path, "destination");
        if (oci_check_path_length(c, p, m->destination) < 0)
                return -1;
        if (jo_str(c, v, path, "source", &m->source) < 0 ||
            jo_str(c, v, path, "type", &m->type) < 0 ||
            jo_strv(c, v, path, "options", &m->options) < 0)
                return -1;
        if (jfield(v, "uidMappings") || jfield(v, "gidMappings")) {
                jpath(p, path, jfield(v, "uidMappings") ? "uidMappings" : "gidMappings");
                return jerr(c, p, "id-mapped mounts are not supported");
        }
        jpath(p, path, "source");
        if (oci_check_path_length(c, p, m->source) < 0 || oci_mount_options(c, path, m) < 0)
                return -1;
        jpath(p, path, "options");
        return oci_check_mount_data(c, p, m->data);
}

int oci_parse_mounts(struct jctx *c, yajl_val v, const char *path, struct oci_mount **out,
                     size_t *n)
{
        if (j_array(c, path, v) < 0)
                return -1;
        if (v->u.array.len == 0)
                return 0;
        *out = oci_calloc(c, path, v->u.array.len, sizeof(struct oci_mount));
        if (*out == NULL)
                return -1;
        for (size_t i = 0; i < v->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, path, i);
                *n = i + 1;
                if (parse_mount(c, v->u.array.values[i], q, &(*out)[i]) < 0)
                        return -1;
        }
        return 0;
}

void oci_mounts_clear(struct oci_mount *m, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(m[i].destination);
                free(m[i].source);
                free(m[i].type);
                strv_free(&m[i].options);
                free(m[i].data);
        }
        free(m);
}
