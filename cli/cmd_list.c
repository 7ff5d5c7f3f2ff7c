/* `rtrun list [--format table|json] [-q]` */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] = "Usage: rtrun list [command options]\n\n"
                            "Lists the containers under --root.\n\n"
                            "Options:\n"
                            "   --format, -f table|json   output format (default: table)\n"
                            "   --quiet, -q               print only the container IDs\n"
                            "   --help, -h                show this help\n";

struct entry {
        struct container *c;
        char owner[64];
};

/* As runc: the user owning the container's state directory, by name, else "#UID". */
static void owner_of(const char *root, struct entry *e)
{
        struct stat st;
        struct passwd pw, *res = NULL;
        char buf[1024];
        char path[4096];
        if (e->c->owner && e->c->owner[0]) {
                snprintf(e->owner, sizeof(e->owner), "%s", e->c->owner);
                return;
        }
        snprintf(path, sizeof(path), "%s/%s", root, e->c->id);
        if (stat(path, &st) < 0) {
                snprintf(e->owner, sizeof(e->owner), "#%u", (unsigned)geteuid());
                return;
        }
        if (getpwuid_r(st.st_uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
                snprintf(e->owner, sizeof(e->owner), "%s", pw.pw_name);
        else
                snprintf(e->owner, sizeof(e->owner), "#%u", (unsigned)st.st_uid);
}

static int by_id(const void *a, const void *b)
{
        return strcmp(((const struct entry *)a)->c->id, ((const struct entry *)b)->c->id);
}

static void print_json(struct entry *e, size_t n)
{
        yajl_gen gen = yajl_gen_alloc(NULL);
        yajl_gen_array_open(gen);
        for (size_t i = 0; i < n; i++) {
                struct oci_state st;
                container_oci_state(e[i].c, e[i].c->status, &st);
                st.owner = e[i].owner;
                oci_state_gen(gen, &st);
        }
        yajl_gen_array_close(gen);
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(gen, &buf, &len);
        printf("%.*s\n", (int)len, buf);
        yajl_gen_free(gen);
}

static void print_table(struct entry *e, size_t n)
{
        int w = 2;
        for (size_t i = 0; i < n; i++)
                if ((int)strlen(e[i].c->id) > w)
                        w = (int)strlen(e[i].c->id);
        printf("%-*s   %-8s %-10s %-40s %-32s %s\n", w, "ID", "PID", "STATUS", "BUNDLE", "CREATED",
               "OWNER");
        for (size_t i = 0; i < n; i++) {
                const struct container *c = e[i].c;
                printf("%-*s   %-8d %-10s %-40s %-32s %s\n", w, c->id,
                       c->status == OCI_STATUS_STOPPED ? 0 : c->pid, oci_status_name(c->status),
                       c->bundle ? c->bundle : "", c->created ? c->created : "", e[i].owner);
        }
}

static int collect(const struct runtime_ctx *g, struct entry **out, size_t *n, struct rterr *err)
{
        _cleanup_closedir_ DIR *d = opendir(g->root);
        if (d == NULL) {
                if (errno == ENOENT)
                        return 0;
                return rterr_errno(err, "open %s", g->root);
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.' || de->d_type != DT_DIR)
                        continue;
                struct container *c = NULL;
                /* Gone meanwhile, or not a container: skip it. */
                if (container_peek(g, de->d_name, &c, NULL) < 0)
                        continue;
                struct entry *ne = realloc(*out, (*n + 1) * sizeof(**out));
                if (ne == NULL) {
                        container_free(c);
                        return rterr_errno(err, "list");
                }
                *out = ne;
                (*out)[(*n)++].c = c;
        }
        return 0;
}

int cmd_list(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
        optind = 0;
        opterr = 0;
        bool quiet = false, json = false;
        int ch;
        while ((ch = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                if (ch == 'q') {
                        quiet = true;
                } else if (ch == 'f' &&
                           (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0)) {
                        json = strcmp(optarg, "json") == 0;
                } else if (ch == 'f') {
                        return cli_usage_error(
                            g, argv[0], "--format: expected table or json, got '%s'", optarg);
                } else {
                        return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cli_usage_error(g, argv[0], "takes no arguments");
        struct rterr err = {0};
        struct entry *e = NULL;
        size_t n = 0;
        int rc = 0;
        if (collect(g, &e, &n, &err) < 0) {
                rc = log_fail(g, &err);
        } else {
                if (n > 1) /* e is NULL when there is none: qsort's pointer must not be */
                        qsort(e, n, sizeof(*e), by_id);
                for (size_t i = 0; i < n && !quiet; i++)
                        owner_of(g->root, &e[i]);
                if (quiet)
                        for (size_t i = 0; i < n; i++)
                                printf("%s\n", e[i].c->id);
                else if (json)
                        print_json(e, n);
                else
                        print_table(e, n);
        }
        for (size_t i = 0; i < n; i++)
                container_free(e[i].c);
        free(e);
        return rc;
}
