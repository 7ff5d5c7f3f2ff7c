/* The command line: global options and the signature every command implements. The command
 * table (runtime/cli.c) maps names to these functions; each cmd_*.c file owns its commands. */
#ifndef RTRUN_RUNTIME_CLI_H
#define RTRUN_RUNTIME_CLI_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

struct cli_globals {
        const char *root;     /* --root, default /run/rtrun */
        const char *log_path; /* --log, NULL: stderr only */
        enum log_format log_format;
        bool debug;
        bool systemd_cgroup;
        int log_fd; /* opened --log file or -1 */
};

/* argv[0] is the command name; options follow. Returns the process exit code. */
typedef int (*cli_cmd_fn)(const struct cli_globals *g, int argc, char **argv);

/* Commands owned by other folders' maintainers (one file each). */
int cmd_admission(const struct cli_globals *g, int argc, char **argv); /* cmd_admission.c */
int cmd_cpus(const struct cli_globals *g, int argc, char **argv);      /* cmd_cpus.c */
int cmd_update(const struct cli_globals *g, int argc, char **argv);    /* cmd_cgroups.c */
int cmd_pause(const struct cli_globals *g, int argc, char **argv);     /* cmd_cgroups.c */
int cmd_resume(const struct cli_globals *g, int argc, char **argv);    /* cmd_cgroups.c */
int cmd_events(const struct cli_globals *g, int argc, char **argv);    /* cmd_cgroups.c */

#endif
