/* The command line: the commands (one cmd_*.c file each, mapped to names by cli.c's table) and
 * the CLI entry point. The global options fill a struct runtime_ctx, the runtime's context. */
#ifndef RTRUN_CLI_COMMANDS_H
#define RTRUN_CLI_COMMANDS_H

#include <stdbool.h>

#include "runtime/runtime.h"

int cli_main(int argc, char **argv);

/* argv[0] is the command name; options follow. Returns the process exit code. */
typedef int (*cli_cmd_fn)(const struct runtime_ctx *g, int argc, char **argv);

int cmd_create(const struct runtime_ctx *g, int argc, char **argv);     /* cmd_create.c */
int cmd_run(const struct runtime_ctx *g, int argc, char **argv);        /* cmd_run.c */
int cmd_start(const struct runtime_ctx *g, int argc, char **argv);      /* cmd_start.c */
int cmd_state(const struct runtime_ctx *g, int argc, char **argv);      /* cmd_state.c */
int cmd_kill(const struct runtime_ctx *g, int argc, char **argv);       /* cmd_kill.c */
int cmd_delete(const struct runtime_ctx *g, int argc, char **argv);     /* cmd_delete.c */
int cmd_list(const struct runtime_ctx *g, int argc, char **argv);       /* cmd_list.c */
int cmd_ps(const struct runtime_ctx *g, int argc, char **argv);         /* cmd_ps.c */
int cmd_exec(const struct runtime_ctx *g, int argc, char **argv);       /* cmd_exec.c */
int cmd_spec(const struct runtime_ctx *g, int argc, char **argv);       /* cmd_spec.c */
int cmd_features(const struct runtime_ctx *g, int argc, char **argv);   /* cmd_spec.c */
int cmd_admission(const struct runtime_ctx *g, int argc, char **argv);  /* cmd_admission.c */
int cmd_cpus(const struct runtime_ctx *g, int argc, char **argv);       /* cmd_cpus.c */
int cmd_metrics(const struct runtime_ctx *g, int argc, char **argv);    /* cmd_metrics.c */
int cmd_cdi(const struct runtime_ctx *g, int argc, char **argv);        /* cmd_cdi.c */
int cmd_top(const struct runtime_ctx *g, int argc, char **argv);        /* cmd_top.c */
int cmd_update(const struct runtime_ctx *g, int argc, char **argv);     /* cmd_cgroups.c */
int cmd_pause(const struct runtime_ctx *g, int argc, char **argv);      /* cmd_cgroups.c */
int cmd_resume(const struct runtime_ctx *g, int argc, char **argv);     /* cmd_cgroups.c */
int cmd_events(const struct runtime_ctx *g, int argc, char **argv);     /* cmd_cgroups.c */
int cmd_checkpoint(const struct runtime_ctx *g, int argc, char **argv); /* cmd_checkpoint.c */
int cmd_restore(const struct runtime_ctx *g, int argc, char **argv);    /* cmd_restore.c */

/* Shared by the commands: prints `usage` to stdout for --help / -h. Returns 0. */
int cli_help(const char *usage);
/* Reports a usage error ("rtrun CMD: what") through the log and returns the exit code 1. */
int cli_usage_error(const struct runtime_ctx *g, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The one positional argument ID that most commands take: argv[optind], nothing after it. */
int cli_take_id(const struct runtime_ctx *g, const char *cmd, int argc, char **argv, int optind,
                const char **id);
/* For commands whose only arguments are --help and the ID: true with *id set when the command
 * goes on; false with *exit_code set when --help was printed or the arguments were wrong. */
bool cli_id_only(const struct runtime_ctx *g, int argc, char **argv, const char *usage,
                 const char **id, int *exit_code);
/* The whole of such a command: cli_id_only, then fn on the ID; fn's error is logged and becomes
 * the exit code 1 (log_fail). */
typedef int (*cli_id_fn)(const struct runtime_ctx *g, const char *id, struct rterr *err);
int cli_on_id(const struct runtime_ctx *g, int argc, char **argv, const char *usage, cli_id_fn fn);

/* The flags create and run share; run also takes --detach/-d (detach may be NULL for create).
 * Returns 0 with *consumed = the index of the ID, 1 when --help was printed, -1 on error. */
struct launch_opts;
int cli_parse_launch(const struct runtime_ctx *g, const char *usage, int argc, char **argv,
                     struct launch_opts *o, bool *detach, int *consumed);

#endif
