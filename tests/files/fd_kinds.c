/* Creates one kind of non-file fd before the checkpoint and uses it after.
 * Empty pipes, eventfds (with their counter), epoll instances (with their
 * interest list) and AF_UNIX sockets never bound nor connected (glibc's
 * nscd probe) are created anew by restore; a pipe with data in it and the
 * other kinds cannot be, so making one (or writing into the pipe) is a
 * snapshot point: a restored instance does it for real. Either way the
 * output equals a cold run's.
 * usage: fd_kinds pipe|pipe_data|fifo_write|socket|eventfd|epoll|memfd|timerfd|inotify|unix
 *
 * Each kind is a case (tests/lib/cases.cmake): files.fd_kinds.KIND, recorded,
 * restored three times and compared with a cold run, its snapshot point
 * checked on ptracer's summary line.
 * snappy-test: case=pipe
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,pipe
 * snappy-test: case=pipe_data
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,pipe_data
 * snappy-test: case=fifo_write
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,fifo_write
 * snappy-test: trigger=\(writes to fd 3\)
 * snappy-test: case=socket
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,socket
 * snappy-test: trigger=at socketpair\(
 * snappy-test: case=eventfd
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,eventfd
 * snappy-test: case=epoll
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,epoll
 * snappy-test: case=memfd
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,memfd
 * snappy-test: trigger=at memfd_create\(
 * snappy-test: case=timerfd
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,timerfd
 * snappy-test: trigger=at timerfd_create\(
 * snappy-test: case=inotify
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,inotify
 * snappy-test: trigger=at inotify_init1\(
 * snappy-test: case=unix
 * snappy-test: run=@BINDIR@/tests/files/fd_kinds,unix
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <fcntl.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const char* kind = argv[1];
  printf("making a %s\n", kind);
  fflush(stdout);
  int ok = 0;
  if (!strcmp(kind, "pipe")) {
    /* Both ends, a dup of the write end, O_NONBLOCK on the read end only. */
    int p[2];
    ok = pipe(p) == 0 && dup2(p[1], 40) == 40 && fcntl(p[0], F_SETFL, O_NONBLOCK) == 0;
    snappy_checkpoint();
    char b[4];
    ok = ok && read(p[0], b, 1) == -1 && write(40, "hi", 2) == 2 && read(p[0], b, 4) == 2 && !memcmp(b, "hi", 2) &&
         (fcntl(p[0], F_GETFL) & O_NONBLOCK) && !(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    close(p[1]);
    close(40);
    ok = ok && read(p[0], b, 1) == 0; /* both write fds closed: end of file */
  } else if (!strcmp(kind, "pipe_data")) {
    /* libuv's lock pipe: a byte left in it. */
    int p[2];
    ok = pipe2(p, O_CLOEXEC) == 0 && write(p[1], "*hi", 3) == 3;
    char b[4];
    ok = ok && read(p[0], b, 1) == 1 && b[0] == '*';
    snappy_checkpoint();
    ok = ok && read(p[0], b, 4) == 2 && !memcmp(b, "hi", 2);
  } else if (!strcmp(kind, "fifo_write")) {
    /* Writing to an fd that is not the program's own pipe or eventfd. */
    int fd = open("/dev/null", O_WRONLY);
    ok = fd >= 0 && write(fd, "x", 1) == 1;
  } else if (!strcmp(kind, "socket")) {
    int s[2];
    ok = socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0 && write(s[0], "hi", 2) == 2;
    char b[2];
    ok = ok && read(s[1], b, 2) == 2;
  } else if (!strcmp(kind, "eventfd")) {
    /* A semaphore eventfd counted down once: 4 more reads of 1 each. */
    int e = eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t v = 0;
    ok = e >= 0 && read(e, &v, 8) == 8 && v == 1;
    snappy_checkpoint();
    int reads = 0;
    while (read(e, &v, 8) == 8 && v == 1) reads++;
    ok = ok && reads == 4;
    v = 1ull << 40; /* past eventfd2's 32-bit start value */
    ok = ok && write(e, &v, 8) == 8;
  } else if (!strcmp(kind, "epoll")) {
    /* An interest list: a pipe's read end with a cookie, one-shot. */
    int e = epoll_create1(EPOLL_CLOEXEC);
    int p[2];
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 0x1234567890ull};
    ok = e >= 0 && pipe(p) == 0 && epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ev) == 0 && epoll_wait(e, &ev, 1, 0) == 0;
    snappy_checkpoint();
    ok = ok && write(p[1], "x", 1) == 1 && epoll_wait(e, &ev, 1, 1000) == 1 && ev.data.u64 == 0x1234567890ull &&
         epoll_wait(e, &ev, 1, 0) == 0 && (fcntl(e, F_GETFD) & FD_CLOEXEC);
  } else if (!strcmp(kind, "unix")) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = "/nonexistent/snappy.sock"};
    ok = s >= 0 && connect(s, (struct sockaddr*)&addr, sizeof(addr)) != 0;
    snappy_checkpoint();
    int type = 0;
    socklen_t len = sizeof(type);
    ok = ok && getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM &&
         (fcntl(s, F_GETFL) & O_NONBLOCK);
  } else if (!strcmp(kind, "memfd")) {
    int m = memfd_create("snappy", 0);
    ok = m >= 0 && write(m, "hi", 2) == 2;
  } else if (!strcmp(kind, "timerfd")) {
    ok = timerfd_create(CLOCK_MONOTONIC, 0) >= 0;
  } else if (!strcmp(kind, "inotify")) {
    ok = inotify_init1(0) >= 0;
  } else {
    return 2;
  }
  snappy_checkpoint();
  printf("%s works: %s\n", kind, ok ? "yes" : "no");
  return ok ? 0 : 1;
}
