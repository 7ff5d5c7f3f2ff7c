/* config.json as a whole: the top-level fields, checks that span several objects, load and
 * free, and the lookups the runtime uses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "oci/internal.h"

#define CONFIG_SRC "config.json"

static int parse_root(struct jctx *c, yajl_val top, struct oci_root *root)
{
        yajl_val v = jfield(top, "root");
        if (v == NULL)
                return jerr(c, "root", "required but missing");
        if (j_object(c, "root", v) < 0 || jo_str_req(c, v, "root", "path", &root->path) < 0 ||
            jo_bool(c, v, "root", "readonly", &root->readonly) < 0)
                return -1;
        if (root->path[0] == '\0')
                return jerr(c, "root.path", "must not be empty");
        return oci_check_path_length(c, "root.path", root->path);
}

/* Rules that relate the linux object to itself (runc's validator has the same ones). */
static int check_linux(struct jctx *c, const struct oci_spec *s)
{
        const struct oci_linux *l = &s->linux_;
        if ((l->n_uid_mappings || l->n_gid_mappings) && !oci_namespace_get(s, OCI_NS_USER))
                return jerr(c, l->n_uid_mappings ? "linux.uidMappings" : "linux.gidMappings",
                            "user namespaces must be enabled when uid/gid mappings are set");
        if ((l->time_monotonic.set || l->time_boottime.set) && !oci_namespace_get(s, OCI_NS_TIME))
                return jerr(c, "linux.timeOffsets",
                            "a time namespace is required when time offsets are set");
        if (s->domainname && s->domainname[0] && !oci_namespace_get(s, OCI_NS_UTS))
                return jerr(c, "domainname", "needs a uts namespace");
        if (s->hostname && s->hostname[0] && !oci_namespace_get(s, OCI_NS_UTS))
                return jerr(c, "hostname", "needs a uts namespace");
        return 0;
}

static int parse_top(struct jctx *c, yajl_val top, struct oci_spec *s)
{
        if (j_object(c, "", top) < 0 || jo_str_req(c, top, "", "ociVersion", &s->oci_version) < 0 ||
            parse_root(c, top, &s->root) < 0 || jo_str(c, top, "", "hostname", &s->hostname) < 0 ||
            jo_str(c, top, "", "domainname", &s->domainname) < 0 ||
            jo_kvs(c, top, "", "annotations", &s->annotations) < 0 ||
            oci_check_uts_name(c, "hostname", s->hostname) < 0 ||
            oci_check_uts_name(c, "domainname", s->domainname) < 0)
                return -1;
        yajl_val v;
        if ((v = jfield(top, "process"))) {
                s->has_process = true;
                if (oci_parse_process(c, v, "process", &s->process) < 0)
                        return -1;
        }
        if ((v = jfield(top, "mounts")) &&
            oci_parse_mounts(c, v, "mounts", &s->mounts, &s->n_mounts) < 0)
                return -1;
        if ((v = jfield(top, "hooks")) && oci_parse_hooks(c, v, "hooks", &s->hooks) < 0)
                return -1;
        if ((v = jfield(top, "linux"))) {
                s->has_linux = true;
                if (oci_parse_linux(c, v, "linux", &s->linux_) < 0)
                        return -1;
        }
        if (oci_scheduler_from_annotation(c, s) < 0)
                return -1;
        return check_linux(c, s);
}

int oci_spec_parse(const char *json, size_t len, struct oci_spec **out, struct rterr *err)
{
        struct jctx c = {.src = CONFIG_SRC, .err = err};
        yajl_val top = NULL;
        if (jparse(&c, json, len, &top) < 0)
                return -1;
        struct oci_spec *s = calloc(1, sizeof(*s));
        if (s == NULL) {
                yajl_tree_free(top);
                return rterr_sys(err, ENOMEM, "%s", CONFIG_SRC);
        }
        int rc = parse_top(&c, top, s);
        yajl_tree_free(top);
        if (rc < 0) {
                oci_spec_free(s);
                return -1;
        }
        *out = s;
        return 0;
}

int oci_spec_load(const char *bundle, struct oci_spec **out, struct rterr *err)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", bundle, CONFIG_SRC) < 0)
                return rterr_sys(err, ENOMEM, "%s", CONFIG_SRC);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
                return -1;
        return oci_spec_parse(text, len, out, err);
}

void oci_spec_free(struct oci_spec *s)
{
        if (s == NULL)
                return;
        free(s->oci_version);
        oci_process_clear(&s->process);
        free(s->root.path);
        free(s->hostname);
        free(s->domainname);
        oci_mounts_clear(s->mounts, s->n_mounts);
        oci_hooks_clear(&s->hooks);
        oci_kvs_clear(&s->annotations);
        oci_linux_clear(&s->linux_);
        free(s);
}

const char *oci_annotation(const struct oci_spec *spec, const char *key)
{
        for (size_t i = 0; i < spec->annotations.n; i++)
                if (strcmp(spec->annotations.v[i].key, key) == 0)
                        return spec->annotations.v[i].value;
        return NULL;
}

const struct oci_namespace *oci_namespace_get(const struct oci_spec *spec, enum oci_ns_type t)
{
        for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
                if (spec->linux_.namespaces[i].type == t)
                        return &spec->linux_.namespaces[i];
        return NULL;
}
