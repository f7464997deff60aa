/* Creates one kind of non-file fd before the checkpoint and uses it after.
 * Most cannot be reopened, so creating one is a snapshot point: a restored
 * instance creates it for real. An epoll instance nothing was added to and
 * an AF_UNIX socket never bound nor connected (glibc's nscd probe) are
 * created anew by restore. Either way the output equals a cold run's.
 * usage: fd_kinds pipe|socket|eventfd|epoll|memfd|timerfd|inotify|unix */
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
    int p[2];
    ok = pipe(p) == 0 && write(p[1], "hi", 2) == 2;
    char b[2];
    ok = ok && read(p[0], b, 2) == 2 && !memcmp(b, "hi", 2);
  } else if (!strcmp(kind, "socket")) {
    int s[2];
    ok = socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0 && write(s[0], "hi", 2) == 2;
    char b[2];
    ok = ok && read(s[1], b, 2) == 2;
  } else if (!strcmp(kind, "eventfd")) {
    int e = eventfd(3, 0);
    uint64_t v = 0;
    ok = e >= 0 && read(e, &v, 8) == 8 && v == 3;
  } else if (!strcmp(kind, "epoll")) {
    int e = epoll_create1(EPOLL_CLOEXEC);
    snappy_checkpoint();
    struct epoll_event ev = {.events = EPOLLIN};
    int p[2];
    ok = e >= 0 && pipe(p) == 0 && epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ev) == 0 && write(p[1], "x", 1) == 1 &&
         epoll_wait(e, &ev, 1, 1000) == 1 && (fcntl(e, F_GETFD) & FD_CLOEXEC);
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
