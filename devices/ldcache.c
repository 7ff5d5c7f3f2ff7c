/* glibc's loader cache. Layout (elf/cache.h, stable since glibc 2.2, the only one written
 * since 2.32): a 48-byte header "glibc-ld.so.cache" "1.1", nlibs, len_strings, flags,
 * extension offset; nlibs 24-byte entries {int32 flags; uint32 key, value; uint32 osversion;
 * uint64 hwcap}; key and value are offsets of NUL-terminated strings from the header's start.
 * An older ldconfig may put the old "ld.so-1.7.0" table first: the new header then follows
 * it, and we find it by its magic. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "devices/ldcache.h"

#define MAGIC "glibc-ld.so.cache1.1"
#define HEADER_SIZE 48
#define ENTRY_SIZE 24
#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_ARCH_MASK 0xff00
#if defined(__x86_64__)
#define FLAG_ARCH_NATIVE 0x0300
#elif defined(__aarch64__)
#define FLAG_ARCH_NATIVE 0x0a00
#endif

static uint32_t u32(const char *p)
{
        uint32_t v;
        memcpy(&v, p, sizeof(v));
        return v;
}

static bool native(int32_t flags)
{
#ifdef FLAG_ARCH_NATIVE
        return (flags & FLAG_TYPE_MASK) == FLAG_ELF_LIBC6 &&
               (flags & FLAG_ARCH_MASK) == FLAG_ARCH_NATIVE;
#else
        (void)flags;
        return true;
#endif
}

/* The string at off from base, or NULL when it does not end inside the file. */
static const char *string_at(const char *base, size_t size, uint32_t off)
{
        if (off >= size || memchr(base + off, '\0', size - off) == NULL)
                return NULL;
        return base + off;
}

int ldcache_each_buf(const char *buf, size_t len, const char *file, ldcache_fn fn, void *ctx,
                     struct rterr *err)
{
        const char *hdr = memmem(buf, len < 4096 ? len : 4096, MAGIC, strlen(MAGIC));
        if (hdr == NULL)
                return rterr_set(err, EINVAL, "%s: not a glibc loader cache (no \"%s\")", file,
                                 MAGIC);
        size_t size = len - (size_t)(hdr - buf);
        if (size < HEADER_SIZE)
                return rterr_set(err, EINVAL, "%s: truncated header", file);
        uint32_t nlibs = u32(hdr + 20);
        if (nlibs > (size - HEADER_SIZE) / ENTRY_SIZE)
                return rterr_set(err, EINVAL, "%s: %u entries do not fit in %zu bytes", file, nlibs,
                                 size);
        for (uint32_t i = 0; i < nlibs; i++) {
                const char *e = hdr + HEADER_SIZE + (size_t)i * ENTRY_SIZE;
                int32_t flags = (int32_t)u32(e);
                const char *key = string_at(hdr, size, u32(e + 4));
                const char *value = string_at(hdr, size, u32(e + 8));
                if (key == NULL || value == NULL)
                        return rterr_set(err, EINVAL, "%s: entry %u points outside the file", file,
                                         i);
                if (native(flags) && fn(key, value, ctx, err) < 0)
                        return -1;
        }
        return 0;
}

int ldcache_each(const char *file, ldcache_fn fn, void *ctx, struct rterr *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        if (access(file, F_OK) < 0 && (errno == ENOENT || errno == ENOTDIR))
                return 0;
        if (read_file_at(AT_FDCWD, file, &text, &len, err) < 0)
                return -1;
        return ldcache_each_buf(text, len, file, fn, ctx, err);
}
