// common/errno_text.h, restore's strerror: every text is glibc's, and the
// errnos restore meets most have one.
#include "common/errno_text.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace snappy {
namespace {

TEST(ErrnoText, EveryTextIsStrerrors) {
  int count = 0;
  for (long e = 1; e < 256; ++e) {
    const char* text = errno_text(e);
    if (!text) continue;
    ++count;
    EXPECT_STREQ(text, std::strerror(static_cast<int>(e))) << "errno " << e;
  }
  EXPECT_GE(count, 50);
}

TEST(ErrnoText, TheOnesRestoreMeetsHaveOne) {
  for (int e : {EPERM, ENOENT, EINTR, EIO, ENXIO, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENODEV,
                ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EPIPE, ENAMETOOLONG,
                ENOSYS, ELOOP, EOVERFLOW, EOPNOTSUPP, ESTALE, EDQUOT}) {
    EXPECT_NE(errno_text(e), nullptr) << "errno " << e;
  }
  EXPECT_EQ(errno_text(0), nullptr);
  EXPECT_EQ(errno_text(-1), nullptr);
  EXPECT_EQ(errno_text(200), nullptr);
}

}  // namespace
}  // namespace snappy
