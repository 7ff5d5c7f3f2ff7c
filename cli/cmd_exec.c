/* `rtrun exec [options] ID CMD [ARGS...]` or `rtrun exec --process FILE ID` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "runtime/runtime.h"
#include "cli/commands.h"

static const char usage[] =
    "Usage: rtrun exec [command options] <container-id> <command> [args...]\n"
    "       rtrun exec [command options] --process process.json <container-id>\n\n"
    "Executes a new process inside the container. The process is the container's own\n"
    "(config.json) changed by the options, or the one in --process.\n\n"
    "Options:\n"
    "   --process, -p FILE        the process as runtime-spec JSON (the options that change\n"
    "                             the process, --env to --process-label and --tty, are\n"
    "                             then ignored, as in runc)\n"
    "   --env, -e KEY=VALUE       set an environment variable (repeatable)\n"
    "   --cwd DIR                 working directory inside the container\n"
    "   --user, -u UID[:GID]      user (and group) to run as\n"
    "   --additional-gids, -g GID add a supplementary group (repeatable)\n"
    "   --cap, -c CAP             add a capability (CAP_NET_ADMIN) to the bounding, effective\n"
    "                             and permitted sets (repeatable)\n"
    "   --no-new-privs[=BOOL]     set (or with =false clear) no_new_privs for the process\n"
    "   --apparmor PROFILE        AppArmor profile (refused where AppArmor is not enabled)\n"
    "   --process-label LABEL     SELinux label (refused where SELinux is not enabled)\n"
    "   --tty, -t                 allocate a pseudo-terminal\n"
    "   --detach, -d              do not wait for the process\n"
    "   --pid-file PATH           write the process pid (no newline) to PATH\n"
    "   --console-socket PATH     unix socket that receives the pty master\n"
    "   --preserve-fds N          pass N additional fds (3..3+N-1) to the process\n"
    "   --cgroup [CTRL[,CTRL]:]PATH\n"
    "                             run the process in an existing sub-cgroup PATH of the\n"
    "                             container's: in every hierarchy, or (repeatable) in those\n"
    "                             of the v1 controllers named (name=X for a named one)\n"
    "   --ignore-paused           exec in a paused container too (the process starts, and\n"
    "                             exec returns, once the container is resumed)\n"
    "   --help, -h                show this help\n";

struct exec_flags {
        const char *process_file;
        bool ignore_paused;
        struct exec_process_flags p;
        struct exec_opts o;
};

enum {
        OPT_CWD = 256,
        OPT_PIDFILE,
        OPT_CONSOLE,
        OPT_PRESERVE,
        OPT_NNP,
        OPT_APPARMOR,
        OPT_LABEL,
        OPT_CGROUP,
        OPT_IGNORE_PAUSED,
};
enum { EXEC_HELP = -2 };

static void flags_free(struct exec_flags *f)
{
        free(f->p.env);
        free(f->p.gids);
        free(f->o.cgroups);
}

/* Go's strconv.ParseBool, which runc's boolean flags take as --flag=VALUE. */
static int parse_bool(const char *s)
{
        static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
        static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (strcmp(s, yes[i]) == 0)
                        return 1;
                if (strcmp(s, no[i]) == 0)
                        return 0;
        }
        return -1;
}

/* runc refuses negative gids and, at set-up, any above 2^31-1. */
static int add_gid(struct exec_process_flags *p, const char *s, struct rterr *err)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || *end || errno)
                return rterr_set(err, EINVAL, "--additional-gids: expected a number, got '%s'", s);
        if (v < 0 || v > INT32_MAX)
                return rterr_set(err, EINVAL,
                                 "--additional-gids: %s is out of range (0 to 2147483647)", s);
        uint32_t *g = realloc(p->gids, (p->n_gids + 1) * sizeof(*g));
        if (g == NULL)
                return rterr_errno(err, "--additional-gids");
        p->gids = g;
        p->gids[p->n_gids++] = (uint32_t)v;
        return 0;
}

static int add_cap(struct exec_process_flags *p, const char *s, struct rterr *err)
{
        int c = oci_cap_from_name(s);
        if (c < 0)
                return rterr_set(err, EINVAL,
                                 "--cap: unknown capability '%s' (expected a name like "
                                 "CAP_NET_ADMIN)",
                                 s);
        p->caps |= 1ULL << c;
        return 0;
}

static int parse_preserve_fds(const char *s, int *n, struct rterr *err)
{
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || *end || errno || v < 0 || v > 65536)
                return rterr_set(err, EINVAL,
                                 "--preserve-fds: expected a count (0 to 65536), got '%s'", s);
        *n = (int)v;
        return 0;
}

/* The fds --preserve-fds passes must be the caller's: open, and not our --log file. Call it
 * before rtrun opens anything else, which would take a free number in that range. */
static int check_preserved(const struct runtime_ctx *g, int n, struct rterr *err)
{
        for (int fd = 3; fd < 3 + n; fd++)
                if (fd == g->log_fd || fcntl(fd, F_GETFD) < 0)
                        return rterr_set(err, EBADF, "--preserve-fds %d: fd %d is not open", n, fd);
        return 0;
}

/* One option that takes a value we check; on error *err says why. */
static int take_value(struct exec_flags *f, int ch, const char *v, struct rterr *err)
{
        switch (ch) {
        case 'g':
                return add_gid(&f->p, v, err);
        case 'c':
                return add_cap(&f->p, v, err);
        case OPT_PRESERVE:
                return parse_preserve_fds(v, &f->o.preserve_fds, err);
        case OPT_NNP:
                if (v == NULL) {
                        f->p.no_new_privs = 1;
                } else if ((f->p.no_new_privs = parse_bool(v)) < 0) {
                        return rterr_set(err, EINVAL,
                                         "--no-new-privs: expected true or false, got '%s'", v);
                }
                return 0;
        }
        return 0;
}

/* Returns the index of the container ID, EXEC_HELP or -1. */

static int parse_flags(const struct runtime_ctx *g, int argc, char **argv, struct exec_flags *f)
{
        static const struct option opts[] = {
            {"process", required_argument, NULL, 'p'},
            {"env", required_argument, NULL, 'e'},
            {"cwd", required_argument, NULL, OPT_CWD},
            {"user", required_argument, NULL, 'u'},
            {"tty", no_argument, NULL, 't'},
            {"detach", no_argument, NULL, 'd'},
            {"pid-file", required_argument, NULL, OPT_PIDFILE},
            {"console-socket", required_argument, NULL, OPT_CONSOLE},
            {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
            {"additional-gids", required_argument, NULL, 'g'},
            {"cap", required_argument, NULL, 'c'},
            {"no-new-privs", optional_argument, NULL, OPT_NNP},
            {"apparmor", required_argument, NULL, OPT_APPARMOR},
            {"process-label", required_argument, NULL, OPT_LABEL},
            {"cgroup", required_argument, NULL, OPT_CGROUP},
            {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+p:e:u:tdhg:c:", opts, NULL)) != -1) {
                switch (ch) {
                case 'p':
                        f->process_file = optarg;
                        break;
                case 'e': {
                        if (strchr(optarg, '=') == NULL) {
                                cli_usage_error(g, argv[0], "--env: expected KEY=VALUE, got '%s'",
                                                optarg);
                                return -1;
                        }
                        char **ne = realloc(f->p.env, (f->p.n_env + 1) * sizeof(*ne));
                        if (ne == NULL)
                                return -1;
                        f->p.env = ne;
                        f->p.env[f->p.n_env++] = optarg;
                        break;
                }
                case OPT_CWD:
                        f->p.cwd = optarg;
                        break;
                case 'u':
                        f->p.user = optarg;
                        break;
                case 't':
                        f->p.tty = true;
                        break;
                case OPT_APPARMOR:
                        f->p.apparmor = optarg;
                        break;
                case OPT_LABEL:
                        f->p.process_label = optarg;
                        break;
                case 'g':
                case 'c':
                case OPT_PRESERVE:
                case OPT_NNP: {
                        struct rterr err = {0};
                        if (take_value(f, ch, optarg, &err) < 0) {
                                cli_usage_error(g, argv[0], "%s", err.msg);
                                return -1;
                        }
                        break;
                }
                case OPT_CGROUP: {
                        char **nc = realloc(f->o.cgroups, (f->o.n_cgroups + 1) * sizeof(*nc));
                        if (nc == NULL)
                                return -1;
                        f->o.cgroups = nc;
                        f->o.cgroups[f->o.n_cgroups++] = optarg;
                        break;
                }
                case OPT_IGNORE_PAUSED:
                        f->ignore_paused = true;
                        break;
                case 'd':
                        f->o.detach = true;
                        break;
                case OPT_PIDFILE:
                        f->o.pid_file = optarg;
                        break;
                case OPT_CONSOLE:
                        f->o.console_socket = optarg;
                        break;
                case 'h':
                        cli_help(usage);
                        return EXEC_HELP;
                default:
                        cli_usage_error(g, argv[0], "unknown option %s", argv[optind - 1]);
                        return -1;
                }
        }
        return optind;
}

/* Hands the reservation from us to the exec'd process. A short process may have exited (a
 * zombie we have not reaped) before the ledger sees it: that is a finished process, not a
 * failure; its reservation goes and the exit status is collected as usual. */
static int bind_exec(const struct runtime_ctx *g, const char *aid, pid_t pid, struct rterr *err)
{
        if (admission_bind(g, aid, pid, err) == 0)
                return 0;
        siginfo_t si = {0};
        bool exited = err->code == ESRCH &&
                      waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                      si.si_pid == pid;
        admission_release(g, aid, NULL);
        if (!exited)
                return -1;
        rterr_clear(err);
        return 0;
}

#define EXEC_RUNTIME_FAILURE 255

static int run_exec(const struct runtime_ctx *g, struct exec_flags *f, const char *id, int argc,
                    char **argv, struct rterr *err)
{
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        struct oci_process *from_file = NULL;
        int rc = -1;
        log_msg(g, LOG_DEBUG, "exec: container %s", id);
        if (container_load(g, id, &c, err) < 0 || container_load_spec(c, &spec, err) < 0)
                goto out;
        log_msg(g, LOG_DEBUG, "exec: container %s is %s (init pid %d)", id,
                oci_status_name(c->status), (int)c->pid);
        bool paused = c->status == OCI_STATUS_PAUSED;
        if (paused && !f->ignore_paused) {
                rterr_set(err, EBUSY,
                          "cannot exec in a paused container (use --ignore-paused to override)");
                goto out;
        }
        if (c->status != OCI_STATUS_RUNNING && c->status != OCI_STATUS_CREATED && !paused) {
                rterr_set(err, ESRCH, "cannot exec in a %s container: container not running",
                          oci_status_name(c->status));
                goto out;
        }
        if (f->process_file) {
                _cleanup_free_ char *text = NULL;
                size_t len;
                if (read_file_at(AT_FDCWD, f->process_file, &text, &len, err) < 0 ||
                    oci_process_parse(text, len, f->process_file, &from_file, err) < 0)
                        goto out;
        } else if (exec_process_from_flags(&spec->process, &f->p, argc, argv, err) < 0) {
                goto out;
        }
        struct oci_process *p = from_file ? from_file : &spec->process;
        if (exec_process_check(p, err) < 0)
                goto out;
        char aid[1100];
        bool admitted = false;
        if (admission_reserve_exec(g, c->id, spec, p, aid, sizeof(aid), &admitted, err) < 0)
                goto out;
        sigset_t all;
        if (!f->o.detach)
                forward_block_signals(&all);
        /* In a paused container the new process freezes as it joins the cgroup, and we wait for
         * it as runc does: `resume` must be able to take the lock meanwhile. */
        if (paused)
                flock(c->lock_fd, LOCK_UN);
        pid_t pid;
        int master;
        if (exec_spawn(c, spec, p, &f->o, &pid, &master, err) < 0) {
                if (admitted)
                        admission_release(g, aid, NULL);
                goto out;
        }
        log_msg(g, LOG_DEBUG, "exec: container %s: %s started (pid %d)%s", c->id, p->args.v[0],
                (int)pid, f->o.detach ? ", detached" : "");
        if (admitted && bind_exec(g, aid, pid, err) < 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                goto out;
        }
        if (f->o.pid_file && pid_file_write(f->o.pid_file, pid, err) < 0)
                goto out;
        flock(c->lock_fd, LOCK_UN);
        rc = f->o.detach ? 0 : forward_until_exit(g, pid, &all, master);
        if (!f->o.detach)
                log_msg(g, LOG_DEBUG, "exec: container %s: pid %d exited with %d", c->id, (int)pid,
                        rc);
        /* Reaped: its reservation goes now, not at the next decision that notices. */
        if (admitted && !f->o.detach)
                admission_release(g, aid, NULL);
        if (master >= 0)
                close(master);
out:
        if (from_file)
                oci_process_free(from_file);
        oci_spec_free(spec);
        container_free(c);
        return rc;
}

int cmd_exec(const struct runtime_ctx *g, int argc, char **argv)
{
        struct exec_flags f = {.p.no_new_privs = -1};
        int idx = parse_flags(g, argc, argv, &f);
        if (idx < 0) {
                flags_free(&f);
                return idx == EXEC_HELP ? 0 : 1;
        }
        if (idx >= argc) {
                flags_free(&f);
                return cli_usage_error(g, argv[0], "requires the container ID");
        }
        struct rterr err = {0};
        /* As runc: a failure of rtrun's own exits 255, never to be taken for the process's
         * exit status. */
        if (check_preserved(g, f.o.preserve_fds, &err) < 0) {
                flags_free(&f);
                log_fail(g, &err);
                return EXEC_RUNTIME_FAILURE;
        }
        int rc = run_exec(g, &f, argv[idx], argc - idx - 1, argv + idx + 1, &err);
        flags_free(&f);
        if (rc < 0) {
                log_fail(g, &err);
                return EXEC_RUNTIME_FAILURE;
        }
        return rc;
}
