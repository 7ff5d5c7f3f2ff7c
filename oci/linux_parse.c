/* The "linux" object: namespaces, id mappings, devices, cgroupsPath, propagation, paths,
 * personality, time offsets and netDevices. resources and seccomp have their own files. */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

static int parse_mappings(struct jctx *c, yajl_val v, const char *path, const char *key,
                          struct oci_id_mapping **out, size_t *n)
{
        yajl_val a = NULL;
        if (jo_arr(c, v, path, key, &a) < 0)
                return -1;
        if (a == NULL || a->u.array.len == 0)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        if (oci_check_id_mappings(c, p, a->u.array.len) < 0)
                return -1;
        *out = oci_calloc(c, p, a->u.array.len, sizeof(**out));
        if (*out == NULL)
                return -1;
        for (size_t i = 0; i < a->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, p, i);
                yajl_val e = a->u.array.values[i];
                struct oci_id_mapping *m = &(*out)[i];
                *n = i + 1;
                if (j_object(c, q, e) < 0 ||
                    jo_u32(c, e, q, "containerID", true, &m->container_id) < 0 ||
                    jo_u32(c, e, q, "hostID", true, &m->host_id) < 0 ||
                    jo_u32(c, e, q, "size", true, &m->size) < 0)
                        return -1;
        }
        return 0;
}

static int parse_namespace(struct jctx *c, yajl_val v, const char *path, struct oci_namespace *ns)
{
        char *type = NULL;
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "type", &type) < 0)
                return free(type), -1;
        char p[JPATH_MAX];
        jpath(p, path, "type");
        long t;
        int rc = oci_name_lookup(oci_namespace_names, type, &t);
        if (rc < 0)
                jerr(c, p, "unknown namespace type \"%s\"", type);
        free(type);
        if (rc < 0)
                return -1;
        ns->type = (enum oci_ns_type)t;
        ns->clone_flag = oci_ns_clone_flag(ns->type);
        if (jo_str(c, v, path, "path", &ns->path) < 0)
                return -1;
        if (ns->path && ns->path[0] != '/') {
                jpath(p, path, "path");
                return jerr(c, p, "must be an absolute path, got \"%s\"", ns->path);
        }
        return 0;
}

static int parse_namespaces(struct jctx *c, yajl_val v, const char *path, struct oci_linux *l)
{
        if (j_array(c, path, v) < 0)
                return -1;
        if (v->u.array.len == 0)
                return 0;
        l->namespaces = oci_calloc(c, path, v->u.array.len, sizeof(*l->namespaces));
        if (l->namespaces == NULL)
                return -1;
        for (size_t i = 0; i < v->u.array.len; i++) {
                char q[JPATH_MAX];
                jpath_idx(q, path, i);
                l->n_namespaces = i + 1;
                if (parse_namespace(c, v->u.array.values[i], q, &l->namespaces[i]) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++) {
                        if (l->namespaces[j].type != l->namespaces[i].type)
                                continue;
                        char p[JPATH_MAX];
                        jpath(p, q, "type");
                        return jerr(c, p, "duplicate namespace type \"%s\"",
                                    oci_ns_name(l->namespaces[i].type));
                }
        }
        return 0;
}

static int parse_device(struct jctx *c, yajl_val v, const char *path, struct oci_device *d)
{
        char *type = NULL;
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "type", &type) < 0)
                return free(type), -1;
        bool ok = strlen(type) == 1 && strchr("cbup", type[0]);
        d->type = type[0];
        char p[JPATH_MAX];
        jpath(p, path, "type");
        if (!ok)
                jerr(c, p, "device type must be \"c\", \"b\", \"u\" or \"p\", got \"%s\"", type);
        free(type);
        if (!ok)
                return -1;
        if (jo_str_req(c, v, path, "path", &d->path) < 0 ||
            jo_i64(c, v, path, "major", &d->major) < 0 ||
            jo_i64(c, v, path, "minor", &d->minor) < 0 ||
            jo_u64(c, v, path, "fileMode", &d->file_mode) < 0 ||
            jo_u64(c, v, path, "uid", &d->uid) < 0 || jo_u64(c, v, path, "gid", &d->gid) < 0)
                return -1;
        if (d->path[0] != '/') {
                jpath(p, path, "path");
                return jerr(c, p, "must be an absolute path, got \"%s\"", d->path);
        }
        if ((d->major.set && d->major.v < 0) || (d->minor.set && d->minor.v < 0)) {
                jpath(p, path, d->major.set && d->major.v < 0 ? "major" : "minor");
                return jerr(c, p, "must not be negative");
        }
        return 0;
}

static int parse_devices(struct jctx *c, yajl_val v, const char *path, struct oci_linux *l)
{
        return J_ARRAY_OF(c, v, path, l->devices, l->n_devices, parse_device);
}

/* An absolute path, or a relative one under the runtime's cgroup root; never "..". */
static int check_cgroups_path(struct jctx *c, const char *path, const char *cg)
{
        for (const char *s = cg; *s;) {
                size_t n = strcspn(s, "/");
                if (n == 2 && s[0] == '.' && s[1] == '.')
                        return jerr(c, path, "must not contain \"..\" components, got \"%s\"", cg);
                s += n;
                s += strspn(s, "/");
        }
        return 0;
}

static int parse_personality(struct jctx *c, yajl_val v, const char *path,
                             struct oci_personality *p)
{
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "domain", &p->domain) < 0 ||
            jo_strv(c, v, path, "flags", &p->flags) < 0)
                return -1;
        long unused;
        if (oci_name_lookup(oci_personality_domains, p->domain, &unused) < 0) {
                char q[JPATH_MAX];
                jpath(q, path, "domain");
                return jerr(c, q, "unknown personality domain \"%s\"", p->domain);
        }
        p->set = true;
        return 0;
}

static int parse_offset(struct jctx *c, yajl_val v, const char *path, const char *key,
                        struct oci_time_offset *o)
{
        yajl_val e = NULL;
        if (jo_obj(c, v, path, key, &e) < 0)
                return -1;
        if (e == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        oci_opt_i64 secs = {0};
        if (jo_i64(c, e, p, "secs", &secs) < 0 ||
            jo_u32(c, e, p, "nanosecs", false, &o->nanosecs) < 0)
                return -1;
        if (o->nanosecs >= 1000000000u) {
                char q[JPATH_MAX];
                jpath(q, p, "nanosecs");
                return jerr(c, q, "must be below 1000000000, got %u", o->nanosecs);
        }
        o->secs = secs.v;
        o->set = true;
        return 0;
}

static int check_ifname(struct jctx *c, const char *path, const char *name)
{
        if (name[0] == '\0' || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
            strpbrk(name, " \t\n:") || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return jerr(c, path,
                            "invalid network interface name \"%s\" (1 to %d characters, no '/', "
                            "':' or spaces)",
                            name, IFNAMSIZ - 1);
        return 0;
}

static int parse_net_devices(struct jctx *c, yajl_val v, const char *path, struct oci_linux *l)
{
        if (j_object(c, path, v) < 0)
                return -1;
        if (v->u.object.len == 0)
                return 0;
        l->net_devices = oci_calloc(c, path, v->u.object.len, sizeof(*l->net_devices));
        if (l->net_devices == NULL)
                return -1;
        for (size_t i = 0; i < v->u.object.len; i++) {
                char q[JPATH_MAX];
                jpath(q, path, v->u.object.keys[i]);
                struct oci_net_device *d = &l->net_devices[i];
                l->n_net_devices = i + 1;
                d->host_name = strdup(v->u.object.keys[i]);
                if (d->host_name == NULL)
                        return jerr(c, q, "out of memory");
                if (check_ifname(c, q, d->host_name) < 0 ||
                    j_object(c, q, v->u.object.values[i]) < 0 ||
                    jo_str(c, v->u.object.values[i], q, "name", &d->name) < 0)
                        return -1;
                if (d->name) {
                        char p[JPATH_MAX];
                        jpath(p, q, "name");
                        if (check_ifname(c, p, d->name) < 0)
                                return -1;
                }
        }
        return 0;
}

static int parse_strings(struct jctx *c, yajl_val v, const char *path, struct oci_linux *l)
{
        char *prop = NULL;
        if (jo_kvs(c, v, path, "sysctl", &l->sysctl) < 0 ||
            jo_str(c, v, path, "cgroupsPath", &l->cgroups_path) < 0 ||
            jo_strv(c, v, path, "maskedPaths", &l->masked_paths) < 0 ||
            jo_strv(c, v, path, "readonlyPaths", &l->readonly_paths) < 0 ||
            jo_str(c, v, path, "mountLabel", &l->mount_label) < 0 ||
            jo_str(c, v, path, "rootfsPropagation", &prop) < 0)
                return free(prop), -1;
        char p[JPATH_MAX];
        if (prop && prop[0] == '\0') {
                free(prop); /* "" means "not set", as in runc */
                prop = NULL;
        }
        if (prop) {
                long flags = 0;
                int rc = oci_name_lookup(oci_propagation_names, prop, &flags);
                jpath(p, path, "rootfsPropagation");
                if (rc < 0)
                        jerr(c, p, "unknown mount propagation \"%s\"", prop);
                free(prop);
                if (rc < 0)
                        return -1;
                l->rootfs_propagation = (unsigned long)flags;
        }
        jpath(p, path, "cgroupsPath");
        if (l->cgroups_path && check_cgroups_path(c, p, l->cgroups_path) < 0)
                return -1;
        return 0;
}

int oci_parse_linux(struct jctx *c, yajl_val v, const char *path, struct oci_linux *l)
{
        if (j_object(c, path, v) < 0 ||
            parse_mappings(c, v, path, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
            parse_mappings(c, v, path, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
            parse_strings(c, v, path, l) < 0)
                return -1;
        yajl_val f;
        char p[JPATH_MAX];
#define MEMBER(key, call)                                                                          \
        if ((f = jfield(v, key))) {                                                                \
                jpath(p, path, key);                                                               \
                if ((call) < 0)                                                                    \
                        return -1;                                                                 \
        }
        MEMBER("namespaces", parse_namespaces(c, f, p, l));
        MEMBER("devices", parse_devices(c, f, p, l));
        MEMBER("resources", (l->has_resources = true, oci_parse_resources(c, f, p, &l->resources)));
        MEMBER("seccomp", oci_parse_seccomp(c, f, p, &l->seccomp));
        MEMBER("personality", parse_personality(c, f, p, &l->personality));
        MEMBER("netDevices", parse_net_devices(c, f, p, l));
#undef MEMBER
        yajl_val t = NULL;
        if (jo_obj(c, v, path, "timeOffsets", &t) < 0)
                return -1;
        if (t == NULL)
                return 0;
        jpath(p, path, "timeOffsets");
        if (parse_offset(c, t, p, "monotonic", &l->time_monotonic) < 0 ||
            parse_offset(c, t, p, "boottime", &l->time_boottime) < 0)
                return -1;
        return 0;
}

void oci_linux_clear(struct oci_linux *l)
{
        free(l->uid_mappings);
        free(l->gid_mappings);
        oci_kvs_clear(&l->sysctl);
        oci_resources_clear(&l->resources);
        free(l->cgroups_path);
        for (size_t i = 0; i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        for (size_t i = 0; i < l->n_devices; i++) {
                free(l->devices[i].path);
                free(l->devices[i].host_path);
        }
        free(l->devices);
        oci_seccomp_clear(&l->seccomp);
        strv_free(&l->masked_paths);
        strv_free(&l->readonly_paths);
        free(l->mount_label);
        free(l->personality.domain);
        strv_free(&l->personality.flags);
        for (size_t i = 0; i < l->n_net_devices; i++) {
                free(l->net_devices[i].host_name);
                free(l->net_devices[i].name);
        }
        free(l->net_devices);
        memset(l, 0, sizeof(*l));
}
