/* The process `rtrun exec ID CMD...` runs: the container's own process.json changed by the
 * command line, by runc 1.1.5's rules (getProcess in its exec.go, checked against runc on the
 * same bundle): args replaced; --env sets KEY; --cwd and --user replace (the container's
 * additionalGids stay); --additional-gids adds groups; --cap adds a capability to the bounding,
 * effective and permitted sets (not inheritable or ambient); --no-new-privs sets the flag;
 * non-empty --apparmor and --process-label replace; the terminal is --tty. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/exec.h"
#include "runtime/setup.h"

static void strv_free(struct oci_strv *v)
{
        for (size_t i = 0; i < v->n; i++)
                free(v->v[i]);
        free(v->v);
        v->v = NULL;
        v->n = 0;
}

static int strv_set(struct oci_strv *v, char **src, size_t n)
{
        strv_free(v);
        v->v = calloc(n + 1, sizeof(char *));
        if (v->v == NULL)
                return -1;
        for (size_t i = 0; i < n; i++) {
                v->v[i] = strdup(src[i]);
                if (v->v[i] == NULL)
                        return -1;
                v->n++;
        }
        return 0;
}

/* Sets KEY=VALUE in env, replacing an existing KEY. */
static int env_put(struct oci_strv *env, const char *kv)
{
        size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
        char *copy = strdup(kv);
        if (copy == NULL)
                return -1;
        for (size_t i = 0; i < env->n; i++)
                if (strncmp(env->v[i], kv, klen) == 0) {
                        free(env->v[i]);
                        env->v[i] = copy;
                        return 0;
                }
        char **nv = realloc(env->v, (env->n + 2) * sizeof(char *));
        if (nv == NULL) {
                free(copy);
                return -1;
        }
        env->v = nv;
        env->v[env->n++] = copy;
        env->v[env->n] = NULL;
        return 0;
}

static int parse_user(const char *s, struct oci_user *u, struct rterr *err)
{
        char *end;
        unsigned long uid = strtoul(s, &end, 10);
        if (end == s || (*end && *end != ':'))
                return rterr_set(err, EINVAL, "--user: expected UID[:GID], got '%s'", s);
        u->uid = (uint32_t)uid;
        if (*end == ':') {
                const char *gs = end + 1;
                unsigned long gid = strtoul(gs, &end, 10);
                if (end == gs || *end)
                        return rterr_set(err, EINVAL, "--user: expected UID[:GID], got '%s'", s);
                u->gid = (uint32_t)gid;
        }
        return 0;
}

static int add_gids(struct oci_user *u, const uint32_t *gids, size_t n, struct rterr *err)
{
        if (n == 0)
                return 0;
        uint32_t *all = realloc(u->additional_gids, (u->n_additional_gids + n) * sizeof(*all));
        if (all == NULL)
                return rterr_errno(err, "--additional-gids");
        memcpy(all + u->n_additional_gids, gids, n * sizeof(*gids));
        u->additional_gids = all;
        u->n_additional_gids += n;
        return 0;
}

static int replace_str(char **dst, const char *src, struct rterr *err)
{
        if (src == NULL || src[0] == '\0')
                return 0;
        char *copy = strdup(src);
        if (copy == NULL)
                return rterr_errno(err, "exec");
        free(*dst);
        *dst = copy;
        return 0;
}

int exec_process_from_flags(struct oci_process *p, const struct exec_process_flags *f, int argc,
                            char **argv, struct rterr *err)
{
        if (argc == 0)
                return rterr_set(err, EINVAL, "exec: a command (or --process FILE) is required");
        if (strv_set(&p->args, argv, (size_t)argc) < 0)
                return rterr_errno(err, "exec");
        for (size_t i = 0; i < f->n_env; i++)
                if (env_put(&p->env, f->env[i]) < 0)
                        return rterr_errno(err, "exec");
        if (replace_str(&p->cwd, f->cwd, err) < 0 ||
            (f->user && parse_user(f->user, &p->user, err) < 0) ||
            add_gids(&p->user, f->gids, f->n_gids, err) < 0 ||
            replace_str(&p->apparmor_profile, f->apparmor, err) < 0 ||
            replace_str(&p->selinux_label, f->process_label, err) < 0)
                return -1;
        if (f->caps) {
                struct oci_capabilities *c = &p->capabilities;
                c->set = true;
                c->bounding |= f->caps;
                c->effective |= f->caps;
                c->permitted |= f->caps;
        }
        if (f->no_new_privs >= 0)
                p->no_new_privileges = f->no_new_privs;
        p->terminal = f->tty;
        return 0;
}

int exec_process_check(const struct oci_process *p, struct rterr *err)
{
        return lsm_check(p, err);
}
