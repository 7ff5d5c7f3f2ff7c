/* Container Device Interface (CDI spec 0.3 .. 1.0): spec files in JSON or YAML under /etc/cdi
 * and /var/run/cdi (or the colon-separated RTRUN_CDI_DIRS), and the edits of the devices a
 * container asks for (annotation org.rtrun.cdi.devices and the cdi.k8s.io/<key> annotations,
 * both comma-separated "vendor/class=name" lists) applied to the parsed config.
 *
 * Files: cdi_names.c (names, annotations), cdi_node.c + cdi_json.c + cdi_yaml.c (one document
 * tree for both syntaxes), cdi_decode.c (tree -> struct cdi_spec), cdi_registry.c (dirs,
 * priorities, conflicts), cdi_edits.c (edits -> struct oci_spec), cdi.c (the entry point). */
#ifndef RTRUN_DEVICES_CDI_H
#define RTRUN_DEVICES_CDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "devices/devices.h"
#include "oci/oci.h"

#define CDI_ANNOTATION_DEVICES "org.rtrun.cdi.devices"
#define CDI_K8S_ANNOTATION_PREFIX "cdi.k8s.io/"
#define CDI_DEFAULT_DIRS "/etc/cdi:/var/run/cdi"
#define CDI_DIRS_ENV "RTRUN_CDI_DIRS"

struct cdi_device_node {
        char *path;      /* in the container */
        char *host_path; /* NULL: same as path */
        char type;       /* 'c', 'b', 'p', 'u' or 0 (from the host node) */
        oci_opt_i64 major, minor;
        oci_opt_u64 file_mode, uid, gid;
        char permissions[4]; /* cgroup access, "" = "rwm" */
};

struct cdi_mount {
        char *host_path;
        char *container_path;
        char *type; /* NULL: a bind mount */
        struct oci_strv options;
};

enum cdi_hook_name {
        CDI_HOOK_PRESTART,
        CDI_HOOK_CREATE_RUNTIME,
        CDI_HOOK_CREATE_CONTAINER,
        CDI_HOOK_START_CONTAINER,
        CDI_HOOK_POSTSTART,
        CDI_HOOK_POSTSTOP,
};

struct cdi_hook {
        enum cdi_hook_name name;
        char *path;
        struct oci_strv args;
        struct oci_strv env;
        oci_opt_i64 timeout;
};

struct cdi_edits {
        struct oci_strv env; /* "KEY=value" */
        struct cdi_device_node *nodes;
        size_t n_nodes;
        struct cdi_mount *mounts;
        size_t n_mounts;
        struct cdi_hook *hooks;
        size_t n_hooks;
        uint32_t *gids;
        size_t n_gids;
};

struct cdi_device {
        char *name;
        struct cdi_edits edits;
};

struct cdi_spec {
        char *file;   /* where it was read from, for errors */
        int priority; /* index of its directory: later directories win */
        char *version;
        char *vendor;
        char *klass;
        struct cdi_device *devices;
        size_t n_devices;
        struct cdi_edits edits; /* applied once when any of its devices is requested */
};

/* A fully-qualified device name "vendor/class=name" split and validated (CDI rules: vendor
 * and class start with a letter, names with a letter or digit, all end with one). */
struct cdi_qualified {
        char *vendor, *klass, *name;
};
int cdi_parse_qualified(const char *s, struct cdi_qualified *out, struct rterr *err);
void cdi_qualified_free(struct cdi_qualified *q);
bool cdi_vendor_valid(const char *s, size_t len);
bool cdi_class_valid(const char *s, size_t len);
bool cdi_device_name_valid(const char *s, size_t len);

/* The devices the config asks for, in order, without duplicates. */
int cdi_requested(const struct oci_spec *spec, struct oci_strv *out, struct rterr *err);
void cdi_strv_free(struct oci_strv *v);
int cdi_strv_push(struct oci_strv *v, const char *s, struct rterr *err);

/* Parses one spec file's text; `file` names it in errors and picks the syntax (.json is JSON,
 * anything else YAML, which also reads JSON). */
int cdi_spec_parse(const char *text, size_t len, const char *file, struct cdi_spec **out,
                   struct rterr *err);
void cdi_spec_free(struct cdi_spec *s);
void cdi_edits_free(struct cdi_edits *e);

/* Every spec file (*.json, *.yaml, *.yml) of the directories, later directories first in
 * priority. Files that fail to parse are kept as errors and reported when a requested device
 * could have come from them. */
struct cdi_registry;
int cdi_registry_load(const char *dirs, struct cdi_registry **out, struct rterr *err);
void cdi_registry_free(struct cdi_registry *r);
/* The device and its spec; errors name the device and the spec file(s). */
int cdi_registry_lookup(const struct cdi_registry *r, const char *qualified,
                        const struct cdi_device **dev, const struct cdi_spec **spec,
                        struct rterr *err);

/* Applies one edit set to the config; `what` ("device X of spec F") prefixes errors. */
int cdi_edits_apply(struct oci_spec *spec, const struct cdi_edits *e, const char *what,
                    struct rterr *err);

/* Hook kinds by their config.json names ("createRuntime"); -1 / NULL when unknown. */
int cdi_hook_from_kind(const char *kind);
const char *cdi_hook_kind(enum cdi_hook_name n);
/* Records in the annotations that hooks.<kind>[index] came from `what` (the CDI device and spec
 * file), under "org.rtrun.cdi.hook.<kind>[index]". */
int cdi_hook_origin_set(struct oci_kvs *annotations, const char *kind, size_t index,
                        const char *what, struct rterr *err);

/* The whole step: requested devices -> edits applied. Returns how many devices were applied
 * (0: none requested, the config is untouched), or -1. */
int cdi_apply(struct oci_spec *spec, struct rterr *err);

#endif
