/* rtrun re-executed from a sealed memfd (runtime/selfclone.h). */
#include "runtime/selfclone.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even when vm.memfd_noexec asks otherwise */
#endif

/* No write, no resize, and no way to lift the seals: what the kernel checks on write(2),
 * ftruncate(2) and a shared writable mmap of the copy. */
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool running_sealed(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        int seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & SEALS) == SEALS;
}

/* How much of the binary execve and the dynamic loader read: up to the end of the last
 * PT_LOAD segment. What follows (debug information, the section headers) is two thirds of a
 * RelWithDebInfo build, and every page copied is a page the kernel allocates and fills on
 * each create, run and exec. 0 when it is not an ELF file we understand: copy it all. */
static off_t loaded_size(int src, Elf64_Ehdr *eh)
{
        if (pread(src, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
            memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
            eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64)
                return 0;
        Elf64_Phdr ph[64];
        size_t len = sizeof(Elf64_Phdr) * eh->e_phnum;
        if (pread(src, ph, len, (off_t)eh->e_phoff) != (ssize_t)len)
                return 0;
        uint64_t end = eh->e_phoff + len;
        for (size_t i = 0; i < eh->e_phnum; i++)
                if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > end)
                        end = ph[i].p_offset + ph[i].p_filesz;
        return (off_t)end;
}

static int sealed_copy(int src, struct rterr *err)
{
        struct stat st;
        if (fstat(src, &st) < 0)
                return rterr_errno(err, "stat /proc/self/exe");
        Elf64_Ehdr eh;
        off_t size = loaded_size(src, &eh);
        bool cut = size > 0 && size < st.st_size;
        if (cut)
                st.st_size = size;
        int fd = memfd_create("rtrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (fd < 0 && errno == EINVAL) /* before 6.3 */
                fd = memfd_create("rtrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return rterr_errno(err, "memfd_create");
        for (off_t off = 0; off < st.st_size;) {
                ssize_t n = sendfile(fd, src, &off, (size_t)(st.st_size - off));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        rterr_errno(err, "copy /proc/self/exe into a memfd");
                        close(fd);
                        return -1;
                }
        }
        /* The section headers were left out: say there are none (for gdb, perf, file). */
        if (cut) {
                eh.e_shoff = 0;
                eh.e_shnum = 0;
                eh.e_shstrndx = SHN_UNDEF;
                if (pwrite(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh)) {
                        rterr_errno(err, "write the memfd copy of rtrun");
                        close(fd);
                        return -1;
                }
        }
        if (fcntl(fd, F_ADD_SEALS, SEALS) < 0) {
                rterr_errno(err, "seal the memfd copy of rtrun");
                close(fd);
                return -1;
        }
        return fd;
}

int selfclone_ensure(char **argv, struct rterr *err)
{
        if (running_sealed()) {
                /* execveat(AT_EMPTY_PATH) names the process after the fd ("3") or the memfd
                 * ("memfd:rtrun"); ps and pgrep users look for rtrun. */
                prctl(PR_SET_NAME, "rtrun", 0, 0, 0);
                return 0;
        }
        _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (src < 0)
                return rterr_errno(err, "open /proc/self/exe");
        _cleanup_close_ int fd = sealed_copy(src, err);
        if (fd < 0)
                return rterr_wrap(err, "CVE-2019-5736 protection");
        fexecve(fd, argv, environ);
        return rterr_errno(err, "CVE-2019-5736 protection: re-execute rtrun from its sealed copy");
}
