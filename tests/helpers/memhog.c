/* The checkpoint benchmark's container process: holds MIB MiB of anonymous memory, every page
 * written (non-zero, so criu dumps all of it), and writes a counter to /tmp/count every 200 ms,
 * so a restore shows it goes on from where it was. usage: memhog [MIB] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
        size_t len = (argc > 1 ? strtoul(argv[1], NULL, 10) : 0) << 20;
        unsigned char *p = NULL;
        if (len) {
                p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) {
                        perror("mmap");
                        return 1;
                }
        }
        for (size_t off = 0; off < len; off += 4096)
                p[off] = (unsigned char)((off >> 12) | 1);
        for (unsigned long i = 1;; i++) {
                FILE *f = fopen("/tmp/count", "w");
                if (f) {
                        fprintf(f, "%lu\n", i);
                        fclose(f);
                }
                struct timespec ts = {0, 200000000};
                nanosleep(&ts, NULL);
        }
}
