/* sigquit.c — SIGQUIT prints every goroutine to stderr and exits with
 * status 2, as in Go:
 *
 *     SIGQUIT: quit
 *
 *     goroutine 1 [chan receive]:
 *     	app() at /abs/path/prog.c:50
 *     ...
 *
 * go_run_main installs the handler unless the program installed its own
 * (a handler function is left alone, for programs embedding the runtime),
 * and puts the previous action back when it returns; outside a run SIGQUIT
 * does what it did before.  An inherited SIG_IGN is overridden, as Go does:
 * shells start background jobs with SIGQUIT ignored.
 *
 * Signal safety: the handler only write(2)s a byte to the diagnostics
 * thread's pipe (async-signal-safe, the pipe is non-blocking), so it cannot
 * deadlock whatever lock the interrupted thread holds.  The diagnostics
 * thread, an ordinary thread, then freezes the world (freeze.c: goroutines
 * that are not running keep still while their frames are read), prints,
 * flushes stdout and stderr, and leaves with _exit(2): exit() would run
 * atexit handlers and destructors under goroutines still running on other
 * Ms (Go's exit does not run them either).
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "diag.h"

static struct sigaction saved;   /* the action before go__sigquit_install */
static bool installed;

static void on_sigquit(int sig)
{
    (void)sig;
    int saved_errno = errno;
    go__diag_notify('q');
    errno = saved_errno;
}

void go__sigquit_install(void)
{
    struct sigaction old;
    if (sigaction(SIGQUIT, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
        (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN))
        return;
    struct sigaction sa = { .sa_handler = on_sigquit, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    installed = sigaction(SIGQUIT, &sa, &saved) == 0;
}

void go__sigquit_restore(void)
{
    if (installed)
        sigaction(SIGQUIT, &saved, NULL);
    installed = false;
}

void go__sigquit_dump(void)
{
    go__world_freeze(GO_FREEZE_WAIT_NS);
    flockfile(stderr);
    fputs("SIGQUIT: quit\n\n", stderr);
    go__dump_all(stderr);
    funlockfile(stderr);
    fflush(stdout);
    fflush(stderr);
    _exit(2);
}
