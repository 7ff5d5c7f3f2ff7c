/* The writer half of common/json.h. */
#include "common/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

yajl_gen gen_new(bool pretty)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return NULL;
        if (pretty) {
                yajl_gen_config(g, yajl_gen_beautify, 1);
                yajl_gen_config(g, yajl_gen_indent_string, "  ");
        }
        return g;
}

int gen_str(yajl_gen g, const char *s)
{
        if (s == NULL)
                s = "";
        return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

int gen_key(yajl_gen g, const char *key, const char *value)
{
        return gen_str(g, key) | gen_str(g, value);
}

int gen_key_bool(yajl_gen g, const char *key, bool value)
{
        return gen_str(g, key) | yajl_gen_bool(g, value);
}

int gen_key_int(yajl_gen g, const char *key, long long value)
{
        return gen_str(g, key) | yajl_gen_integer(g, value);
}

int gen_key_dbl(yajl_gen g, const char *key, double value)
{
        char buf[64];
        int n = snprintf(buf, sizeof(buf), "%.6f", value);
        while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
                buf[--n] = '\0';
        return gen_str(g, key) | yajl_gen_number(g, buf, (size_t)n);
}

int gen_strs(yajl_gen g, const char *key, const char *const *v, size_t n)
{
        int st = gen_str(g, key) | yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++)
                st |= gen_str(g, v[i]);
        return st | yajl_gen_array_close(g);
}

int gen_finish(yajl_gen g, int status, bool pretty, const char *what, char **out, size_t *len,
               struct rterr *err)
{
        const unsigned char *buf = NULL;
        size_t n = 0;
        if (status != yajl_gen_status_ok || yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok) {
                yajl_gen_free(g);
                return rterr_set(err, EINVAL, "%s: cannot generate JSON (yajl status %d)", what,
                                 status);
        }
        /* yajl's beautifier already ends the document with a newline. */
        bool nl = pretty && (n == 0 || buf[n - 1] != '\n');
        char *s = malloc(n + 2);
        if (s == NULL) {
                yajl_gen_free(g);
                return rterr_sys(err, ENOMEM, "%s", what);
        }
        memcpy(s, buf, n);
        if (nl)
                s[n++] = '\n';
        s[n] = '\0';
        yajl_gen_free(g);
        *out = s;
        if (len)
                *len = n;
        return 0;
}

char *gen_copy(yajl_gen g)
{
        const unsigned char *buf;
        size_t len;
        if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return NULL;
        return strndup((const char *)buf, len);
}

char *json_quote(const char *s)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (g == NULL)
                return NULL;
        char *out = gen_str(g, s) == yajl_gen_status_ok ? gen_copy(g) : NULL;
        yajl_gen_free(g);
        return out;
}

size_t json_escape(char *out, size_t size, const char *s)
{
        size_t n = 0;
        for (; *s && n + 7 < size; s++) {
                unsigned char ch = (unsigned char)*s;
                if (ch == '"' || ch == '\\') {
                        out[n++] = '\\';
                        out[n++] = (char)ch;
                } else if (ch == '\n') {
                        out[n++] = '\\';
                        out[n++] = 'n';
                } else if (ch == '\t') {
                        out[n++] = '\\';
                        out[n++] = 't';
                } else if (ch < 0x20) {
                        n += (size_t)snprintf(out + n, size - n, "\\u%04x", ch);
                } else {
                        out[n++] = (char)ch;
                }
        }
        out[n] = '\0';
        return n;
}
