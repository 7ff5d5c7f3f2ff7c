/* CDI device names ("vendor.com/class=name") and the annotations that request them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "devices/cdi.h"

static bool alnum(char c)
{
        return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

static bool alpha(char c)
{
        return isascii((unsigned char)c) && isalpha((unsigned char)c);
}

/* first: what the name may start with; `extra`: punctuation allowed inside; all names end
 * with a letter or digit. */
static bool name_valid(const char *s, size_t len, bool first_digit_ok, const char *extra)
{
        if (len == 0 || !(alpha(s[0]) || (first_digit_ok && alnum(s[0]))) || !alnum(s[len - 1]))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!alnum(s[i]) && strchr(extra, s[i]) == NULL)
                        return false;
        return true;
}

bool cdi_vendor_valid(const char *s, size_t len)
{
        return name_valid(s, len, false, "-_.");
}

bool cdi_class_valid(const char *s, size_t len)
{
        return name_valid(s, len, false, "-_");
}

bool cdi_device_name_valid(const char *s, size_t len)
{
        return name_valid(s, len, true, "-_.:");
}

void cdi_qualified_free(struct cdi_qualified *q)
{
        free(q->vendor);
        free(q->klass);
        free(q->name);
        q->vendor = q->klass = q->name = NULL;
}

int cdi_parse_qualified(const char *s, struct cdi_qualified *out, struct rterr *err)
{
        const char *slash = strchr(s, '/');
        const char *eq = slash ? strchr(slash, '=') : NULL;
        if (slash == NULL || eq == NULL)
                return rterr_set(
                    err, EINVAL,
                    "CDI device \"%s\": not a fully-qualified name (vendor/class=name)", s);
        size_t vl = (size_t)(slash - s), cl = (size_t)(eq - slash - 1), nl = strlen(eq + 1);
        if (!cdi_vendor_valid(s, vl))
                return rterr_set(err, EINVAL, "CDI device \"%s\": invalid vendor \"%.*s\"", s,
                                 (int)vl, s);
        if (!cdi_class_valid(slash + 1, cl))
                return rterr_set(err, EINVAL, "CDI device \"%s\": invalid class \"%.*s\"", s,
                                 (int)cl, slash + 1);
        if (!cdi_device_name_valid(eq + 1, nl))
                return rterr_set(err, EINVAL, "CDI device \"%s\": invalid device name \"%s\"", s,
                                 eq + 1);
        out->vendor = strndup(s, vl);
        out->klass = strndup(slash + 1, cl);
        out->name = strdup(eq + 1);
        if (!out->vendor || !out->klass || !out->name) {
                cdi_qualified_free(out);
                return rterr_sys(err, ENOMEM, "CDI device \"%s\"", s);
        }
        return 0;
}

void cdi_strv_free(struct oci_strv *v)
{
        for (size_t i = 0; i < v->n; i++)
                free(v->v[i]);
        free(v->v);
        v->v = NULL;
        v->n = 0;
}

int cdi_strv_push(struct oci_strv *v, const char *s, struct rterr *err)
{
        char **nv = realloc(v->v, (v->n + 2) * sizeof(*nv));
        if (nv == NULL)
                return rterr_sys(err, ENOMEM, "append \"%s\"", s);
        v->v = nv;
        if ((nv[v->n] = strdup(s)) == NULL)
                return rterr_sys(err, ENOMEM, "append \"%s\"", s);
        nv[++v->n] = NULL;
        return 0;
}

static bool strv_has(const struct oci_strv *v, const char *s)
{
        for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->v[i], s) == 0)
                        return true;
        return false;
}

/* Splits one annotation value on commas (blanks around names ignored) and validates each. */
static int add_list(const char *key, const char *value, struct oci_strv *out, struct rterr *err)
{
        _cleanup_free_ char *copy = strdup(value);
        if (copy == NULL)
                return rterr_sys(err, ENOMEM, "annotation %s", key);
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                while (isspace((unsigned char)*tok))
                        tok++;
                size_t n = strlen(tok);
                while (n > 0 && isspace((unsigned char)tok[n - 1]))
                        tok[--n] = '\0';
                if (n == 0)
                        continue;
                struct cdi_qualified q = {0};
                if (cdi_parse_qualified(tok, &q, err) < 0)
                        return rterr_wrap(err, "config.json: annotations[\"%s\"]", key);
                cdi_qualified_free(&q);
                if (!strv_has(out, tok) && cdi_strv_push(out, tok, err) < 0)
                        return -1;
        }
        return 0;
}

int cdi_requested(const struct oci_spec *spec, struct oci_strv *out, struct rterr *err)
{
        const struct oci_kvs *a = &spec->annotations;
        for (size_t i = 0; i < a->n; i++) {
                const char *k = a->v[i].key;
                bool ours = strcmp(k, CDI_ANNOTATION_DEVICES) == 0;
                bool k8s =
                    strncmp(k, CDI_K8S_ANNOTATION_PREFIX, strlen(CDI_K8S_ANNOTATION_PREFIX)) == 0;
                if ((ours || k8s) &&
                    add_list(k, a->v[i].value ? a->v[i].value : "", out, err) < 0) {
                        cdi_strv_free(out);
                        return -1;
                }
        }
        return 0;
}
