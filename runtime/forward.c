/* Signal forwarding and the pty proxy for foreground containers. */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/forward.h"
#include "runtime/log.h"

void forward_block_signals(sigset_t *all)
{
        sigfillset(all);
        sigprocmask(SIG_BLOCK, all, NULL);
}

static int exit_code(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

static int copy_once(int from, int to)
{
        char buf[8192];
        ssize_t r = read(from, buf, sizeof(buf));
        if (r <= 0)
                return -1;
        for (ssize_t off = 0; off < r;) {
                ssize_t w = write(to, buf + off, (size_t)(r - off));
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                off += w;
        }
        return 0;
}

/* Reaps children; returns true with *code once pid is gone. */
static bool reap(pid_t pid, int *code)
{
        int status;
        pid_t w;
        bool done = false;
        while ((w = waitpid(-1, &status, WNOHANG)) > 0)
                if (w == pid) {
                        *code = exit_code(status);
                        done = true;
                }
        return done;
}

/* Copies what is left in the master after the process exited. */
static void drain(int master)
{
        struct pollfd p = {.fd = master, .events = POLLIN};
        while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_once(master, STDOUT_FILENO) == 0)
                ;
}

int forward_until_exit(const struct runtime_ctx *g, pid_t pid, const sigset_t *all, int master)
{
        int sfd = signalfd(-1, all, SFD_CLOEXEC);
        if (sfd < 0)
                log_msg(g, LOG_WARN, "signalfd: %m: signals are not forwarded");
        struct termios saved;
        bool raw = master >= 0 && tcgetattr(STDIN_FILENO, &saved) == 0;
        if (raw) {
                struct termios t = saved;
                cfmakeraw(&t);
                tcsetattr(STDIN_FILENO, TCSANOW, &t);
                struct winsize ws;
                if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                        ioctl(master, TIOCSWINSZ, &ws);
        }
        struct pollfd fds[3] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = master >= 0 ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = master, .events = POLLIN},
        };
        int code = 255;
        for (;;) {
                if (reap(pid, &code))
                        break;
                int r = poll(fds, 3, sfd < 0 ? 100 : -1);
                if (r < 0 && errno != EINTR)
                        break;
                if (r <= 0)
                        continue;
                if (fds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
                                if (si.ssi_signo == SIGWINCH && master >= 0) {
                                        struct winsize ws;
                                        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                                                ioctl(master, TIOCSWINSZ, &ws);
                                }
                                kill(pid, (int)si.ssi_signo);
                        }
                }
                if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
                    copy_once(STDIN_FILENO, master) < 0)
                        fds[1].fd = -1;
                if (fds[2].revents & POLLIN) {
                        if (copy_once(master, STDOUT_FILENO) < 0)
                                fds[2].fd = -1;
                } else if (fds[2].revents & (POLLHUP | POLLERR)) {
                        fds[2].fd = -1;
                }
        }
        if (master >= 0)
                drain(master);
        if (raw)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (sfd >= 0)
                close(sfd);
        return code;
}
