/* `rtrun exec [options] ID CMD [ARGS...]` or `rtrun exec --process FILE ID` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "runtime/commands.h"
#include "runtime/exec.h"
#include "runtime/forward.h"
#include "runtime/log.h"

static const char usage[] =
    "Usage: rtrun exec [command options] <container-id> <command> [args...]\n"
    "       rtrun exec [command options] --process process.json <container-id>\n\n"
    "Executes a new process inside the container.\n\n"
    "Options:\n"
    "   --process, -p FILE      the process as runtime-spec JSON (other process flags ignored)\n"
    "   --env, -e KEY=VALUE     set an environment variable (repeatable)\n"
    "   --cwd DIR               working directory inside the container\n"
    "   --user, -u UID[:GID]    user (and group) to run as\n"
    "   --tty, -t               allocate a pseudo-terminal\n"
    "   --detach, -d            do not wait for the process\n"
    "   --pid-file PATH         write the process pid (no newline) to PATH\n"
    "   --console-socket PATH   unix socket that receives the pty master\n"
    "   --preserve-fds N        pass N additional fds (3..3+N-1) to the process\n";

struct exec_flags {
        const char *process_file;
        const char *cwd;
        const char *user;
        char **env;
        size_t n_env;
        bool tty;
        struct exec_opts o;
};

enum { OPT_CWD = 256, OPT_PIDFILE, OPT_CONSOLE, OPT_PRESERVE };
enum { EXEC_HELP = -2 };

/* Returns the index of the container ID, EXEC_HELP or -1. */

static int parse_flags(const struct cli_globals *g, int argc, char **argv, struct exec_flags *f)
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
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        optind = 0;
        opterr = 0;
        int ch;
        while ((ch = getopt_long(argc, argv, "+p:e:u:tdh", opts, NULL)) != -1) {
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
                        char **ne = realloc(f->env, (f->n_env + 1) * sizeof(*ne));
                        if (ne == NULL)
                                return -1;
                        f->env = ne;
                        f->env[f->n_env++] = optarg;
                        break;
                }
                case OPT_CWD:
                        f->cwd = optarg;
                        break;
                case 'u':
                        f->user = optarg;
                        break;
                case 't':
                        f->tty = true;
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
                case OPT_PRESERVE:
                        f->o.preserve_fds = atoi(optarg);
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

static void strv_free(struct oci_strv *v)
{
        for (size_t i = 0; i < v->n; i++)
                free(v->v[i]);
        free(v->v);
        v->v = NULL;
        v->n = 0;
}

static int strv_set(struct oci_strv *v, char **src, size_t n)
{
        strv_free(v);
        v->v = calloc(n + 1, sizeof(char *));
        if (v->v == NULL)
                return -1;
        for (size_t i = 0; i < n; i++) {
                v->v[i] = strdup(src[i]);
                if (v->v[i] == NULL)
                        return -1;
                v->n++;
        }
        return 0;
}

/* Sets KEY=VALUE in env, replacing an existing KEY. */
static int env_put(struct oci_strv *env, const char *kv)
{
        size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
        char *copy = strdup(kv);
        if (copy == NULL)
                return -1;
        for (size_t i = 0; i < env->n; i++)
                if (strncmp(env->v[i], kv, klen) == 0) {
                        free(env->v[i]);
                        env->v[i] = copy;
                        return 0;
                }
        char **nv = realloc(env->v, (env->n + 2) * sizeof(char *));
        if (nv == NULL) {
                free(copy);
                return -1;
        }
        env->v = nv;
        env->v[env->n++] = copy;
        env->v[env->n] = NULL;
        return 0;
}

static int parse_user(const char *s, struct oci_user *u, struct rterr *err)
{
        char *end;
        unsigned long uid = strtoul(s, &end, 10);
        if (end == s || (*end && *end != ':'))
                return rterr_set(err, EINVAL, "--user: expected UID[:GID], got '%s'", s);
        u->uid = (uint32_t)uid;
        if (*end == ':') {
                const char *gs = end + 1;
                unsigned long gid = strtoul(gs, &end, 10);
                if (end == gs || *end)
                        return rterr_set(err, EINVAL, "--user: expected UID[:GID], got '%s'", s);
                u->gid = (uint32_t)gid;
        }
        free(u->additional_gids);
        u->additional_gids = NULL;
        u->n_additional_gids = 0;
        return 0;
}

/* The process from the container's own (runc's rule), changed by the command line. */
static int process_from_flags(struct oci_spec *spec, const struct exec_flags *f, int argc,
                              char **argv, struct rterr *err)
{
        struct oci_process *p = &spec->process;
        if (argc == 0)
                return rterr_set(err, EINVAL, "exec: a command (or --process FILE) is required");
        if (strv_set(&p->args, argv, (size_t)argc) < 0)
                return rterr_errno(err, "exec");
        for (size_t i = 0; i < f->n_env; i++)
                if (env_put(&p->env, f->env[i]) < 0)
                        return rterr_errno(err, "exec");
        if (f->cwd) {
                free(p->cwd);
                p->cwd = strdup(f->cwd);
        }
        if (f->user && parse_user(f->user, &p->user, err) < 0)
                return -1;
        p->terminal = f->tty;
        return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct rterr *err)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
        if (write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, 0644, err) < 0)
                return rterr_wrap(err, "--pid-file");
        return 0;
}

static int run_exec(const struct cli_globals *g, struct exec_flags *f, const char *id, int argc,
                    char **argv, struct rterr *err)
{
        struct container *c = NULL;
        struct oci_spec *spec = NULL;
        struct oci_process *from_file = NULL;
        int rc = -1;
        if (container_load(g, id, &c, err) < 0 || container_load_spec(c, &spec, err) < 0)
                goto out;
        if (c->status != OCI_STATUS_RUNNING && c->status != OCI_STATUS_CREATED) {
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
        } else if (process_from_flags(spec, f, argc, argv, err) < 0) {
                goto out;
        }
        const struct oci_process *p = from_file ? from_file : &spec->process;
        sigset_t all;
        if (!f->o.detach)
                forward_block_signals(&all);
        pid_t pid;
        int master;
        if (exec_spawn(c, spec, p, &f->o, &pid, &master, err) < 0)
                goto out;
        if (f->o.pid_file && write_pid_file(f->o.pid_file, pid, err) < 0)
                goto out;
        flock(c->lock_fd, LOCK_UN);
        rc = f->o.detach ? 0 : forward_until_exit(g, pid, &all, master);
        if (master >= 0)
                close(master);
out:
        if (from_file)
                oci_process_free(from_file);
        oci_spec_free(spec);
        container_free(c);
        return rc;
}

int cmd_exec(const struct cli_globals *g, int argc, char **argv)
{
        struct exec_flags f = {0};
        int idx = parse_flags(g, argc, argv, &f);
        if (idx < 0) {
                free(f.env);
                return idx == EXEC_HELP ? 0 : 1;
        }
        if (idx >= argc) {
                free(f.env);
                return cli_usage_error(g, argv[0], "requires the container ID");
        }
        struct rterr err = {0};
        int rc = run_exec(g, &f, argv[idx], argc - idx - 1, argv + idx + 1, &err);
        free(f.env);
        return rc < 0 ? log_fail(g, &err) : rc;
}
