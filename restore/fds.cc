// The program's fds, recreated at their recorded numbers before the jump:
// files reopened by path and checked to be the recorded ones, pipes with
// their contents, eventfds with their counters, epoll instances with their
// interest lists (once every fd is in place), unconnected AF_UNIX sockets,
// dups sharing their description, and the program's changes to the status
// flags of the caller's fds 0-2. FdRecord's fields mean per kind what
// common/snapshot_format.h says.
#include <stddef.h>
#include <stdint.h>

#include "common/fd_record.h"
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

// Places `fd` at `target` (closing what the caller had there) with the
// recorded close-on-exec flag; `what` it is, for an error.
void place_fd(int fd, const FdRecord& r, const char* what) {
  int cloexec = (r.fd_flags & 1) ? sys::kO_CLOEXEC : 0;
  if (fd != r.fd) {
    long placed = sys::dup3(fd, r.fd, cloexec);
    if (sys::is_error(placed)) die_fd_errno(r.fd, what, placed);
    sys::close(fd);
  } else {
    // Already at its number: the fd flag is whatever the creating call
    // gave it (restore creates without O_CLOEXEC), so set it either way.
    sys::fcntl(fd, 2 /* F_SETFD */, cloexec ? 1 /* FD_CLOEXEC */ : 0);
  }
}

// A file by path, checked to be the recorded one, at its offset.
void reopen_file(const FdRecord& r) {
  constexpr int kStripFlags = 0100 | 01000 | 0200 | 0400;  // O_CREAT O_TRUNC O_EXCL O_NOCTTY
  const FileRecord& f = g.view.file(fd_file(r));
  const char* path = g.view.string(f.path);
  // O_NONBLOCK until the identity is checked: a FIFO put in the file's
  // place must not hang the open. The recorded status flags come back
  // after.
  int fd = int(sys::open(path, (int(r.open_flags) & ~kStripFlags) | sys::kO_NONBLOCK));
  if (fd < 0) die_errno(path, fd);
  sys::KernelStat st;
  check(sys::fstat(fd, &st), path);
  // Reopened by path (its own description and flags): a file renamed over
  // the path since open_files() is refused; one opened read-only must also
  // be unwritten since (a file the program writes may have been written by
  // an earlier instance of -n N).
  FileChange change = recorded_file_change(f, st);
  if (change == FileChange::kReplaced) die(path, "file replaced since the snapshot was recorded");
  if ((r.open_flags & 3) == 0 && change != FileChange::kNone) die(path, "file changed since the snapshot was recorded");
  if (!(r.open_flags & sys::kO_NONBLOCK)) check(sys::fcntl(fd, sys::kFSetfl, long(r.open_flags)), path);
  place_fd(fd, r, path);
  if ((st.st_mode & 0170000) == 0100000 || file_position(r)) {
    check(sys::lseek(r.fd, long(file_position(r)), sys::kSeekSet), path);
  }
}

// Both ends of a pipe at once, at the first record of either: the other
// end goes straight to the first later record of its kind for this pipe
// (dups of either end follow through `description`), or is closed if the
// program had closed it. Each end keeps its own O_NONBLOCK.
void place_pipe(uint32_t index) {
  const FdRecord& r = g.view.fd(g.process->first_fd + index);
  for (uint32_t j = 0; j < index; ++j) {
    const FdRecord& e = g.view.fd(g.process->first_fd + j);
    if (is_pipe_end(e) && pipe_id(e) == pipe_id(r)) return;  // placed
  }
  int ends[2];
  if (long e = sys::pipe2(ends, 0); sys::is_error(e)) die_fd_errno(r.fd, "creating a pipe", e);
  // What was in it (at most a pipe's capacity: the write cannot block).
  if (uint64_t size = pipe_data(r).size) {
    const uint8_t* data = g.view.blob(pipe_data(r));
    if (sys::write(ends[1], data, size) != long(size)) die_fd(r.fd, "cannot refill its pipe");
  }
  uint32_t other_kind = r.kind == kFdPipeRead ? kFdPipeWrite : kFdPipeRead;
  int mine = ends[r.kind == kFdPipeRead ? 0 : 1], other = ends[r.kind == kFdPipeRead ? 1 : 0];
  const FdRecord* other_record = nullptr;
  for (uint32_t j = index + 1; j < g.process->fd_count && !other_record; ++j) {
    const FdRecord& e = g.view.fd(g.process->first_fd + j);
    if (e.kind == other_kind && pipe_id(e) == pipe_id(r)) other_record = &e;
  }
  // The other end first; if this end holds the number the other wants
  // (an fd the caller left open pushed the new ones up), it moves out of
  // the way first.
  if (other_record) {
    if (mine == other_record->fd) {
      long moved = sys::fcntl(mine, 0 /* F_DUPFD */, other_record->fd + 1);
      if (sys::is_error(moved)) die_fd_errno(r.fd, "creating a pipe", moved);
      sys::close(mine);
      mine = int(moved);
    }
    place_fd(other, *other_record, "pipe");
    if (other_record->open_flags & sys::kO_NONBLOCK) sys::fcntl(other_record->fd, sys::kFSetfl, sys::kO_NONBLOCK);
  } else {
    sys::close(other);
  }
  place_fd(mine, r, "pipe");
  if (r.open_flags & sys::kO_NONBLOCK) sys::fcntl(r.fd, sys::kFSetfl, sys::kO_NONBLOCK);
}

// An eventfd with its counter (which may exceed eventfd2's 32-bit start).
void place_eventfd(const FdRecord& r) {
  constexpr int kEfdSemaphore = 1;
  int flags = (eventfd_semaphore(r) ? kEfdSemaphore : 0) | int(r.open_flags & sys::kO_NONBLOCK);
  long fd = sys::eventfd2(0, flags);
  if (sys::is_error(fd)) die_fd_errno(r.fd, "creating an eventfd", fd);
  uint64_t counter = eventfd_counter(r);
  if (counter && sys::write(int(fd), &counter, 8) != 8) die_fd(r.fd, "cannot set its eventfd counter");
  place_fd(int(fd), r, "eventfd");
}

// Adds one interest-list entry. The kernel keys it by (description, number
// at EPOLL_CTL_ADD), so an entry whose number now holds another description
// or none (format::EpollRegistration) is added with its holder's description
// put at that number for the call; what the number held (and its
// close-on-exec flag) comes back after, nothing else changes.
long add_registration(int epfd, const EpollRegistration& e) {
  sys::EpollEvent event{e.events, e.data};
  if (e.holder == e.fd) return sys::epoll_ctl(epfd, sys::kEpollCtlAdd, e.fd, &event);
  long fd_flags = sys::fcntl(e.fd, 1 /* F_GETFD */, 0);
  bool occupied = !sys::is_error(fd_flags);
  long saved = occupied ? sys::fcntl(e.fd, 1030 /* F_DUPFD_CLOEXEC */, 0) : -1;
  if (occupied && sys::is_error(saved)) return saved;
  long placed = sys::dup3(e.holder, e.fd, 0);
  if (sys::is_error(placed)) return placed;
  long added = sys::epoll_ctl(epfd, sys::kEpollCtlAdd, e.fd, &event);
  if (occupied) {
    long back = sys::dup3(int(saved), e.fd, (fd_flags & 1) ? sys::kO_CLOEXEC : 0);
    sys::close(int(saved));
    if (sys::is_error(back)) return back;
  } else {
    sys::close(e.fd);
  }
  return added;
}

// An epoll instance's interest list, once every fd is in place.
void register_epoll(const FdRecord& r) {
  const uint8_t* list = g.view.blob(epoll_registrations(r));
  for (uint32_t i = 0; i < epoll_registration_count(r); ++i) {
    EpollRegistration e = epoll_registration(list, i);
    long added = add_registration(r.fd, e);
    if (sys::is_error(added)) {
      Text doing;
      doing.add("registering fd ").number(e.fd);
      if (e.holder != e.fd) doing.add(" (the description of fd ").number(e.holder).add(")");
      die_fd_errno(r.fd, doing.add(" with this epoll instance").c_str(), added);
    }
  }
}

// What the program changed in the status flags of the caller's fd 0-2
// before its snapshot point (kFdCallerStatus), changed in this caller's:
// the recorded bits only, every other one as the caller has it, as the
// cold run's fcntl(F_SETFL) or ioctl(FIONBIO) would have left them. The
// description is shared with the caller (its shell too), as in a cold run.
// A cold run's call would have failed on a closed fd, and its program
// carried on knowing it: restore refuses rather than differ.
void apply_caller_status() {
  for (uint32_t i = 0; i < g.process->fd_count; ++i) {
    const FdRecord& r = g.view.fd(g.process->first_fd + i);
    if (r.kind != kFdCallerStatus) continue;
    long now = sys::fcntl(r.fd, 3 /* F_GETFL */, 0);
    if (sys::is_error(now)) die_fd_errno(uint32_t(r.fd), "reading the caller's status flags", now);
    long wanted = (now & ~long(caller_status_changed(r))) | long(r.open_flags);
    if (wanted == now) continue;
    long set = sys::fcntl(r.fd, sys::kFSetfl, wanted);
    if (sys::is_error(set)) die_fd_errno(uint32_t(r.fd), "setting the caller's status flags", set);
  }
}

}  // namespace

void reopen_fds() {
  for (uint32_t i = 0; i < g.process->fd_count; ++i) {
    const FdRecord& r = g.view.fd(g.process->first_fd + i);
    if (r.kind == kFdCallerStatus) continue;  // apply_caller_status
    // A dup of an fd placed earlier shares its open file description.
    const FdRecord* first = nullptr;
    for (uint32_t j = 0; j < i && !first; ++j) {
      const FdRecord& e = g.view.fd(g.process->first_fd + j);
      if (e.kind != kFdCallerStatus && e.description == r.description) first = &e;
    }
    if (first) {
      long dup = sys::dup3(first->fd, r.fd, (r.fd_flags & 1) ? sys::kO_CLOEXEC : 0);
      if (sys::is_error(dup)) {
        Text doing;
        die_fd_errno(r.fd, doing.add("duplicating fd ").number(first->fd).c_str(), dup);
      }
      continue;
    }
    switch (r.kind) {
      case kFdFile:
        reopen_file(r);
        break;
      case kFdEpoll: {  // its interest list comes once every fd is in place
        long fd = sys::epoll_create1(0);
        if (sys::is_error(fd)) die_fd_errno(r.fd, "creating an epoll instance", fd);
        place_fd(int(fd), r, "epoll instance");
        break;
      }
      case kFdPipeRead:
      case kFdPipeWrite:
        place_pipe(i);
        break;
      case kFdEventfd:
        place_eventfd(r);
        break;
      case kFdUnixSocket: {  // never bound nor connected
        long fd = sys::socket(1 /* AF_UNIX */, int(r.open_flags), socket_protocol(r));
        if (sys::is_error(fd)) die_fd_errno(r.fd, "creating a socket", fd);
        place_fd(int(fd), r, "socket");
        break;
      }
      case kFdCallerStatus:
        break;
    }
  }
  for (uint32_t i = 0; i < g.process->fd_count; ++i) {
    const FdRecord& r = g.view.fd(g.process->first_fd + i);
    bool first_of_description = true;
    for (uint32_t j = 0; j < i && first_of_description; ++j) {
      const FdRecord& e = g.view.fd(g.process->first_fd + j);
      first_of_description = e.kind == kFdCallerStatus || e.description != r.description;
    }
    if (r.kind == kFdEpoll && first_of_description) register_epoll(r);
  }
  apply_caller_status();
}

}  // namespace snappy::restorer
