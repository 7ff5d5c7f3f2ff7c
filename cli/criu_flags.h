/* The CRIU flags of `checkpoint` and `restore` (cli/criu_flags.c). */
#ifndef RTRUN_CLI_CRIU_FLAGS_H
#define RTRUN_CLI_CRIU_FLAGS_H

#include "runtime/runtime.h"

enum {
        CRIU_OPT_IMAGE = 300,
        CRIU_OPT_WORK,
        CRIU_OPT_PARENT,
        CRIU_OPT_LEAVE,
        CRIU_OPT_TCP,
        CRIU_OPT_EXTUNIX,
        CRIU_OPT_SHELL,
        CRIU_OPT_LOCKS,
        CRIU_OPT_PREDUMP,
        CRIU_OPT_CGMODE,
        CRIU_OPT_EMPTYNS,
        CRIU_OPT_DEDUP,
        CRIU_OPT_LAZY,
        CRIU_OPT_STATUSFD,
};

#define CRIU_LONG_OPTS                                                                             \
        {"image-path", required_argument, NULL, CRIU_OPT_IMAGE},                                   \
            {"work-path", required_argument, NULL, CRIU_OPT_WORK},                                 \
            {"tcp-established", no_argument, NULL, CRIU_OPT_TCP},                                  \
            {"ext-unix-sk", no_argument, NULL, CRIU_OPT_EXTUNIX},                                  \
            {"shell-job", no_argument, NULL, CRIU_OPT_SHELL},                                      \
            {"file-locks", no_argument, NULL, CRIU_OPT_LOCKS},                                     \
            {"manage-cgroups-mode", required_argument, NULL, CRIU_OPT_CGMODE},                     \
            {"empty-ns", required_argument, NULL, CRIU_OPT_EMPTYNS},                               \
            {"auto-dedup", no_argument, NULL, CRIU_OPT_DEDUP},                                     \
            {"lazy-pages", no_argument, NULL, CRIU_OPT_LAZY},                                      \
        {                                                                                          \
                "status-fd", required_argument, NULL, CRIU_OPT_STATUSFD                            \
        }

/* 1: ch was a CRIU flag and went into o; 0: not one; -1: a bad value (reported). */
int cli_criu_flag(const struct runtime_ctx *g, const char *cmd, int ch, const char *arg,
                  struct criu_opts *o);
int cli_criu_finish(const struct runtime_ctx *g, const char *cmd, struct criu_opts *o);

#endif
