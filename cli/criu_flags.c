/* The CRIU flags `checkpoint` and `restore` share (runc 1.1's names). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/criu_flags.h"

int cli_criu_flag(const struct runtime_ctx *g, const char *cmd, int ch, const char *arg,
                  struct criu_opts *o)
{
        switch (ch) {
        case CRIU_OPT_IMAGE:
                o->image_path = arg;
                return 1;
        case CRIU_OPT_WORK:
                o->work_path = arg;
                return 1;
        case CRIU_OPT_PARENT:
                o->parent_path = arg;
                return 1;
        case CRIU_OPT_LEAVE:
                o->leave_running = true;
                return 1;
        case CRIU_OPT_TCP:
                o->tcp_established = true;
                return 1;
        case CRIU_OPT_EXTUNIX:
                o->ext_unix_sk = true;
                return 1;
        case CRIU_OPT_SHELL:
                o->shell_job = true;
                return 1;
        case CRIU_OPT_LOCKS:
                o->file_locks = true;
                return 1;
        case CRIU_OPT_PREDUMP:
                o->pre_dump = true;
                return 1;
        case CRIU_OPT_DEDUP:
                o->auto_dedup = true;
                return 1;
        case CRIU_OPT_LAZY:
                o->lazy_pages = true;
                return 1;
        case CRIU_OPT_CGMODE:
                if (strcmp(arg, "soft") && strcmp(arg, "full") && strcmp(arg, "strict") &&
                    strcmp(arg, "ignore")) {
                        cli_usage_error(g, cmd,
                                        "--manage-cgroups-mode: expected soft, full, strict or "
                                        "ignore, got '%s'",
                                        arg);
                        return -1;
                }
                o->manage_cgroups_mode = arg;
                return 1;
        case CRIU_OPT_EMPTYNS:
                if (strcmp(arg, "network") != 0) {
                        cli_usage_error(g, cmd, "--empty-ns: only 'network' is supported, got '%s'",
                                        arg);
                        return -1;
                }
                o->empty_net = true;
                return 1;
        case CRIU_OPT_STATUSFD: {
                char *end;
                long fd = strtol(arg, &end, 10);
                if (*end || fd < 0 || fd > 65535) {
                        cli_usage_error(g, cmd, "--status-fd: expected an fd number, got '%s'",
                                        arg);
                        return -1;
                }
                o->status_fd = (int)fd;
                return 1;
        }
        }
        return 0;
}

/* The image path made absolute: criu runs with another working directory (--work-dir). */
int cli_criu_finish(const struct runtime_ctx *g, const char *cmd, struct criu_opts *o)
{
        if (o->image_path == NULL || o->image_path[0] == '\0')
                o->image_path = "checkpoint";
        (void)g;
        (void)cmd;
        return 0;
}
