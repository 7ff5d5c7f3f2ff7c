/* Mount options to mount(2) flags: each known option sets or clears one MS_* flag, the
 * propagation names pick the propagation type, and what is left is filesystem data. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "oci/internal.h"

struct mount_opt {
        const char *name;
        unsigned long flag;
        bool clear;
};

static const struct mount_opt mount_opts[] = {
    {"ro", MS_RDONLY, false},
    {"rw", MS_RDONLY, true},
    {"suid", MS_NOSUID, true},
    {"nosuid", MS_NOSUID, false},
    {"dev", MS_NODEV, true},
    {"nodev", MS_NODEV, false},
    {"exec", MS_NOEXEC, true},
    {"noexec", MS_NOEXEC, false},
    {"sync", MS_SYNCHRONOUS, false},
    {"async", MS_SYNCHRONOUS, true},
    {"dirsync", MS_DIRSYNC, false},
    {"remount", MS_REMOUNT, false},
    {"mand", MS_MANDLOCK, false},
    {"nomand", MS_MANDLOCK, true},
    {"atime", MS_NOATIME, true},
    {"noatime", MS_NOATIME, false},
    {"diratime", MS_NODIRATIME, true},
    {"nodiratime", MS_NODIRATIME, false},
    {"relatime", MS_RELATIME, false},
    {"norelatime", MS_RELATIME, true},
    {"strictatime", MS_STRICTATIME, false},
    {"nostrictatime", MS_STRICTATIME, true},
    {"lazytime", MS_LAZYTIME, false},
    {"nolazytime", MS_LAZYTIME, true},
    {"iversion", MS_I_VERSION, false},
    {"noiversion", MS_I_VERSION, true},
    {"silent", MS_SILENT, false},
    {"loud", MS_SILENT, true},
    {"symfollow", MS_NOSYMFOLLOW, true},
    {"nosymfollow", MS_NOSYMFOLLOW, false},
    {"bind", MS_BIND, false},
    {"rbind", MS_BIND | MS_REC, false},
};

#define N_MOUNT_OPTS (sizeof(mount_opts) / sizeof(mount_opts[0]))

/* runc's extensions that are neither a mount flag nor filesystem data. */
static const char *const extension_opts[] = {"tmpcopyup"};
#define N_EXTENSION_OPTS (sizeof(extension_opts) / sizeof(extension_opts[0]))

static const char *rec_opt_name(size_t i);

const char *oci_mount_option_name(size_t i)
{
        if (i < N_MOUNT_OPTS)
                return mount_opts[i].name;
        i -= N_MOUNT_OPTS;
        if (i < N_EXTENSION_OPTS)
                return extension_opts[i];
        i -= N_EXTENSION_OPTS;
        size_t j = 0;
        for (; oci_propagation_names[j].name; j++)
                if (j == i)
                        return oci_propagation_names[j].name;
        return rec_opt_name(i - j);
}

/* The recursive attributes (mount_setattr(2) with AT_RECURSIVE over the whole tree of the
 * mount), with runc's names: "rro" sets MOUNT_ATTR_RDONLY, "rrw" clears it, and so on. */
static const struct rec_opt {
        const char *name;
        bool clear;
        uint64_t attr;
} rec_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static const char *rec_opt_name(size_t i)
{
        return i < sizeof(rec_opts) / sizeof(rec_opts[0]) ? rec_opts[i].name : NULL;
}

static const struct rec_opt *find_rec_opt(const char *o)
{
        for (size_t i = 0; i < sizeof(rec_opts) / sizeof(rec_opts[0]); i++)
                if (strcmp(rec_opts[i].name, o) == 0)
                        return &rec_opts[i];
        return NULL;
}

/* Id-mapped mounts: rtrun does not do them. */
static bool unsupported(const char *o)
{
        return strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0;
}

static int append_data(struct jctx *c, const char *path, char **data, const char *o)
{
        size_t old = *data ? strlen(*data) : 0;
        char *n = realloc(*data, old + strlen(o) + 2);
        if (n == NULL)
                return jerr(c, path, "out of memory");
        if (old)
                n[old++] = ',';
        strcpy(n + old, o);
        *data = n;
        return 0;
}

static const struct mount_opt *find_opt(const char *o)
{
        for (size_t i = 0; i < N_MOUNT_OPTS; i++)
                if (strcmp(mount_opts[i].name, o) == 0)
                        return &mount_opts[i];
        return NULL;
}

int oci_mount_options(struct jctx *c, const char *path, struct oci_mount *m)
{
        for (size_t i = 0; i < m->options.n; i++) {
                const char *o = m->options.v[i];
                if (o[0] == '\0')
                        continue;
                char p[JPATH_MAX];
                jpath(p, path, "options");
                if (unsupported(o))
                        return jerr(c, p, "mount option \"%s\" is not supported", o);
                const struct mount_opt *mo = find_opt(o);
                const struct rec_opt *ro = find_rec_opt(o);
                long prop;
                if (strcmp(o, "tmpcopyup") == 0) {
                        /* Podman marks every --tmpfs and --read-only tmpfs so; runc copies
                         * only into a tmpfs and ignores the word elsewhere. */
                        m->tmpcopyup = true;
                } else if (ro && ro->clear) {
                        m->rec_attr_clr |= ro->attr;
                        m->rec_attr_set &= ~ro->attr;
                } else if (ro) {
                        m->rec_attr_set |= ro->attr;
                        m->rec_attr_clr &= ~ro->attr;
                        /* An access-time mode in attr_set needs MOUNT_ATTR__ATIME in attr_clr
                         * (mount_setattr(2)). */
                        if ((ro->attr & MOUNT_ATTR__ATIME) == ro->attr)
                                m->rec_attr_clr |= MOUNT_ATTR__ATIME;
                } else if (mo && mo->clear) {
                        m->clear_flags |= mo->flag;
                        m->flags &= ~mo->flag;
                } else if (mo) {
                        m->flags |= mo->flag;
                        m->clear_flags &= ~mo->flag;
                        if (strcmp(o, "rbind") == 0)
                                m->recursive_bind = true;
                } else if (oci_name_lookup(oci_propagation_names, o, &prop) == 0) {
                        m->propagation = (unsigned long)prop;
                } else if (append_data(c, p, &m->data, o) < 0) {
                        return -1;
                }
        }
        return 0;
}
