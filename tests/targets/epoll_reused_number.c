/* One fd number registered with an epoll instance for two descriptions
 * over time: pipe A's read end added as fd N, moved away by dup and closed,
 * then pipe B's read end opened at N and added too. The interest list then
 * holds two entries for N (the kernel keys them by description and number),
 * each reporting its own pipe; restore must rebuild both and leave B at N
 * with its close-on-exec flag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int a[2], b[2];
  if (ep < 0 || pipe(a) != 0) return 2;
  int n = a[0];
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xaaaa};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, n, &ev) != 0) return 2;
  int a_read = fcntl(n, F_DUPFD, 50);
  if (a_read != 50 || close(n) != 0) return 2;
  if (pipe2(b, O_CLOEXEC) != 0 || b[0] != n) return 2;
  ev.data.u64 = 0xbbbb;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, n, &ev) != 0) return 2;
  setup_done("fd N registered for pipe A, A moved to 50 and N closed, pipe B opened at N and registered");

  snappy_checkpoint();

  check("N is pipe B's read end, close-on-exec", fcntl(n, F_GETFD) == FD_CLOEXEC &&
                                                     write(b[1], "b", 1) == 1);
  ev.data.u64 = 0;
  check("only B's entry is ready", epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 0xbbbb);
  char c;
  check("the byte is in B", read(n, &c, 1) == 1 && c == 'b');
  check("A's entry reports A", write(a[1], "a", 1) == 1 && epoll_wait(ep, &ev, 1, 0) == 1 &&
                                   ev.data.u64 == 0xaaaa && read(a_read, &c, 1) == 1 && c == 'a');
  check("DEL of N removes B's entry", epoll_ctl(ep, EPOLL_CTL_DEL, n, NULL) == 0 &&
                                          write(b[1], "b", 1) == 1 && epoll_wait(ep, &ev, 1, 0) == 0);
  check("A's entry stays", write(a[1], "a", 1) == 1 && epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 0xaaaa);
  check("a second DEL of N finds nothing", epoll_ctl(ep, EPOLL_CTL_DEL, n, NULL) == -1 && errno == ENOENT);
  return finish();
}
