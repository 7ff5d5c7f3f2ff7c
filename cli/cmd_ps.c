/* `rtrun ps [--format table|json] ID [ps options]`: the container's processes (its cgroup). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun ps [command options] <container-id> [ps options]\n\n"
    "Displays the processes running inside a container (default ps options: -ef).\n\n"
    "Options:\n"
    "   --format, -f table|json   table: ps output for the container's pids; json: the pids\n"
    "   --help, -h                show this help\n";

static int container_pids(const struct container *c, pid_t **pids, size_t *n, struct rterr *err)
{
        if (c->cgroup_path == NULL)
                return rterr_set(err, ENOENT, "container %s has no cgroup", c->id);
        struct cg_host *host = NULL;
        struct cgroup *cg = NULL;
        int r = -1;
        if (cg_host_detect(&host, err) == 0 && cg_open(host, c->cgroup_path, &cg, err) == 0)
                r = cg_pids(cg, pids, n, err);
        cg_free(cg);
        cg_host_free(host);
        return r;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

/* Index (0-based, whitespace-separated) of the PID column in ps's header, or -1. */
static int pid_column(const char *header)
{
        _cleanup_free_ char *copy = strdup(header);
        if (copy == NULL)
                return -1;
        int col = 0;
        char *save = NULL;
        for (char *tok = strtok_r(copy, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
                if (strcmp(tok, "PID") == 0)
                        return col;
                col++;
        }
        return -1;
}

static long field_at(const char *line, int col)
{
        const char *p = line;
        for (int i = 0;; i++) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '\0')
                        return -1;
                if (i == col)
                        return strtol(p, NULL, 10);
                while (*p && *p != ' ' && *p != '\t')
                        p++;
        }
}

static int ps_table(const pid_t *pids, size_t n, int argc, char **argv, struct rterr *err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return rterr_errno(err, "ps: pipe");
        pid_t child = fork();
        if (child < 0)
                return rterr_errno(err, "ps: fork");
        if (child == 0) {
                dup2(p[1], STDOUT_FILENO);
                char *defargs[] = {"ps", "-ef", NULL};
                char **args = defargs;
                if (argc > 0) {
                        args = calloc((size_t)argc + 2, sizeof(char *));
                        if (args == NULL)
                                _exit(127);
                        args[0] = "ps";
                        memcpy(args + 1, argv, (size_t)argc * sizeof(char *));
                }
                execvp("ps", args);
                _exit(127);
        }
        close(p[1]);
        _cleanup_fclose_ FILE *f = fdopen(p[0], "r");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        int col = -1;
        bool header = true;
        while (f && getline(&line, &cap, f) > 0) {
                if (header) {
                        col = pid_column(line);
                        fputs(line, stdout);
                        header = false;
                } else if (col >= 0 && has_pid(pids, n, field_at(line, col))) {
                        fputs(line, stdout);
                }
        }
        int status;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return rterr_set(err, 0, "ps failed (is procps installed?)");
        if (col < 0)
                return rterr_set(err, 0, "ps: no PID column in its output");
        return 0;
}

int cmd_ps(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
        optind = 0;
        opterr = 0;
        bool json = false;
        int ch;
        while ((ch = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                if (ch == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
                        json = strcmp(optarg, "json") == 0;
                else if (ch == 'f')
                        return cli_usage_error(
                            g, argv[0], "--format: expected table or json, got '%s'", optarg);
                else
                        return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        if (optind >= argc)
                return cli_usage_error(g, argv[0], "requires the container ID");
        const char *id = argv[optind++];
        if (optind < argc && strcmp(argv[optind], "--") == 0)
                optind++;
        struct rterr err = {0};
        struct container *c = NULL;
        if (container_peek(g, id, &c, &err) < 0)
                return log_fail(g, &err);
        int rc = 0;
        pid_t *pids = NULL;
        size_t n = 0;
        /* A stopped container has no processes: an empty list, exit 0, as runc. */
        if (c->status != OCI_STATUS_STOPPED && container_pids(c, &pids, &n, &err) < 0) {
                rc = log_fail(g, &err);
        } else if (json) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int)pids[i]);
                printf("]\n");
        } else {
                fflush(stdout);
                if (ps_table(pids, n, argc - optind, argv + optind, &err) < 0)
                        rc = log_fail(g, &err);
        }
        free(pids);
        container_free(c);
        return rc;
}
