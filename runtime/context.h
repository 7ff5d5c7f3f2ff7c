/* What every runtime operation takes from its caller: where state lives, where the log goes
 * and in which format, and the cgroup driver. The command line (cli/) fills it from the global
 * options; runtime/ and the libraries below it never see the command line itself. */
#ifndef RTRUN_RUNTIME_CONTEXT_H
#define RTRUN_RUNTIME_CONTEXT_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

struct runtime_ctx {
        const char *root;     /* --root, default /run/rtrun */
        const char *log_path; /* --log, NULL: stderr only */
        enum log_format log_format;
        bool debug;
        bool systemd_cgroup;
        int log_fd; /* opened --log file or -1 */
};

#endif
