// W1's shape with no work in it: a client on loopback TCP, an epoll server, a worker on pipes.
// Each step the client writes 120 bytes and waits until they come back through the server and
// the worker. What this takes is the floor under W1's latency on a machine: the hops and
// wake-ups alone, before any parsing, solving or framing.
//
//   cc -O2 -o /tmp/w1-floor Tools/w1-floor.c && /tmp/w1-floor
//
// To give the hops work like W1's, the server can spin SPIN_S µs per message and the worker
// SPIN_W µs per request, and each can also write over TOUCH_S / TOUCH_W KB of memory per message
// (a footprint like CLP's and ours), e.g. SPIN_S=15 SPIN_W=35 TOUCH_S=384 TOUCH_W=768 /tmp/w1-floor.
// Children end with exit(), so Tools/syscall-times.c can time their calls too.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { steps = 5000, message = 120 };

static double micros(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/// Spins for the microseconds in the environment variable `name` (none: no time).
static void spin(const char *name) {
    const char *value = getenv(name);
    if (!value) return;
    double until = micros() + atof(value);
    while (micros() < until) {}
}

/// Writes one byte per cache line over the kilobytes in the environment variable `name`.
static void touch(const char *name) {
    static char *memory;
    const char *value = getenv(name);
    if (!value) return;
    size_t bytes = (size_t)atol(value) * 1024;
    if (!memory) memory = calloc(bytes, 1);
    for (size_t i = 0; i < bytes; i += 64) memory[i]++;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void noDelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int main(void) {
    int toWorker[2], fromWorker[2];
    if (pipe(toWorker) || pipe(fromWorker)) return perror("pipe"), 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener, (void *)&address, sizeof address) || listen(listener, 1) ||
        getsockname(listener, (void *)&address, &length)) return perror("listen"), 1;

    if (fork() == 0) {  // the worker: echoes each request until the server's end closes
        close(toWorker[1]);
        close(fromWorker[0]);
        close(listener);
        char buffer[256];
        for (ssize_t n; (n = read(toWorker[0], buffer, sizeof buffer)) > 0;) {
            spin("SPIN_W");
            touch("TOUCH_W");
            write(fromWorker[1], buffer, n);
        }
        exit(0);
    }
    if (fork() == 0) {  // the server: client bytes to the worker, the worker's to the client
        close(toWorker[0]);
        close(fromWorker[1]);
        int client = accept(listener, 0, 0);
        noDelay(client);
        int epoll = epoll_create1(0);
        struct epoll_event event = { .events = EPOLLIN };
        event.data.fd = client;
        epoll_ctl(epoll, EPOLL_CTL_ADD, client, &event);
        event.data.fd = fromWorker[0];
        epoll_ctl(epoll, EPOLL_CTL_ADD, fromWorker[0], &event);
        char buffer[256];
        struct epoll_event ready[8];
        for (;;) {
            int count = epoll_wait(epoll, ready, 8, 5000);
            if (count <= 0) exit(0);
            for (int i = 0; i < count; i++) {
                int fd = ready[i].data.fd;
                ssize_t n = read(fd, buffer, sizeof buffer);
                if (n <= 0) exit(0);
                spin("SPIN_S");
                touch("TOUCH_S");
                write(fd == client ? toWorker[1] : client, buffer, n);
            }
        }
    }
    for (int i = 0; i < 2; i++) close(toWorker[i]), close(fromWorker[i]);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    noDelay(server);
    if (connect(server, (void *)&address, sizeof address)) return perror("connect"), 1;
    char out[message], in[256];
    memset(out, 'x', sizeof out);
    static double took[steps];
    for (int i = 0; i < steps; i++) {
        double start = micros();
        write(server, out, sizeof out);
        for (ssize_t got = 0, n; got < message; got += n)
            if ((n = read(server, in, sizeof in)) <= 0) return perror("read"), 1;
        took[i] = micros() - start;
    }
    close(server);  // the server sees the end, then the worker: both exit
    while (wait(NULL) > 0) {}
    qsort(took, steps, sizeof took[0], ascending);
    printf("round trip p50 %.1f us, p90 %.1f us, p99 %.1f us over %d steps\n",
           took[steps / 2], took[steps * 9 / 10], took[steps * 99 / 100], steps);
    return 0;
}
