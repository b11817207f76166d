#ifndef LIVESOLVE_CSUPPORT_H
#define LIVESOLVE_CSUPPORT_H

#include <sys/types.h>
#include <stddef.h>
// epoll, for the fan-out benchmark's load client: Glibc's Swift module lacks it.
#include <sys/epoll.h>

/// Spawns `path` with `argv`, its stdin and stdout on `stdinFD` and `stdoutFD`,
/// every other descriptor above 2 closed and signal dispositions reset to default
/// (a parent that ignores SIGPIPE must not pass that on). Returns the pid, or -errno.
pid_t ls_spawn(const char *path, char *const argv[], int stdinFD, int stdoutFD);

/// pipe2 with O_CLOEXEC, which Glibc's Swift module lacks. Returns 0 or -errno.
int ls_pipe_cloexec(int fds[2]);

/// Reads a whole file, gunzipping it when it is gzip-compressed (plain files pass through).
/// On success returns a malloc'ed buffer the caller frees, and its length in *length.
/// On failure returns NULL with errno set.
char *ls_read_file(const char *path, size_t *length);

/// A blocking TCP connection to 127.0.0.1:port with TCP_NODELAY, whose reads give up after
/// `readTimeoutSeconds` (raw WebSocket clients: the W3 load client, a test). Returns the
/// descriptor, or -errno.
int ls_connect_loopback(int port, int readTimeoutSeconds);

/// The local and peer ports of a connected TCP socket, to check that a descriptor is the one a
/// channel reports. Returns 0, or -errno.
int ls_socket_ports(int fd, int *localPort, int *peerPort);

#endif
