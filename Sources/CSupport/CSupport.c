#define _GNU_SOURCE
#include "CSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

pid_t ls_spawn(const char *path, char *const argv[], int stdinFD, int stdoutFD) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdinFD, 0);
    posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_init(&attributes);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    extern char **environ;
    pid_t pid;
    int rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc == 0 ? pid : -rc;
}

int ls_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : -errno;
}

char *ls_read_file(const char *path, size_t *length) {
    // gzread reads plain files unchanged, so one path serves both.
    gzFile file = gzopen(path, "rb");
    if (!file) { if (errno == 0) errno = ENOMEM; return NULL; }
    gzbuffer(file, 1 << 17);
    size_t capacity = 1 << 20, used = 0;
    char *buffer = malloc(capacity);
    if (!buffer) { gzclose(file); errno = ENOMEM; return NULL; }
    for (;;) {
        if (capacity - used < (1 << 16)) {
            capacity *= 2;
            char *bigger = realloc(buffer, capacity);
            if (!bigger) { free(buffer); gzclose(file); errno = ENOMEM; return NULL; }
            buffer = bigger;
        }
        int n = gzread(file, buffer + used, (unsigned)(capacity - used));
        if (n < 0) { free(buffer); gzclose(file); errno = EIO; return NULL; }
        if (n == 0) break;
        used += (size_t)n;
    }
    gzclose(file);
    *length = used;
    return buffer;
}

int ls_connect_loopback(int port, int readTimeoutSeconds) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval limit = { .tv_sec = readTimeoutSeconds, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

static int ls_port_of(const struct sockaddr_storage *address) {
    switch (address->ss_family) {
    case AF_INET: return ntohs(((const struct sockaddr_in *)address)->sin_port);
    case AF_INET6: return ntohs(((const struct sockaddr_in6 *)address)->sin6_port);
    default: return -1;
    }
}

int ls_socket_ports(int fd, int *localPort, int *peerPort) {
    struct sockaddr_storage local, peer;
    socklen_t localLength = sizeof local, peerLength = sizeof peer;
    if (getsockname(fd, (struct sockaddr *)&local, &localLength) != 0) return -errno;
    if (getpeername(fd, (struct sockaddr *)&peer, &peerLength) != 0) return -errno;
    *localPort = ls_port_of(&local);
    *peerPort = ls_port_of(&peer);
    return 0;
}
