/* JSON text to a yajl tree, refusing what the tree would silently lose or what another reader
 * of the same file would read differently:
 * - a NUL character, raw or as \u0000 in a string or key: the tree holds C strings, so
 *   "tr\u0000ue" would become "tr" (a different program, a different mount destination);
 * - a key repeated in one object: yajl keeps both and our lookups take the first, while Go's
 *   encoding/json (runc, the engines that wrote the file) takes the last;
 * - nesting deeper than Go's encoding/json accepts (10000): yajl's tree free recurses, so a
 *   file of a million '[' would overflow the stack instead of giving an error.
 * Errors are "src: path: why" with the path written like the parsers' ("process.args[0]"). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "common/cleanup.h"
#include "common/json.h"

/* The limit of Go's encoding/json scanner (maxNestingDepth), so runc refuses the same files. */
#define JSON_MAX_DEPTH 10000

/* A path under construction: "process.args[0]". */
struct jbuf {
        char *s;
        size_t len, cap;
};

static bool jbuf_put(struct jbuf *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n + 1)
                        cap *= 2;
                char *p = realloc(b->s, cap);
                if (p == NULL)
                        return false;
                b->s = p;
                b->cap = cap;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
        return true;
}

static bool jbuf_key(struct jbuf *b, const char *key, size_t n)
{
        return (b->len == 0 || jbuf_put(b, ".", 1)) && jbuf_put(b, key, n);
}

static bool jbuf_idx(struct jbuf *b, size_t i)
{
        char s[32];
        int n = snprintf(s, sizeof(s), "[%zu]", i);
        return jbuf_put(b, s, (size_t)n);
}

static void jbuf_cut(struct jbuf *b, size_t len)
{
        b->len = len;
        if (b->s)
                b->s[len] = '\0';
}

/* One pass over the text as JSON (with yajl's comments) that finds the nesting depth and
 * whether any string holds a \u0000 escape; syntax errors are left to yajl. */
static void scan(const char *t, size_t len, size_t *depth, bool *nul_escape)
{
        size_t d = 0;
        *depth = 0;
        *nul_escape = false;
        for (size_t i = 0; i < len; i++) {
                char ch = t[i];
                if (ch == '"') {
                        for (i++; i < len && t[i] != '"'; i++) {
                                if (t[i] != '\\')
                                        continue;
                                if (i + 5 < len && t[i + 1] == 'u' &&
                                    memcmp(t + i + 2, "0000", 4) == 0)
                                        *nul_escape = true;
                                i++; /* the escaped character; \uXXXX digits are never '"' */
                        }
                } else if (ch == '/' && i + 1 < len && t[i + 1] == '/') {
                        while (i < len && t[i] != '\n')
                                i++;
                } else if (ch == '/' && i + 1 < len && t[i + 1] == '*') {
                        for (i += 2; i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'); i++)
                                ;
                        i++;
                } else if (ch == '[' || ch == '{') {
                        if (++d > *depth)
                                *depth = d;
                } else if ((ch == ']' || ch == '}') && d > 0) {
                        d--;
                }
        }
}

/* ---- where is the NUL: a callback parse that follows the path ---- */

struct frame {
        bool array;
        size_t index; /* next element of an array */
        size_t base;  /* path length of the container itself */
};

struct locate {
        struct jbuf path;
        struct frame *stack;
        size_t depth, cap;
        bool found, in_key, oom;
};

static int before_value(struct locate *l)
{
        if (l->depth == 0)
                return 1;
        struct frame *f = &l->stack[l->depth - 1];
        if (!f->array)
                return 1;
        jbuf_cut(&l->path, f->base);
        if (!jbuf_idx(&l->path, f->index++)) {
                l->oom = true;
                return 0;
        }
        return 1;
}

static int push(struct locate *l, bool array)
{
        if (!before_value(l))
                return 0;
        if (l->depth == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                struct frame *s = realloc(l->stack, cap * sizeof(*s));
                if (s == NULL) {
                        l->oom = true;
                        return 0;
                }
                l->stack = s;
                l->cap = cap;
        }
        l->stack[l->depth++] = (struct frame){.array = array, .base = l->path.len};
        return 1;
}

static int pop(void *ctx)
{
        struct locate *l = ctx;
        if (l->depth > 0)
                jbuf_cut(&l->path, l->stack[--l->depth].base);
        return 1;
}

static int on_scalar(void *ctx)
{
        return before_value(ctx);
}

static int on_bool(void *ctx, int b)
{
        (void)b;
        return before_value(ctx);
}

static int on_number(void *ctx, const char *s, size_t n)
{
        (void)s;
        (void)n;
        return before_value(ctx);
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
        struct locate *l = ctx;
        if (!before_value(l))
                return 0;
        if (memchr(s, '\0', n)) {
                l->found = true;
                return 0;
        }
        return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
        struct locate *l = ctx;
        struct frame *f = &l->stack[l->depth - 1];
        jbuf_cut(&l->path, f->base);
        const char *nul = memchr(s, '\0', n);
        if (!jbuf_key(&l->path, (const char *)s, nul ? (size_t)(nul - (const char *)s) : n)) {
                l->oom = true;
                return 0;
        }
        if (nul) {
                l->found = l->in_key = true;
                return 0;
        }
        return 1;
}

static int on_start_map(void *ctx)
{
        return push(ctx, false);
}

static int on_start_array(void *ctx)
{
        return push(ctx, true);
}

static const yajl_callbacks locate_callbacks = {
    .yajl_null = on_scalar,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = pop,
    .yajl_start_array = on_start_array,
    .yajl_end_array = pop,
};

static int nul_error(const char *src, const char *text, size_t len, struct rterr *err)
{
        struct locate l = {0};
        yajl_handle h = yajl_alloc(&locate_callbacks, NULL, &l);
        if (h == NULL)
                return rterr_sys(err, ENOMEM, "%s", src);
        yajl_config(h, yajl_allow_comments, 1);
        if (yajl_parse(h, (const unsigned char *)text, len) == yajl_status_ok)
                (void)yajl_complete_parse(h);
        yajl_free(h);
        int rc;
        if (l.oom)
                rc = rterr_sys(err, ENOMEM, "%s", src);
        else if (!l.found) /* the scan saw "\u0000" but yajl did not: an invalid escape */
                rc = rterr_set(err, 0, "%s: invalid JSON: bad \\u0000 escape", src);
        else
                rc =
                    rterr_set(err, 0, "%s: %s: %s contains a NUL character (\\u0000)", src,
                              l.path.len ? l.path.s : "(top)", l.in_key ? "the key" : "the string");
        free(l.path.s);
        free(l.stack);
        return rc;
}

/* ---- duplicate keys ---- */

static int cmp_keys(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The key of obj that appears twice, or NULL. Small objects are compared pairwise; large ones
 * (annotations may have thousands of keys) are sorted so the check stays O(n log n). */
static const char *duplicate_key(yajl_val obj, bool *oom)
{
        size_t n = obj->u.object.len;
        const char **k = (const char **)obj->u.object.keys;
        if (n <= 16) {
                for (size_t i = 1; i < n; i++)
                        for (size_t j = 0; j < i; j++)
                                if (strcmp(k[i], k[j]) == 0)
                                        return k[i];
                return NULL;
        }
        _cleanup_free_ const char **sorted = malloc(n * sizeof(*sorted));
        if (sorted == NULL) {
                *oom = true;
                return NULL;
        }
        memcpy(sorted, k, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), cmp_keys);
        for (size_t i = 1; i < n; i++)
                if (strcmp(sorted[i], sorted[i - 1]) == 0)
                        return sorted[i];
        return NULL;
}

/* Depth is bounded by JSON_MAX_DEPTH, checked before the tree was built. */
static int check_keys(yajl_val v, struct jbuf *path, const char *src, struct rterr *err)
{
        size_t base = path->len;
        if (YAJL_IS_OBJECT(v)) {
                bool oom = false;
                const char *dup = duplicate_key(v, &oom);
                if (oom)
                        return rterr_sys(err, ENOMEM, "%s", src);
                if (dup) {
                        if (!jbuf_key(path, dup, strlen(dup)))
                                return rterr_sys(err, ENOMEM, "%s", src);
                        return rterr_set(err, 0,
                                         "%s: %s: the key appears twice in one object (rtrun "
                                         "refuses duplicate keys rather than pick one)",
                                         src, path->s);
                }
                for (size_t i = 0; i < v->u.object.len; i++) {
                        const char *key = v->u.object.keys[i];
                        if (!jbuf_key(path, key, strlen(key)))
                                return rterr_sys(err, ENOMEM, "%s", src);
                        if (check_keys(v->u.object.values[i], path, src, err) < 0)
                                return -1;
                        jbuf_cut(path, base);
                }
        } else if (YAJL_IS_ARRAY(v)) {
                for (size_t i = 0; i < v->u.array.len; i++) {
                        if (!jbuf_idx(path, i))
                                return rterr_sys(err, ENOMEM, "%s", src);
                        if (check_keys(v->u.array.values[i], path, src, err) < 0)
                                return -1;
                        jbuf_cut(path, base);
                }
        }
        return 0;
}

int json_parse_strict(const char *src, const char *json, size_t len, yajl_val *out,
                      struct rterr *err)
{
        if (memchr(json, '\0', len))
                return rterr_set(err, 0, "%s: invalid JSON: NUL byte at offset %zu", src,
                                 (size_t)((const char *)memchr(json, '\0', len) - json));
        size_t depth;
        bool nul_escape;
        scan(json, len, &depth, &nul_escape);
        if (depth > JSON_MAX_DEPTH)
                return rterr_set(err, 0, "%s: invalid JSON: nested deeper than %d levels", src,
                                 JSON_MAX_DEPTH);
        _cleanup_free_ char *text = malloc(len + 1);
        if (text == NULL)
                return rterr_sys(err, ENOMEM, "%s", src);
        memcpy(text, json, len);
        text[len] = '\0';
        char ebuf[512] = "";
        yajl_val v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
        if (v == NULL) {
                /* yajl's message spans lines; keep the first one. */
                ebuf[strcspn(ebuf, "\n")] = '\0';
                return rterr_set(err, 0, "%s: invalid JSON: %s", src,
                                 ebuf[0] ? ebuf : "parse error");
        }
        struct jbuf path = {0};
        int rc = nul_escape ? nul_error(src, text, len, err) : 0;
        if (rc == 0)
                rc = check_keys(v, &path, src, err);
        free(path.s);
        if (rc < 0) {
                yajl_tree_free(v);
                return -1;
        }
        *out = v;
        return 0;
}
