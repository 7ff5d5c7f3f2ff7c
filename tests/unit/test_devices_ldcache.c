/* The loader cache reader on hand-built files: entries of this machine's ABI are reported with
 * their soname and path, others skipped; a file that is not a cache, entries that do not fit,
 * and string offsets outside the file are errors naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devices/ldcache.h"

#if defined(__x86_64__)
#define NATIVE 0x0303
#elif defined(__aarch64__)
#define NATIVE 0x0a03
#else
#define NATIVE 0x0003
#endif

struct built {
        char buf[512];
        size_t len;
};

static void put32(char *p, uint32_t v)
{
        memcpy(p, &v, 4);
}

/* header (48 bytes), 2 entries (24 each), then the strings */
static struct built cache(int32_t flags2)
{
        struct built b;
        memset(&b, 0, sizeof(b));
        memcpy(b.buf, "glibc-ld.so.cache1.1", 20);
        put32(b.buf + 20, 2);
        const char *s[] = {"libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1", "libfoo.so.2",
                           "/lib32/libfoo.so.2"};
        size_t off = 48 + 2 * 24;
        uint32_t at[4];
        for (int i = 0; i < 4; i++) {
                at[i] = (uint32_t)off;
                strcpy(b.buf + off, s[i]);
                off += strlen(s[i]) + 1;
        }
        put32(b.buf + 48, NATIVE);
        put32(b.buf + 52, at[0]);
        put32(b.buf + 56, at[1]);
        put32(b.buf + 72, (uint32_t)flags2);
        put32(b.buf + 76, at[2]);
        put32(b.buf + 80, at[3]);
        put32(b.buf + 24, (uint32_t)(off - 96));
        b.len = off;
        return b;
}

struct seen {
        int n;
        char last[128];
};

static int collect(const char *soname, const char *path, void *ctx, struct rterr *err)
{
        (void)err;
        struct seen *s = ctx;
        s->n++;
        snprintf(s->last, sizeof(s->last), "%s=%s", soname, path);
        return 0;
}

static void native_entries_only(void **state)
{
        (void)state;
        struct built b = cache(0x0003); /* libc6 without the 64-bit flag: an i386 library */
        struct seen s = {0};
        struct rterr err;
        assert_int_equal(ldcache_each_buf(b.buf, b.len, "c", collect, &s, &err), 0);
#if defined(__x86_64__) || defined(__aarch64__)
        assert_int_equal(s.n, 1);
        assert_string_equal(s.last, "libcuda.so.1=/usr/lib/x86_64-linux-gnu/libcuda.so.1");
#endif
        b = cache(NATIVE);
        s.n = 0;
        assert_int_equal(ldcache_each_buf(b.buf, b.len, "c", collect, &s, &err), 0);
        assert_int_equal(s.n, 2);
        assert_string_equal(s.last, "libfoo.so.2=/lib32/libfoo.so.2");
}

static void after_old_format(void **state)
{
        (void)state;
        struct built b = cache(NATIVE);
        char both[600] = "ld.so-1.7.0";
        memcpy(both + 16, b.buf, b.len); /* the new part, offsets relative to its header */
        struct seen s = {0};
        struct rterr err;
        assert_int_equal(ldcache_each_buf(both, 16 + b.len, "c", collect, &s, &err), 0);
        assert_int_equal(s.n, 2);
}

static void malformed(void **state)
{
        (void)state;
        struct seen s = {0};
        struct rterr err;
        assert_int_equal(ldcache_each_buf("hello", 5, "/x/cache", collect, &s, &err), -1);
        assert_non_null(strstr(err.msg, "/x/cache: not a glibc loader cache"));
        struct built b = cache(NATIVE);
        put32(b.buf + 20, 1000000); /* more entries than the file holds */
        assert_int_equal(ldcache_each_buf(b.buf, b.len, "c", collect, &s, &err), -1);
        assert_non_null(strstr(err.msg, "do not fit"));
        b = cache(NATIVE);
        put32(b.buf + 56, 100000); /* a path outside the file */
        assert_int_equal(ldcache_each_buf(b.buf, b.len, "c", collect, &s, &err), -1);
        assert_non_null(strstr(err.msg, "entry 0 points outside the file"));
        b = cache(NATIVE);
        b.buf[b.len - 1] = 'x'; /* the last string unterminated */
        assert_int_equal(ldcache_each_buf(b.buf, b.len, "c", collect, &s, &err), -1);
        assert_int_equal(ldcache_each_buf(b.buf, 40, "c", collect, &s, &err), -1);
        assert_non_null(strstr(err.msg, "truncated header"));
        /* no file: no entries, no error */
        assert_int_equal(ldcache_each("/nonexistent/ld.so.cache", collect, &s, &err), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(native_entries_only),
            cmocka_unit_test(after_old_format),
            cmocka_unit_test(malformed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
