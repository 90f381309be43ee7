/* echo_load — load test and benchmark client for an echo server on loopback
 * (examples/echo_server.c, or its Go twin bench/echo/server.go).
 *
 *     echo_load [-n CONNS] [-w WINDOW] [-r ROUNDS | -d SECONDS] [-m BYTES]
 *               [-t LIMIT_S] SERVER [SERVER_ARGS...]
 *
 * Starts `SERVER [SERVER_ARGS...] 0 CONNS` (port 0, stop after CONNS
 * connections), reads "listening on PORT" from its stdout, then, in one
 * epoll loop on one thread (plain C: no libsched, so the client cannot
 * share a bug with the server):
 *   1. open: connects CONNS sockets, at most WINDOW connecting or echoing
 *      at a time (so the server's accept queue never overflows); each sends
 *      its own payload (1 to 16 KiB of bytes drawn from its index, lengths
 *      around the server's 4 KiB buffer included) and checks every byte of
 *      the echo.  Every socket stays open: at the end CONNS connections are
 *      open at once, each with a goroutine parked in the server;
 *   2. measures the server's VmRSS (/proc/PID/status) at that moment;
 *   3. traffic, all connections at once: ROUNDS round trips of a BYTES-byte
 *      message on each (a count: the test), or as many as SECONDS allow
 *      (requests/s: the benchmark); each message is distinct and checked;
 *   4. close: shutdown(SHUT_WR) on each, expects EOF with no extra byte,
 *      closes;
 *   5. waits for the server to exit 0 after printing "served CONNS
 *      connections, B bytes echoed" with B the bytes the client sent.
 * Prints one result line
 *     echo_load conns=N bytes=B server_rss_kib=K rounds=R msg=M rps=X
 *               traffic_ms=T server_cpu_ms=S client_cpu_ms=C ok
 * (rps: round trips per second of phase 3; T its length; S and C the CPU
 * time, user + system, the server and the client used during it)
 * and exits 0; on any failure it names the phase and the connection, kills
 * the server and exits 1; when the hard limit of open files is below what
 * CONNS needs, it prints "SKIP: ..." and exits 77 (CTest's skip code).
 * Everything stops after LIMIT_S seconds (default 120).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_PAYLOAD = 16384, SCRATCH = 65536, EVENTS = 256, SKIP_CODE = 77 };

struct conn {
    int fd;
    uint32_t id;
    uint64_t seed;       /* bytes of the current message */
    uint32_t len;        /* length of the current message */
    uint32_t sent, received;
    uint64_t rounds;     /* round trips done in the traffic phase */
    bool busy;           /* a message is in flight (open and traffic phases) */
    bool writing;        /* EPOLLOUT is armed: the message is not all written */
};

static struct {
    int n, window, msg_size;
    long rounds;
    double seconds;
    int64_t deadline;            /* ns, CLOCK_MONOTONIC: the whole run's limit */
    pid_t server;
    int server_out;              /* read end of the server's stdout */
    int epfd;
    struct conn *conns;
    uint64_t bytes_sent;
    const char *phase;
    int phase_done;              /* connections through the current phase */
    uint8_t scratch[SCRATCH];
} L = { .n = 1000, .window = 512, .msg_size = 64, .phase = "start" };

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "echo_load: %s: ", L.phase);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (L.server > 0)
        kill(L.server, SIGKILL);
    exit(1);
}

static int remaining_ms(void) {
    int64_t left = L.deadline - now_ns();
    if (left <= 0)
        fail("time limit reached, %d of %d connections through this phase", L.phase_done, L.n);
    return (int)((left + 999999) / 1000000);
}

/* ---- payloads: bytes drawn from a seed, regenerated to check the echo ---- */

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Bytes [off, off + n) of the message drawn from seed. */
static void message_bytes(uint64_t seed, uint64_t off, uint8_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++, off++)
        dst[i] = (uint8_t)(splitmix64(seed + off / 8) >> (off % 8 * 8));
}

/* Payload of the open phase: lengths 4096, 1, 4097, then 1..16384. */
static void start_payload(struct conn *c) {
    static const uint32_t edges[] = { 4096, 1, 4097 };
    uint64_t h = splitmix64(c->id ^ 0x5eed0000u);
    c->seed = h;
    c->len = c->id < 3 ? edges[c->id] : (uint32_t)(1 + h % MAX_PAYLOAD);
    c->sent = c->received = 0;
    c->busy = true;
}

static void start_round(struct conn *c) {
    c->seed = splitmix64((uint64_t)c->id << 32 ^ c->rounds ^ 0xa11ce000000000u);
    c->len = (uint32_t)L.msg_size;
    c->sent = c->received = 0;
    c->busy = true;
}

/* ---- the epoll set: each fd is registered once; events change by MOD ---- */

static void arm(struct conn *c, uint32_t events) {
    struct epoll_event ev = { .events = events, .data.u32 = c->id };
    if (epoll_ctl(L.epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        fail("epoll_ctl conn %u: %s", c->id, strerror(errno));
}

/* Writes what the socket takes of c's message; arms EPOLLOUT for the rest. */
static void send_some(struct conn *c) {
    while (c->sent < c->len) {
        size_t n = c->len - c->sent;
        if (n > SCRATCH)
            n = SCRATCH;
        message_bytes(c->seed, c->sent, L.scratch, n);
        ssize_t w = send(c->fd, L.scratch, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail("conn %u: send: %s", c->id, strerror(errno));
        }
        c->sent += (uint32_t)w;
        L.bytes_sent += (uint64_t)w;
    }
    bool writing = c->sent < c->len;
    if (writing != c->writing) {
        c->writing = writing;
        arm(c, EPOLLIN | (writing ? EPOLLOUT : 0));
    }
}

/* Reads what arrived and checks it; true when c's whole message is back. */
static bool receive_some(struct conn *c) {
    uint8_t buf[SCRATCH];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return false;
            fail("conn %u: recv: %s (%u of %u bytes back)", c->id, strerror(errno), c->received,
                 c->len);
        }
        if (r == 0)
            fail("conn %u: EOF after %u of %u bytes", c->id, c->received, c->len);
        if ((size_t)r > c->sent - c->received)
            fail("conn %u: %zd bytes back, only %u sent and not yet echoed", c->id, r,
                 c->sent - c->received);
        message_bytes(c->seed, c->received, L.scratch, (size_t)r);
        if (memcmp(buf, L.scratch, (size_t)r) != 0) {
            size_t i = 0;
            while (buf[i] == L.scratch[i])
                i++;
            fail("conn %u: byte %zu of %u is %u, sent %u", c->id, c->received + i, c->len, buf[i],
                 L.scratch[i]);
        }
        c->received += (uint32_t)r;
        if (c->received == c->len) {
            c->busy = false;
            return true;
        }
    }
}

/* ---- the server process ---------------------------------------------------- */

static void start_server(char **argv) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        fail("pipe: %s", strerror(errno));
    pid_t parent = getpid();
    L.server = fork();
    if (L.server < 0)
        fail("fork: %s", strerror(errno));
    if (L.server == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive the test */
        if (getppid() != parent)
            _exit(127);
        dup2(out[1], STDOUT_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "echo_load: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out[1]);
    L.server_out = out[0];
}

/* One line of the server's stdout (without '\n'); NULL at EOF. */
static char *server_line(char *line, size_t size) {
    size_t len = 0;
    while (len + 1 < size) {
        struct pollfd p = { .fd = L.server_out, .events = POLLIN };
        int r = poll(&p, 1, remaining_ms());
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fail("poll: %s", strerror(errno));
        if (r == 0)
            continue;   /* remaining_ms() fails at the deadline */
        ssize_t got = read(L.server_out, line + len, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (line[len] == '\n') {
            line[len] = '\0';
            return line;
        }
        len++;
    }
    if (len == 0)
        return NULL;
    line[len] = '\0';
    return line;
}

static long server_rss_kib(void) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)L.server);
    FILE *f = fopen(path, "r");
    if (!f)
        fail("cannot read %s: %s", path, strerror(errno));
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    if (kib < 0)
        fail("no VmRSS in %s", path);
    return kib;
}

/* CPU time (user + system) the server has used so far, in ms. */
static double server_cpu_ms(void) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)L.server);
    FILE *f = fopen(path, "r");
    if (!f)
        fail("cannot read %s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* fields after "(comm)": state is field 3, utime 14, stime 15 */
    char *p = strrchr(buf, ')');
    unsigned long long utime, stime;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
                     &stime) != 2)
        fail("cannot parse %s", path);
    return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void wait_server(void) {
    int status;
    for (;;) {
        pid_t r = waitpid(L.server, &status, WNOHANG);
        if (r == L.server)
            break;
        if (r < 0)
            fail("waitpid: %s", strerror(errno));
        remaining_ms();
        usleep(1000);
    }
    L.server = 0;
    if (WIFSIGNALED(status))
        fail("server killed by signal %d", WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail("server exited with %d", WEXITSTATUS(status));
}

/* ---- phases ------------------------------------------------------------------ */

static void open_socket(struct conn *c, const struct sockaddr_in *addr) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        fail("conn %u: socket: %s", c->id, strerror(errno));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (const struct sockaddr *)addr, sizeof *addr) < 0 && errno != EINPROGRESS)
        fail("conn %u: connect: %s", c->id, strerror(errno));
    /* writable once connected: the payload goes out then */
    c->writing = true;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = c->id };
    if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
        fail("conn %u: epoll_ctl: %s", c->id, strerror(errno));
    start_payload(c);
}

static void check_socket_error(struct conn *c) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err)
        fail("conn %u: %s (%u of %u bytes back)", c->id, strerror(err), c->received, c->len);
}

/* Phase 1: every connection opened and its payload echoed, WINDOW at a time. */
static void open_all(int port) {
    L.phase = "open";
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int opened = 0, done = 0;
    struct epoll_event evs[EVENTS];
    while (done < L.n) {
        while (opened < L.n && opened - done < L.window)
            open_socket(&L.conns[opened++], &addr);
        int k = epoll_wait(L.epfd, evs, EVENTS, remaining_ms());
        if (k < 0 && errno != EINTR)
            fail("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < k; i++) {
            struct conn *c = &L.conns[evs[i].data.u32];
            if (evs[i].events & EPOLLERR)
                check_socket_error(c);
            if (!c->busy)   /* echoed, EPOLLIN only: a stray byte or an early EOF */
                fail("conn %u: woken after its echo (events %#x)", c->id, evs[i].events);
            if (evs[i].events & EPOLLOUT)
                send_some(c);
            if ((evs[i].events & (EPOLLIN | EPOLLHUP)) && receive_some(c))
                L.phase_done = ++done;
        }
    }
}

/* Phase 3: round trips on every connection at once, for L.rounds each or
 * until L.seconds have passed; returns the round trips completed per second
 * of the phase (rounds counted up to the end of the time, if timed). */
static double traffic(void) {
    L.phase = "traffic";
    L.phase_done = 0;
    int64_t start = now_ns();
    int64_t stop = L.seconds > 0 ? start + (int64_t)(L.seconds * 1e9) : INT64_MAX;
    int active = 0;
    uint64_t completed = 0, completed_in_time = 0;
    for (int i = 0; i < L.n; i++)
        if (L.rounds > 0 || L.seconds > 0) {
            start_round(&L.conns[i]);
            send_some(&L.conns[i]);
            active++;
        }
    struct epoll_event evs[EVENTS];
    bool timed_out = false;
    int64_t end = start;
    while (active > 0) {
        int k = epoll_wait(L.epfd, evs, EVENTS, remaining_ms());
        if (k < 0 && errno != EINTR)
            fail("epoll_wait: %s", strerror(errno));
        int64_t now = now_ns();
        if (now >= stop)
            timed_out = true;
        for (int i = 0; i < k; i++) {
            struct conn *c = &L.conns[evs[i].data.u32];
            if (evs[i].events & EPOLLERR)
                check_socket_error(c);
            if (!c->busy)
                fail("conn %u: woken with no message in flight (events %#x)", c->id,
                     evs[i].events);
            if (evs[i].events & EPOLLOUT)
                send_some(c);
            if (!(evs[i].events & (EPOLLIN | EPOLLHUP)) || !receive_some(c))
                continue;
            c->rounds++;
            completed++;
            if (!timed_out)
                completed_in_time++;
            if (timed_out || (L.rounds > 0 && (long)c->rounds == L.rounds)) {
                active--;
                L.phase_done++;
                continue;
            }
            start_round(c);
            send_some(c);
        }
        end = now;
    }
    if (L.seconds > 0)
        return (double)completed_in_time / L.seconds;
    return end > start ? (double)completed * 1e9 / (double)(end - start) : 0;
}

/* Phase 4: half-close each connection, expect the server's EOF, close. */
static void close_all(void) {
    L.phase = "close";
    L.phase_done = 0;
    for (int i = 0; i < L.n; i++) {
        if (shutdown(L.conns[i].fd, SHUT_WR) < 0)
            fail("conn %d: shutdown: %s", i, strerror(errno));
    }
    int open = L.n;
    struct epoll_event evs[EVENTS];
    while (open > 0) {
        int k = epoll_wait(L.epfd, evs, EVENTS, remaining_ms());
        if (k < 0 && errno != EINTR)
            fail("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < k; i++) {
            struct conn *c = &L.conns[evs[i].data.u32];
            uint8_t b;
            ssize_t r = recv(c->fd, &b, 1, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                continue;
            if (r < 0)
                fail("conn %u: recv: %s", c->id, strerror(errno));
            if (r > 0)
                fail("conn %u: a byte after every echo", c->id);
            close(c->fd);   /* also leaves the epoll set */
            c->fd = -1;
            open--;
            L.phase_done++;
        }
    }
}

/* ---- main ----------------------------------------------------------------------- */

static long arg_long(const char *s, long min, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < min) {
        fprintf(stderr, "echo_load: bad %s: %s\n", what, s);
        exit(2);
    }
    return v;
}

/* Raises the soft limit of open files to the hard limit if n connections
 * need more; false if the hard limit is too low. */
static bool fds_for(int n, struct rlimit *lim) {
    if (getrlimit(RLIMIT_NOFILE, lim) < 0)
        return false;
    rlim_t need = (rlim_t)n + 64;
    if (lim->rlim_max != RLIM_INFINITY && lim->rlim_max < need)
        return false;
    if (lim->rlim_cur < need) {
        lim->rlim_cur = lim->rlim_max == RLIM_INFINITY ? need : lim->rlim_max;
        if (setrlimit(RLIMIT_NOFILE, lim) < 0)
            return false;
    }
    return true;
}

int main(int argc, char **argv) {
    int opt;
    long limit_s = 120;
    while ((opt = getopt(argc, argv, "+n:w:r:d:m:t:")) != -1) {
        switch (opt) {
        case 'n': L.n = (int)arg_long(optarg, 1, "-n"); break;
        case 'w': L.window = (int)arg_long(optarg, 1, "-w"); break;
        case 'r': L.rounds = arg_long(optarg, 0, "-r"); break;
        case 'd': L.seconds = (double)arg_long(optarg, 0, "-d"); break;
        case 'm': L.msg_size = (int)arg_long(optarg, 1, "-m"); break;
        case 't': limit_s = arg_long(optarg, 1, "-t"); break;
        default:
            fprintf(stderr, "usage: echo_load [-n CONNS] [-w WINDOW] [-r ROUNDS | -d SECONDS] "
                            "[-m BYTES] [-t LIMIT_S] SERVER [SERVER_ARGS...]\n");
            return 2;
        }
    }
    if (optind >= argc || L.msg_size > SCRATCH || (L.rounds > 0 && L.seconds > 0)) {
        fprintf(stderr, "echo_load: need a SERVER; -m at most %d; -r or -d, not both\n", SCRATCH);
        return 2;
    }
    L.deadline = now_ns() + limit_s * 1000000000;
    struct rlimit lim;
    if (!fds_for(L.n, &lim)) {
        printf("SKIP: %d connections need %d open files, the hard limit is %llu\n", L.n, L.n + 64,
               (unsigned long long)lim.rlim_max);
        return SKIP_CODE;
    }
    L.conns = calloc((size_t)L.n, sizeof *L.conns);
    L.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!L.conns || L.epfd < 0)
        fail("out of memory or fds");
    for (int i = 0; i < L.n; i++)
        L.conns[i] = (struct conn){ .fd = -1, .id = (uint32_t)i };

    /* SERVER [SERVER_ARGS...] 0 CONNS */
    int nargs = argc - optind;
    char **server_argv = calloc((size_t)nargs + 3, sizeof *server_argv);
    if (!server_argv)
        fail("out of memory");
    char conns_arg[16];
    snprintf(conns_arg, sizeof conns_arg, "%d", L.n);
    memcpy(server_argv, argv + optind, (size_t)nargs * sizeof *server_argv);
    server_argv[nargs] = "0";
    server_argv[nargs + 1] = conns_arg;
    start_server(server_argv);

    char line[256];
    int port;
    if (!server_line(line, sizeof line) || sscanf(line, "listening on %d", &port) != 1)
        fail("the server did not print \"listening on PORT\"");

    open_all(port);
    long rss = server_rss_kib();
    double server_cpu = server_cpu_ms(), client_cpu = self_cpu_ms();
    int64_t traffic_start = now_ns();
    double rps = traffic();
    double traffic_ms = (double)(now_ns() - traffic_start) / 1e6;
    server_cpu = server_cpu_ms() - server_cpu;
    client_cpu = self_cpu_ms() - client_cpu;
    close_all();

    L.phase = "server exit";
    char want[128];
    snprintf(want, sizeof want, "served %d connections, %" PRIu64 " bytes echoed", L.n,
             L.bytes_sent);
    if (!server_line(line, sizeof line))
        fail("the server printed no summary line");
    if (strcmp(line, want) != 0)
        fail("the server printed \"%s\", expected \"%s\"", line, want);
    if (server_line(line, sizeof line))
        fail("the server printed more: \"%s\"", line);
    wait_server();

    uint64_t rounds = 0;
    for (int i = 0; i < L.n; i++)
        rounds += L.conns[i].rounds;
    printf("echo_load conns=%d bytes=%" PRIu64 " server_rss_kib=%ld rounds=%" PRIu64
           " msg=%d rps=%.0f traffic_ms=%.0f server_cpu_ms=%.0f client_cpu_ms=%.0f ok\n",
           L.n, L.bytes_sent, rss, rounds, L.msg_size, rps, traffic_ms, server_cpu, client_cpu);
    free(server_argv);
    free(L.conns);
    close(L.epfd);
    return 0;
}
