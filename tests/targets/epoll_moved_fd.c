/* An epoll entry outlives the fd number it was registered under: the
 * kernel keys it by (description, number) and drops it only when the
 * description's last reference goes, so after dup + close of the
 * registered number the entry still reports events of the description,
 * which lives on under the dup. Recording must hold that interest list and
 * restore must rebuild it, leaving the registered number closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "target_check.h"

int main(void) {
  int ep = epoll_create1(0);
  int p[2];
  if (ep < 0 || pipe(p) != 0) return 2;
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1111};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) != 0) return 2;
  int registered = p[0];
  int holder = fcntl(p[0], F_DUPFD, 40);
  if (holder != 40 || close(registered) != 0) return 2;
  setup_done("pipe read end registered with epoll, moved to fd 40 by dup, its number closed");

  snappy_checkpoint();

  check("the registered number is still closed", fcntl(registered, F_GETFD) == -1 && errno == EBADF);
  check("nothing is ready yet", epoll_wait(ep, &ev, 1, 0) == 0);
  check("a byte written to the pipe", write(p[1], "x", 1) == 1);
  ev.data.u64 = 0;
  check("the entry reports it with its data", epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 0x1111 &&
                                                  (ev.events & EPOLLIN));
  char c;
  check("read through the dup", read(holder, &c, 1) == 1 && c == 'x');
  check("the entry cannot be named by its closed number",
        epoll_ctl(ep, EPOLL_CTL_DEL, registered, NULL) == -1 && errno == EBADF);
  check("nor modified", epoll_ctl(ep, EPOLL_CTL_MOD, registered, &ev) == -1 && errno == EBADF);
  return finish();
}
