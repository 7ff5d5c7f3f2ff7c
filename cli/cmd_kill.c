/* `rtrun kill [--all] ID [SIGNAL]` */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/common.h"
#include "cli/commands.h"
#include "runtime/runtime.h"

static const char usage[] =
    "Usage: rtrun kill [command options] <container-id> [signal]\n\n"
    "Sends the signal (name or number, default SIGTERM) to the container's init process.\n\n"
    "Options:\n"
    "   --all, -a   send the signal to every process of the container (its cgroup)\n"
    "   --help, -h  show this help\n";

static int kill_cgroup(struct container *c, int sig, struct rterr *err)
{
        if (c->cgroup_path == NULL)
                return rterr_set(err, ENOENT, "container %s has no cgroup: --all needs one", c->id);
        struct cg_host *host = NULL;
        struct cgroup *cg = NULL;
        int r = -1;
        if (cg_host_detect(&host, err) == 0 && cg_open(host, c->cgroup_path, &cg, err) == 0)
                r = cg_kill_all(cg, sig, err);
        cg_free(cg);
        cg_host_free(host);
        return r;
}

static int kill_init(struct container *c, int sig, struct rterr *err)
{
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
        if (pidfd < 0) {
                if (errno == ESRCH)
                        return rterr_set(err, ESRCH, "container %s: container not running", c->id);
                return rterr_errno(err, "kill container %s", c->id);
        }
        /* The pidfd pins the process: check that it is still the init we recorded. */
        container_refresh_status(c);
        if (c->status == OCI_STATUS_STOPPED)
                return rterr_set(err, ESRCH, "container %s: container not running", c->id);
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
                if (errno == ESRCH)
                        return rterr_set(err, ESRCH, "container %s: container not running", c->id);
                return rterr_errno(err, "kill container %s", c->id);
        }
        return 0;
}

int cmd_kill(const struct runtime_ctx *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {0}};
        optind = 0;
        opterr = 0;
        bool all = false;
        int ch;
        while ((ch = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
                if (ch == 'h')
                        return cli_help(usage);
                if (ch == 'a') {
                        all = true;
                        continue;
                }
                return cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
        }
        if (optind >= argc || argc - optind > 2)
                return cli_usage_error(g, argv[0], "expects <container-id> [signal]");
        const char *id = argv[optind];
        const char *signame = optind + 1 < argc ? argv[optind + 1] : "SIGTERM";
        struct rterr err = {0};
        /* Signal 0 checks that the process exists (kill(2)): a liveness probe, as with runc. */
        int sig = strcmp(signame, "0") == 0 ? 0 : oci_signal_from_name(signame);
        if (sig < 0) {
                rterr_set(&err, EINVAL, "unknown signal \"%s\"", signame);
                return log_fail(g, &err);
        }
        struct container *c = NULL;
        if (container_load(g, id, &c, &err) < 0)
                return log_fail(g, &err);
        int rc = 0;
        if (c->status == OCI_STATUS_STOPPED || c->status == OCI_STATUS_CREATING) {
                rterr_set(&err, ESRCH, "container %s: container not running", id);
                rc = log_fail(g, &err);
        } else if ((all ? kill_cgroup(c, sig, &err) : kill_init(c, sig, &err)) < 0) {
                rc = log_fail(g, &err);
        }
        container_free(c);
        return rc;
}
