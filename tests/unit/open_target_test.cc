// What an open names as the tracee sees it, with this test process as the
// tracee, and the /proc files of a process stored as each instance's own.
#include "ptracer/open_target.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "common/snapshot_writer.h"
#include "ptracer/file_table.h"

namespace snappy {
namespace {

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// The reason, or "reopenable".
std::string why(const std::string& path) { return why_not_reopenable(getpid(), path).value_or("reopenable"); }

TEST(OpenTarget, ProcSelfIsTheTracee) {
  EXPECT_EQ(as_seen_by(123, "/proc/self/fd/4"), "/proc/123/fd/4");
  EXPECT_EQ(as_seen_by(123, "/proc/self"), "/proc/123/");
  EXPECT_EQ(as_seen_by(123, "/proc/thread-self/stat"), "/proc/123/task/123/stat");
  EXPECT_EQ(as_seen_by(123, "/proc/selfish"), "/proc/selfish");
  EXPECT_EQ(as_seen_by(123, "/etc/passwd"), "/etc/passwd");
}

TEST(OpenTarget, NamesWhatRestoreCannotReopen) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  EXPECT_NE(why(fd_path(p[0])).find(", a pipe (pipe:["), std::string::npos) << why(fd_path(p[0]));
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_NE(why(fd_path(s)).find(", a socket (socket:["), std::string::npos) << why(fd_path(s));
  int e = eventfd(0, 0);
  EXPECT_EQ(why(fd_path(e)), "opens " + fd_path(e) + ", an anonymous inode (anon_inode:[eventfd]), not a regular file or directory");
  EXPECT_NE(why("/proc/self/ns/net").find("opens /proc/self/ns/net, a namespace (net:["), std::string::npos);
  char tmpl[] = "/tmp/open_target_test.XXXXXX";
  int unlinked = mkstemp(tmpl);
  ASSERT_GE(unlinked, 0);
  ASSERT_EQ(unlink(tmpl), 0);
  EXPECT_EQ(why(fd_path(unlinked)), "opens " + fd_path(unlinked) + ", an unlinked file, which restore cannot reopen");
  for (int fd : {p[0], p[1], s, e, unlinked}) close(fd);
}

TEST(OpenTarget, AcceptsWhatRestoreReopens) {
  EXPECT_EQ(why("/etc/passwd"), "reopenable");
  EXPECT_EQ(why("/tmp"), "reopenable");
  EXPECT_EQ(why("/dev/null"), "reopenable");
  EXPECT_EQ(why("/proc/self/status"), "reopenable");
  EXPECT_EQ(why("/nonexistent/file"), "reopenable");  // the call fails
  int null = open("/dev/null", O_RDONLY);
  EXPECT_EQ(why(fd_path(null)), "reopenable");  // the link names /dev/null
  close(null);
  EXPECT_NE(why("/dev/tty").find("a character device"), std::string::npos);
}

std::string blob_string(const Snapshot& s, format::BlobRef ref) {
  return std::string(reinterpret_cast<const char*>(s.blob.data() + ref.offset));
}

TEST(OpenTarget, ProcessFilesAreEachInstancesOwn) {
  Snapshot snapshot;
  FileTable files(snapshot);
  std::string self = "/proc/" + std::to_string(getpid());
  std::optional<uint32_t> status = files.intern_of_process(self + "/status", getpid());
  ASSERT_TRUE(status.has_value());
  const format::FileRecord& r = snapshot.files[*status];
  EXPECT_EQ(blob_string(snapshot, r.path), "/proc/self/status");
  EXPECT_EQ(r.flags, format::kFileOfProcess);
  EXPECT_EQ(r.dev, 0u);
  EXPECT_EQ(r.ino, 0u);
  EXPECT_EQ(files.intern_of_process(self + "/status", getpid()), status);
  std::optional<uint32_t> stat = files.intern_of_process(self + "/task/" + std::to_string(getpid()) + "/stat", getpid());
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(blob_string(snapshot, snapshot.files[*stat].path), "/proc/thread-self/stat");
  EXPECT_THROW(files.intern_of_process(self + "/task/1/stat", getpid()), std::runtime_error);
  EXPECT_FALSE(files.intern_of_process(self + "0/status", getpid()).has_value());
  EXPECT_FALSE(files.intern_of_process("/etc/passwd", getpid()).has_value());
}

}  // namespace
}  // namespace snappy
