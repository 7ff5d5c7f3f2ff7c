/* linux.devices completed from the host and mirrored into the device cgroup's allow list. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/common.h"
#include "devices/devices_resolve.h"

int64_t devices_proc_major(const char *text, char type, const char *name)
{
        /* "Character devices:" then "Block devices:" sections of "%3d %s" lines. */
        const char *want = type == 'b' ? "Block devices:" : "Character devices:";
        bool in = false;
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                if (strncmp(l, "Character devices:", 18) == 0 ||
                    strncmp(l, "Block devices:", 14) == 0) {
                        in = strncmp(l, want, strlen(want)) == 0;
                        continue;
                }
                char n[128];
                long long major;
                if (in && sscanf(l, " %lld %127s", &major, n) == 2 && strcmp(n, name) == 0)
                        return major;
        }
        return -1;
}

/* Nodes whose host file may be absent (not yet created by nvidia-modprobe) but whose numbers
 * are known: the NVIDIA frontend has the fixed major 195 (LANANA), the rest are dynamic. */
static int known_node(const char *path, const char *proc, int64_t *major, int64_t *minor)
{
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        unsigned n;
        char tail;
        if (strcmp(base, "nvidiactl") == 0 || strcmp(base, "nvidia-modeset") == 0) {
                *major = 195;
                *minor = base[6] == 'c' ? 255 : 254;
        } else if (sscanf(base, "nvidia%u%c", &n, &tail) == 1 && isdigit((unsigned char)base[6])) {
                *major = 195;
                *minor = n;
        } else if (strcmp(base, "nvidia-uvm") == 0 || strcmp(base, "nvidia-uvm-tools") == 0) {
                *major = devices_proc_major(proc, 'c', "nvidia-uvm");
                *minor = base[10] == '-' ? 1 : 0;
        } else if (sscanf(base, "nvidia-cap%u%c", &n, &tail) == 1) {
                *major = devices_proc_major(proc, 'c', "nvidia-caps");
                *minor = n;
        } else {
                return -1;
        }
        return *major < 0 ? -1 : 0;
}

int devices_fill_from_host(struct oci_device *d, const char *host_path, const char *proc_devices,
                           struct rterr *err)
{
        if (d->type == 'p' || (d->type && d->major.set && d->minor.set))
                return 0;
        struct stat st;
        if (stat(host_path, &st) == 0) {
                if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISFIFO(st.st_mode))
                        return rterr_set(err, EINVAL, "%s is not a device node", host_path);
                char t = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : 'p';
                if (d->type && (d->type == 'u' ? 'c' : d->type) != t)
                        return rterr_set(err, EINVAL, "%s is of type %c, the config says %c",
                                         host_path, t, d->type);
                if (!d->type)
                        d->type = t;
                if (!d->major.set)
                        d->major = (oci_opt_i64){true, major(st.st_rdev)};
                if (!d->minor.set)
                        d->minor = (oci_opt_i64){true, minor(st.st_rdev)};
                if (!d->file_mode.set)
                        d->file_mode = (oci_opt_u64){true, st.st_mode & 07777};
                return 0;
        }
        if (errno != ENOENT)
                return rterr_errno(err, "stat %s", host_path);
        _cleanup_free_ char *text = NULL;
        if (proc_devices == NULL) {
                size_t len;
                if (read_file_at(AT_FDCWD, "/proc/devices", &text, &len, err) < 0)
                        return -1;
                proc_devices = text;
        }
        int64_t major, minor;
        if ((d->type && d->type != 'c' && d->type != 'u') ||
            known_node(host_path, proc_devices, &major, &minor) < 0)
                return rterr_set(err, ENOENT,
                                 "%s: no such device on the host, and its numbers are not known "
                                 "(give type, major and minor)",
                                 host_path);
        if (!d->type)
                d->type = 'c';
        if (!d->major.set)
                d->major = (oci_opt_i64){true, major};
        if (!d->minor.set)
                d->minor = (oci_opt_i64){true, minor};
        if (!d->file_mode.set)
                d->file_mode = (oci_opt_u64){true, 0666};
        return 0;
}

int devices_allow_rule_add(struct oci_spec *spec, char type, int64_t major, int64_t minor,
                           const char *access, struct rterr *err)
{
        if (type == 'p')
                return 0; /* FIFOs are not governed by the device cgroup */
        if (type == 'u')
                type = 'c';
        struct oci_resources *r = &spec->linux_.resources;
        for (size_t i = 0; i < r->n_devices; i++) {
                const struct oci_device_rule *x = &r->devices[i];
                if (x->allow && x->type == type && x->major == major && x->minor == minor)
                        return 0; /* the config chose this node's access itself */
        }
        struct oci_device_rule *v = realloc(r->devices, (r->n_devices + 1) * sizeof(*v));
        if (v == NULL)
                return rterr_sys(err, ENOMEM, "linux.resources.devices");
        r->devices = v;
        struct oci_device_rule *x = &v[r->n_devices++];
        *x = (struct oci_device_rule){.allow = true, .type = type, .major = major, .minor = minor};
        snprintf(x->access, sizeof(x->access), "%s", access && access[0] ? access : "rwm");
        spec->has_linux = true;
        spec->linux_.has_resources = true;
        return 1;
}

int devices_resolve(struct oci_spec *spec, struct rterr *err)
{
        _cleanup_free_ char *proc = NULL;
        int changes = 0;
        for (size_t i = 0; i < spec->linux_.n_devices; i++) {
                struct oci_device *d = &spec->linux_.devices[i];
                if (d->type == 'p' || (d->type && d->major.set && d->minor.set))
                        continue; /* complete: no implicit allow rule, as in runc */
                if (proc == NULL) {
                        size_t len;
                        if (read_file_at(AT_FDCWD, "/proc/devices", &proc, &len, err) < 0)
                                return -1;
                }
                if (devices_fill_from_host(d, d->path, proc, err) < 0)
                        return rterr_wrap(err, "config.json: linux.devices[%zu]", i);
                if (devices_allow_rule_add(spec, d->type, d->major.v, d->minor.v, "rwm", err) < 0)
                        return -1;
                changes++;
        }
        return changes;
}
