/* The "hooks" object: six lists of {path, args, env, timeout}. */
#include <stdlib.h>
#include <string.h>

#include "oci/internal.h"

static int parse_hook(struct jctx *c, yajl_val v, const char *path, struct oci_hook *h)
{
        if (j_object(c, path, v) < 0 || jo_str_req(c, v, path, "path", &h->path) < 0 ||
            jo_strv(c, v, path, "args", &h->args) < 0 || jo_strv(c, v, path, "env", &h->env) < 0 ||
            jo_i64(c, v, path, "timeout", &h->timeout) < 0)
                return -1;
        char p[JPATH_MAX];
        if (h->path[0] != '/') {
                jpath(p, path, "path");
                return jerr(c, p, "must be an absolute path, got \"%s\"", h->path);
        }
        if (h->timeout.set && h->timeout.v <= 0) {
                jpath(p, path, "timeout");
                return jerr(c, p, "must be greater than zero, got %lld", (long long)h->timeout.v);
        }
        jpath(p, path, "path");
        if (oci_check_path_length(c, p, h->path) < 0)
                return -1;
        /* rtrun execs hooks itself, with its own stack rlimit */
        return oci_check_exec(c, path, &h->args, &h->env, NULL);
}

static int parse_list(struct jctx *c, yajl_val hooks, const char *path, const char *key,
                      struct oci_hook_list *l)
{
        yajl_val v = NULL;
        if (jo_arr(c, hooks, path, key, &v) < 0)
                return -1;
        if (v == NULL)
                return 0;
        char p[JPATH_MAX];
        jpath(p, path, key);
        return J_ARRAY_OF(c, v, p, l->v, l->n, parse_hook);
}

int oci_parse_hooks(struct jctx *c, yajl_val v, const char *path, struct oci_hooks *h)
{
        if (j_object(c, path, v) < 0 || parse_list(c, v, path, "prestart", &h->prestart) < 0 ||
            parse_list(c, v, path, "createRuntime", &h->create_runtime) < 0 ||
            parse_list(c, v, path, "createContainer", &h->create_container) < 0 ||
            parse_list(c, v, path, "startContainer", &h->start_container) < 0 ||
            parse_list(c, v, path, "poststart", &h->poststart) < 0 ||
            parse_list(c, v, path, "poststop", &h->poststop) < 0)
                return -1;
        return 0;
}

static void list_clear(struct oci_hook_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].path);
                strv_free(&l->v[i].args);
                strv_free(&l->v[i].env);
        }
        free(l->v);
}

void oci_hooks_clear(struct oci_hooks *h)
{
        list_clear(&h->prestart);
        list_clear(&h->create_runtime);
        list_clear(&h->create_container);
        list_clear(&h->start_container);
        list_clear(&h->poststart);
        list_clear(&h->poststop);
        memset(h, 0, sizeof(*h));
}
