/* `rtrun run [options] ID`: create + start; in the foreground it forwards signals, waits and
 * exits with the container's status (128+N for signal N), then deletes the container. */
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun run [command options] <container-id>\n\n"
    "Creates and starts the container; without --detach waits for it and exits with its\n"
    "status, then deletes it.\n\n"
    "Options:\n"
    "   --bundle, -b DIR        path to the bundle (default: current directory)\n"
    "   --detach, -d            return once the container is started\n"
    "   --keep                  do not delete the container after it exits\n"
    "   --console-socket PATH   unix socket that receives the pty master (process.terminal)\n"
    "   --pid-file PATH         write the container's pid (no newline) to PATH\n"
    "   --no-pivot              MS_MOVE + chroot instead of pivot_root\n"
    "   --no-new-keyring        keep the caller's session keyring\n"
    "   --preserve-fds N        pass N additional fds (3..3+N-1) to the container\n"
    "   --help, -h              show this help\n";

int cmd_run(const struct runtime_ctx *g, int argc, char **argv)
{
        struct launch_opts o = {0};
        bool detach = false;
        int idx;
        int r = cli_parse_launch(g, usage, argc, argv, &o, &detach, &idx);
        if (r != 0)
                return r > 0 ? 0 : 1;
        o.foreground = !detach;
        int master = -1;
        o.proxy_master = detach ? NULL : &master;
        sigset_t all;
        if (!detach) {
                forward_block_signals(&all);
                /* init is our grandchild when a pid namespace is created after a setns. */
                prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
        struct rterr err = {0};
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        if (container_create(g, &o, &c, &spec, &err) < 0)
                return log_fail(g, &err);
        if (container_start(g, c, spec, &err) < 0) {
                struct rterr derr = {0};
                container_destroy(g, c, true, &derr);
                container_free(c);
                oci_spec_free(spec);
                return log_fail(g, &err);
        }
        int code = 0;
        if (!detach) {
                /* Other commands (kill, exec, state) work on it while it runs. */
                flock(c->lock_fd, LOCK_UN);
                code = forward_until_exit(g, c->pid, &all, master);
                flock(c->lock_fd, LOCK_EX);
                /* --keep: the stopped container stays for state, ps, delete, as with runc. */
                if (!o.keep && container_destroy(g, c, true, &err) < 0)
                        log_msg(g, LOG_WARN, "delete %s: %s", c->id, err.msg);
        }
        if (master >= 0)
                close(master);
        container_free(c);
        oci_spec_free(spec);
        return code;
}
