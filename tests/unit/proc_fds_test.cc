// The one /proc fd reader of ptracer and snap (ptracer/proc_fds.h), on this
// process's own fds.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "ptracer/proc_fds.h"

namespace snappy {
namespace {

TEST(ProcFds, ListsAndReadsThisProcessesFds) {
  char path[] = "/tmp/proc_fds_test.XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  ASSERT_EQ(write(fd, "0123456789", 10), 10);
  ASSERT_EQ(lseek(fd, 7, SEEK_SET), 7);
  ASSERT_EQ(fcntl(fd, F_SETFL, O_APPEND), 0);
  ASSERT_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
  int efd = eventfd(5, 0);
  ASSERT_GE(efd, 0);

  std::vector<int> fds = open_fds(getpid());
  EXPECT_TRUE(std::is_sorted(fds.begin(), fds.end()));
  EXPECT_NE(std::find(fds.begin(), fds.end(), fd), fds.end());
  EXPECT_NE(std::find(fds.begin(), fds.end(), efd), fds.end());

  std::optional<ProcFd> info = read_fdinfo(getpid(), fd);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->fd, fd);
  EXPECT_EQ(info->pos, 7u);
  EXPECT_EQ(info->flags & (O_APPEND | O_CLOEXEC | O_ACCMODE), static_cast<uint32_t>(O_APPEND | O_CLOEXEC | O_RDWR));

  std::optional<ProcFd> ev = read_fdinfo(getpid(), efd);
  ASSERT_TRUE(ev);
  EXPECT_EQ(fdinfo_value(ev->fdinfo, "eventfd-count:", 16), 5u);
  EXPECT_EQ(fdinfo_value(ev->fdinfo, "no-such-key:", 10), std::nullopt);

  close(fd);
  close(efd);
  // Closed: no fdinfo, and no exception.
  EXPECT_FALSE(read_fdinfo(getpid(), fd));
  EXPECT_THROW(open_fds(999999999), std::runtime_error);
}

}  // namespace
}  // namespace snappy
