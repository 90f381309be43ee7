/* death.h — run a function in a child process and capture how it died.
 *
 * For misuse and deadlock tests: the runtime must stop the program with a
 * Go-style message, so the test runs the offending code in a fork, collects
 * its stderr, and asserts on the text and on the exit status.
 */
#ifndef TESTS_DEATH_H
#define TESTS_DEATH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct death {
    char err[16384];   /* the child's stderr, NUL-terminated (truncated) */
    int status;        /* waitpid status */
} death;

/* Runs fn() in a child; the child exits 0 if fn returns. */
static inline void death_run(void (*fn)(void), death *d)
{
    int fds[2];
    if (pipe(fds) != 0)
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        close(fds[1]);
        fn();
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t r;
    char scratch[4096];
    for (;;) {
        size_t room = sizeof d->err - 1 - len;
        r = room ? read(fds[0], d->err + len, room) : read(fds[0], scratch, sizeof scratch);
        if (r <= 0)
            break;
        if (room)
            len += (size_t)r;
    }
    d->err[len] = '\0';
    close(fds[0]);
    while (waitpid(pid, &d->status, 0) < 0)
        ;
}

static inline int death_exit_code(const death *d)
{
    return WIFEXITED(d->status) ? WEXITSTATUS(d->status) : -1;
}

static inline int death_signal(const death *d)
{
    return WIFSIGNALED(d->status) ? WTERMSIG(d->status) : 0;
}

#endif
