/* The container's stdio across a checkpoint: what fds 0-2 of its init were (runc's
 * descriptors.json in the image directory, a JSON array of /proc/PID/fd link targets), so a
 * restore hands its own stdio to criu for each pipe among them (--inherit-fd). A container
 * whose stdio were the pipes of its caller (conmon, a shim, a shell) then writes to the
 * restoring caller's. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "common/common.h"
#include "runtime/criu_run.h"

#define DESCRIPTORS "descriptors.json"
/* rtrun's own: "N file[MNT:INODE]" per stdio fd whose file lies on a mount the container's
 * mount namespace does not have (the caller's /dev/null, say, conmon's stdin): criu cannot
 * find such a file from inside; it dumps it as external and restore passes ours in its place. */
#define EXTERNAL_STDIO "rtrun-stdio-external"

/* The mount id of fd (fdinfo's mnt_id), -1 when unknown. */
static int fd_mnt_id(pid_t pid, int fd)
{
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        int id = -1;
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "mnt_id: %d", &id) == 1)
                        break;
        return id;
}

static bool mount_in_ns(pid_t pid, int mnt_id)
{
        char path[64], line[4096];
        snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        int id;
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "%d ", &id) == 1 && id == mnt_id)
                        return true;
        return false;
}

/* Adds --external file[MNT:INODE] for each stdio fd of pid outside its mount namespace and
 * records them for the restore. */
int criu_stdio_externals(struct criu_argv *a, pid_t pid, const char *image_dir, struct rterr *err)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", image_dir, EXTERNAL_STDIO);
        _cleanup_fclose_ FILE *out = fopen(path, "we");
        if (out == NULL)
                return rterr_errno(err, "create %s", path);
        for (int fd = 0; fd < 3; fd++) {
                char link[64], target[4096];
                snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
                ssize_t n = readlink(link, target, sizeof(target) - 1);
                if (n <= 0 || target[0] != '/')
                        continue; /* pipes and sockets have no mount; ttys need --shell-job */
                target[n] = '\0';
                struct stat sb;
                int mnt = fd_mnt_id(pid, fd);
                if (mnt < 0 || mount_in_ns(pid, mnt) || stat(link, &sb) < 0)
                        continue;
                criu_argv_add(a, "--external=file[%x:%llx]", mnt, (unsigned long long)sb.st_ino);
                fprintf(out, "%d file[%x:%llx]\n", fd, mnt, (unsigned long long)sb.st_ino);
        }
        if (fflush(out) != 0)
                return rterr_errno(err, "write %s", path);
        return 0;
}

static void json_string(FILE *f, const char *s)
{
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        fputc('\\', f);
                if ((unsigned char)*s < 0x20)
                        fprintf(f, "\\u%04x", (unsigned char)*s);
                else
                        fputc(*s, f);
        }
        fputc('"', f);
}

int criu_stdio_save(pid_t pid, const char *image_dir, struct rterr *err)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", image_dir, DESCRIPTORS);
        _cleanup_fclose_ FILE *f = fopen(path, "we");
        if (f == NULL)
                return rterr_errno(err, "create %s", path);
        fputc('[', f);
        for (int fd = 0; fd < 3; fd++) {
                char link[64], target[4096];
                snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
                ssize_t n = readlink(link, target, sizeof(target) - 1);
                target[n < 0 ? 0 : n] = '\0';
                if (fd)
                        fputc(',', f);
                json_string(f, target);
        }
        fputs("]\n", f);
        if (fflush(f) != 0)
                return rterr_errno(err, "write %s", path);
        return 0;
}

void criu_argv_stdio(struct criu_argv *a, const char *image_dir)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", image_dir, DESCRIPTORS);
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct rterr ignore = {0};
        if (read_file_at(AT_FDCWD, path, &text, &len, &ignore) < 0)
                return; /* a checkpoint by another tool: criu restores the fds as it can */
        yajl_val v = yajl_tree_parse(text, NULL, 0);
        if (v == NULL || !YAJL_IS_ARRAY(v)) {
                yajl_tree_free(v);
                return;
        }
        char ext[4096], line[256];
        snprintf(ext, sizeof(ext), "%s/%s", image_dir, EXTERNAL_STDIO);
        _cleanup_fclose_ FILE *f = fopen(ext, "re");
        while (f && fgets(line, sizeof(line), f)) {
                int fd;
                char key[200];
                if (sscanf(line, "%d %199s", &fd, key) == 2 && fd >= 0 && fd < 3)
                        criu_argv_add(a, "--inherit-fd=fd[%d]:%s", fd, key);
        }
        for (size_t fd = 0; fd < v->u.array.len && fd < 3; fd++) {
                const char *s = YAJL_GET_STRING(v->u.array.values[fd]);
                if (s && strncmp(s, "pipe:", 5) == 0)
                        criu_argv_add(a, "--inherit-fd=fd[%zu]:%s", fd, s);
        }
        yajl_tree_free(v);
}
