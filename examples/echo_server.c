/* echo_server — a TCP echo server on loopback, one goroutine per connection
 * (Go's net.Listen + Accept loop + `go handle(conn)`).
 *
 *     echo_server PORT [MAX_CONNS]
 *
 * Listens on 127.0.0.1:PORT (0: a port the kernel picks) and prints
 * "listening on PORT" (flushed, so a test can read it from a pipe).  The
 * accept loop spawns serve(fd) for each connection; serve reads into its
 * buffer and writes every byte back until the peer's EOF (or an error),
 * then closes the fd.  go_read and go_write wait in the netpoller, so a
 * goroutine waiting for a slow peer costs its frame (4,224 bytes: the
 * 4 KiB buffer, the loop's state, write_all's frame inline) and no thread.
 *
 * With MAX_CONNS > 0 the server stops accepting after that many
 * connections, closes the listener, waits (a WaitGroup) until each
 * connection's goroutine has returned, prints
 *     served N connections, B bytes echoed
 * and exits 0; a test uses it to check the total and a clean shutdown.
 * Without it (or 0) it serves until killed.
 *
 * Like a Go program (Go 1.19 does it at start-up), it raises its soft limit
 * of open files to the hard limit: one fd per connection.
 */
#include <gosched.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF_SIZE = 4096, BACKLOG = 4096 };

static _Atomic int64_t bytes_echoed;

/* Writes all n bytes of buf; false on an error (the peer reset, ...). */
GO_FUNC static bool write_all(int fd, const char *buf, ssize_t n) {
    while (n > 0) {
        ssize_t w = go_write(fd, buf, (size_t)n);
        if (w < 0)
            return false;
        buf += w;
        n -= w;
    }
    return true;
}

GO_FUNC static void serve(int fd, go_wg *conns) {
    char buf[BUF_SIZE];
    int64_t echoed = 0;
    for (;;) {
        ssize_t n = go_read(fd, buf, sizeof buf);
        if (n <= 0)                       /* 0: EOF; -1: reset or other error */
            break;
        if (!write_all(fd, buf, n))
            break;
        echoed += n;
    }
    go_fd_close(fd);
    atomic_fetch_add(&bytes_echoed, echoed);
    go_wg_done(conns);
}

/* A non-blocking socket listening on 127.0.0.1:port, or -1 (errno set). */
static int listen_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, BACKLOG) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* The port a bound socket listens on. */
static int local_port(int fd) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return -1;
    return ntohs(addr.sin_port);
}

static void raise_open_files_limit(void) {
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

GO_FUNC static int app(int port, long max_conns) {
    static go_wg conns = GO_WG_INIT;
    int lfd = listen_loopback(port);
    if (lfd < 0) {
        perror("echo_server: listen");
        return 1;
    }
    printf("listening on %d\n", local_port(lfd));
    fflush(stdout);

    long accepted = 0;
    while (max_conns == 0 || accepted < max_conns) {
        int fd = go_accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {   /* out of fds: wait for closes */
                go_sleep(10 * GO_MILLISECOND);
                continue;
            }
            perror("echo_server: accept");
            return 1;
        }
        accepted++;
        go_wg_add(&conns, 1);
        go(serve(fd, &conns));
    }
    go_fd_close(lfd);
    go_wg_wait(&conns);
    printf("served %ld connections, %lld bytes echoed\n", accepted,
           (long long)atomic_load(&bytes_echoed));
    return 0;
}

int main(int argc, char **argv) {
    char *end = NULL;
    long port = argc > 1 ? strtol(argv[1], &end, 10) : -1;
    long max_conns = 0;
    if (argc > 2)
        max_conns = strtol(argv[2], &end, 10);
    if (argc < 2 || argc > 3 || *end != '\0' || port < 0 || port > 65535 || max_conns < 0) {
        fprintf(stderr, "usage: %s PORT [MAX_CONNS]\n", argv[0]);
        return 2;
    }
    raise_open_files_limit();
    return go_main(app((int)port, max_conns));
}
