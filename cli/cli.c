/* Global options and the command table: runc's command names and global flags. */
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/oci.h"
#include "cli/commands.h"
#include "runtime/runtime.h"

struct cli_cmd {
        const char *name;
        cli_cmd_fn fn;
        const char *summary;
};

static const struct cli_cmd commands[] = {
    {"create", cmd_create, "create a container"},
    {"start", cmd_start, "executes the user defined process in a created container"},
    {"run", cmd_run, "create and run a container"},
    {"state", cmd_state, "output the state of a container"},
    {"kill", cmd_kill, "kill sends the specified signal (default: SIGTERM) to the init process"},
    {"delete", cmd_delete, "delete any resources held by the container"},
    {"list", cmd_list, "lists containers started by rtrun with the given root"},
    {"ps", cmd_ps, "ps displays the processes running inside a container"},
    {"exec", cmd_exec, "execute new process inside the container"},
    {"spec", cmd_spec, "create a new specification file"},
    {"features", cmd_features, "show the enabled features"},
    {"pause", cmd_pause, "pause suspends all processes inside the container"},
    {"resume", cmd_resume, "resumes all processes that have been previously paused"},
    {"update", cmd_update, "update container resource constraints"},
    {"events", cmd_events, "display container events such as OOM notifications and stats"},
    {"admission", cmd_admission,
     "the real-time admission controller (status, check, rebalance, adjust)"},
    {"cpus", cmd_cpus, "shield, inspect and release isolated CPUs"},
    {"metrics", cmd_metrics, "print real-time metrics in the Prometheus text format"},
    {"cdi", cmd_cdi, "generate a CDI spec for this host's GPUs"},
    {"top", cmd_top, "a live view of the real-time reservations"},
    {"checkpoint", cmd_checkpoint, "checkpoint a running container (CRIU)"},
    {"restore", cmd_restore, "restore a container from a checkpoint (CRIU)"},
};

static void print_version(void)
{
        char criu[32];
        printf("rtrun version %s\nspec: %s\n", RTRUN_VERSION, OCI_VERSION);
        if (criu_version(criu, sizeof(criu)) == 0)
                printf("criu: %s\n", criu);
        else
                printf("criu: not installed (checkpoint/restore unavailable)\n");
}

static void print_usage(void)
{
        printf("rtrun: an OCI container runtime for real-time workloads\n\n"
               "Usage: rtrun [global options] COMMAND [command options] [arguments...]\n\n"
               "Commands:\n");
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                printf("   %-10s %s\n", commands[i].name, commands[i].summary);
        printf("\nGlobal options:\n"
               "   --root DIR              state directory (default: /run/rtrun)\n"
               "   --log FILE              log file (default: stderr)\n"
               "   --log-format text|json  log format (default: text)\n"
               "   --debug                 log debug messages\n"
               "   --systemd-cgroup        let systemd make each container's cgroup: a scope unit\n"
               "                           (cgroupsPath \"slice:prefix:name\")\n"
               "   --version, -v           print the version\n"
               "   --help, -h              show help\n");
}

int cli_help(const char *usage)
{
        fputs(usage, stdout);
        return 0;
}

int cli_usage_error(const struct runtime_ctx *g, const char *cmd, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        log_msg(g, LOG_ERROR, "%s: %s (see 'rtrun %s --help')", cmd, buf, cmd);
        return 1;
}

int cli_take_id(const struct runtime_ctx *g, const char *cmd, int argc, char **argv, int optind,
                const char **id)
{
        if (optind >= argc)
                return cli_usage_error(g, cmd, "requires exactly 1 argument: the container ID");
        if (optind + 1 < argc)
                return cli_usage_error(g, cmd, "requires exactly 1 argument, got %d",
                                       argc - optind);
        *id = argv[optind];
        return 0;
}

bool cli_id_only(const struct runtime_ctx *g, int argc, char **argv, const char *usage,
                 const char **id, int *exit_code)
{
        static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                *exit_code =
                    ch == 'h' ? cli_help(usage)
                              : cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
                return false;
        }
        *exit_code = cli_take_id(g, argv[0], argc, argv, optind, id);
        return *exit_code == 0;
}

int cli_on_id(const struct runtime_ctx *g, int argc, char **argv, const char *usage, cli_id_fn fn)
{
        const char *id;
        int code;
        if (!cli_id_only(g, argc, argv, usage, &id, &code))
                return code;
        struct rterr err = {0};
        return fn(g, id, &err) < 0 ? log_fail(g, &err) : 0;
}

/* Matches "--name" (value in the next argument) or "--name=value"; also "-name" as urfave/cli
 * accepts single-dash long flags. *value is NULL when the flag takes the next argument. */
static bool flag_match(const char *arg, const char *name, const char **value)
{
        if (arg[0] != '-')
                return false;
        arg += arg[1] == '-' ? 2 : 1;
        size_t n = strlen(name);
        if (strncmp(arg, name, n) != 0)
                return false;
        if (arg[n] == '\0') {
                *value = NULL;
                return true;
        }
        if (arg[n] == '=') {
                *value = arg + n + 1;
                return true;
        }
        return false;
}

static int flag_value(int argc, char **argv, int *i, const char *inline_value, const char *name,
                      const char **out)
{
        if (inline_value) {
                *out = inline_value;
                return 0;
        }
        if (*i + 1 >= argc) {
                fprintf(stderr, "rtrun: flag needs an argument: --%s\n", name);
                return -1;
        }
        *out = argv[++*i];
        return 0;
}

static bool parse_bool_flag(const char *inline_value)
{
        return inline_value == NULL || strcmp(inline_value, "true") == 0 ||
               strcmp(inline_value, "1") == 0;
}

/* Parses the global options up to the command name. Returns the index of the command, argc when
 * none was given, or -1 (message printed) on a bad option; *exit_now is set for --version and
 * --help. */
static int parse_globals(int argc, char **argv, struct runtime_ctx *g, bool *exit_now)
{
        const char *log_format = NULL;
        int i;
        for (i = 1; i < argc; i++) {
                const char *a = argv[i], *v;
                if (a[0] != '-' || strcmp(a, "-") == 0)
                        break;
                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                }
                if (flag_match(a, "root", &v)) {
                        if (flag_value(argc, argv, &i, v, "root", &g->root) < 0)
                                return -1;
                } else if (flag_match(a, "log-format", &v)) {
                        if (flag_value(argc, argv, &i, v, "log-format", &log_format) < 0)
                                return -1;
                } else if (flag_match(a, "log", &v)) {
                        if (flag_value(argc, argv, &i, v, "log", &g->log_path) < 0)
                                return -1;
                } else if (flag_match(a, "debug", &v)) {
                        g->debug = parse_bool_flag(v);
                } else if (flag_match(a, "systemd-cgroup", &v)) {
                        g->systemd_cgroup = parse_bool_flag(v);
                } else if (flag_match(a, "rootless", &v) || flag_match(a, "criu", &v) ||
                           flag_match(a, "cgroup-manager", &v)) {
                        /* Accepted for compatibility with what clients pass; rtrun runs
                         * rootful and manages cgroups itself. */
                        const char *ignored;
                        if (v == NULL && strchr(a, '=') == NULL &&
                            flag_value(argc, argv, &i, NULL, a, &ignored) < 0)
                                return -1;
                } else if (flag_match(a, "version", &v) || strcmp(a, "-v") == 0) {
                        print_version();
                        *exit_now = true;
                        return 0;
                } else if (flag_match(a, "help", &v) || strcmp(a, "-h") == 0) {
                        print_usage();
                        *exit_now = true;
                        return 0;
                } else {
                        fprintf(stderr, "rtrun: unknown global option %s (see 'rtrun --help')\n",
                                a);
                        return -1;
                }
        }
        if (log_format) {
                if (strcmp(log_format, "json") == 0) {
                        g->log_format = LOG_FORMAT_JSON;
                } else if (strcmp(log_format, "text") == 0) {
                        g->log_format = LOG_FORMAT_TEXT;
                } else {
                        fprintf(stderr, "rtrun: --log-format: expected text or json, got '%s'\n",
                                log_format);
                        return -1;
                }
        }
        return i;
}

/* The commands whose processes enter a container (CVE-2019-5736: runtime/selfclone.h). */
static bool enters_container(const char *name)
{
        return strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0;
}

int cli_main(int argc, char **argv)
{
        struct rterr err = {0};
        struct runtime_ctx g = {
            .root = "/run/rtrun",
            .log_format = LOG_FORMAT_TEXT,
            .log_fd = -1,
        };
        bool exit_now = false;
        int ci = parse_globals(argc, argv, &g, &exit_now);
        if (ci < 0)
                return 1;
        if (exit_now)
                return 0;
        if (g.log_path && g.log_path[0]) {
                g.log_fd = open(g.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
                if (g.log_fd < 0) {
                        fprintf(stderr, "rtrun: open log file %s: %m\n", g.log_path);
                        return 1;
                }
        }
        int rc;
        if (ci >= argc) {
                print_usage();
                rc = 0;
        } else {
                const struct cli_cmd *cmd = NULL;
                for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
                        if (strcmp(argv[ci], commands[k].name) == 0)
                                cmd = &commands[k];
                if (cmd == NULL) {
                        log_msg(&g, LOG_ERROR, "unknown command '%s' (see 'rtrun --help')",
                                argv[ci]);
                        rc = 1;
                } else if (enters_container(cmd->name) && selfclone_ensure(argv, &err) < 0) {
                        rc = log_fail(&g, &err);
                } else {
                        rc = cmd->fn(&g, argc - ci, argv + ci);
                }
        }
        if (g.log_fd >= 0)
                close(g.log_fd);
        return rc;
}
