#include "ptracer/file_table.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace snappy {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(path + ": " + why);
}

[[noreturn]] void fail_errno(const std::string& path, const char* what) {
  fail(path, std::string(what) + ": " + std::strerror(errno));
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

uint32_t FileTable::add(const std::string& path, uint64_t expect_dev, uint64_t expect_ino, bool open_fd) {
  if (auto it = index_.find(path); it != index_.end()) {
    const format::FileRecord& known = snapshot_.files[it->second];
    if ((expect_dev != 0 && expect_dev != known.dev) || (expect_ino != 0 && expect_ino != known.ino))
      fail(path, "mapped file is not the one recorded earlier under this path");
    return it->second;
  }

  // Open first and fstat the descriptor: dev/ino/size/mtime/ctime and the hashed
  // content then all describe the same inode, even if the path is replaced
  // meanwhile. O_NONBLOCK keeps a FIFO at that path from blocking the open;
  // it is refused below as not a regular file.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) fail_errno(path, "cannot open");
  FdCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) fail_errno(path, "cannot stat");
  bool device = open_fd && S_ISCHR(st.st_mode) && is_stateless_device(path);
  bool directory = open_fd && S_ISDIR(st.st_mode);
  if (!S_ISREG(st.st_mode) && !directory && !device) fail(path, open_fd ? "not a regular file or directory" : "not a regular file");
  if (expect_dev != 0 && expect_dev != static_cast<uint64_t>(st.st_dev))
    fail(path, "device differs from the mapped file's: the file was replaced");
  if (expect_ino != 0 && expect_ino != static_cast<uint64_t>(st.st_ino))
    fail(path, "inode differs from the mapped file's: the file was replaced");

  format::FileRecord rec{};
  rec.dev = st.st_dev;
  rec.ino = st.st_ino;
  rec.mode = st.st_mode;
  rec.path = snapshot_.add_string(path);
  if (directory || device || on_kernel_filesystem(fd) || may_change(path)) {
    if (S_ISREG(st.st_mode)) rec.flags = format::kFileMayChange;
    // An open directory (fd only: directories cannot be mapped): its size
    // and mtime change with every entry added. A stateless device, a file
    // the kernel makes up as it is read (/proc, /sys, cgroupfs: the JVM's
    // JIT threads read cgroup limits all the time; their size says nothing
    // of their content), and a file the user said may change (a log opened
    // for append): likewise only its identity counts.
    auto index = static_cast<uint32_t>(snapshot_.files.size());
    snapshot_.files.push_back(rec);
    index_.emplace(path, index);
    return index;
  }
  rec.mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                 static_cast<uint64_t>(st.st_mtim.tv_nsec);
  // mtime can be set back (touch -d) after rewriting a file in place; ctime
  // cannot, short of changing the clock.
  rec.ctime_ns = static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000ull +
                 static_cast<uint64_t>(st.st_ctim.tv_nsec);
  rec.flags = format::kFileContentHashed;
  auto index = static_cast<uint32_t>(snapshot_.files.size());
  if (background_) {
    int own = ::dup(fd);  // the hasher's, closed by it
    if (own < 0) fail_errno(path, "cannot dup");
    hasher_.add(index, own, path, static_cast<uint64_t>(st.st_size));
    rec.size = static_cast<uint64_t>(st.st_size);
  } else {
    uint64_t hashed = 0;
    std::vector<char> buf(1 << 20);
    rec.content_hash = hash_file_content(fd, path, &hashed, buf);
    // A file that changed size while we hashed it cannot be vouched for.
    if (hashed != static_cast<uint64_t>(st.st_size)) fail(path, "file changed size while it was hashed");
    rec.size = hashed;
  }

  snapshot_.files.push_back(rec);
  index_.emplace(path, index);
  return index;
}

std::optional<uint32_t> FileTable::intern_of_process(const std::string& path, pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid);
  if (!path.starts_with(dir) || path.size() <= dir.size() || path[dir.size()] != '/') return std::nullopt;
  std::string rest = path.substr(dir.size());  // "/status"
  std::string stored = "/proc/self" + rest;
  std::string task = "/task/";
  if (rest.starts_with(task)) {
    // The leader's own task directory is what /proc/thread-self names in
    // restore's thread, which becomes the leader.
    std::string leader = task + std::to_string(pid) + "/";
    if (!rest.starts_with(leader)) fail(path, "a file of another thread's /proc directory");
    stored = "/proc/thread-self/" + rest.substr(leader.size());
  }
  if (auto it = index_.find(stored); it != index_.end()) return it->second;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) fail_errno(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
  format::FileRecord rec{};
  rec.mode = st.st_mode;
  rec.path = snapshot_.add_string(stored);
  rec.flags = format::kFileOfProcess;
  auto index = static_cast<uint32_t>(snapshot_.files.size());
  snapshot_.files.push_back(rec);
  index_.emplace(stored, index);
  return index;
}

bool on_kernel_filesystem(int fd) {
  constexpr unsigned long kProc = 0x9fa0, kSysfs = 0x62656572, kCgroup = 0x27e0eb, kCgroup2 = 0x63677270;
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return false;
  auto type = static_cast<unsigned long>(fs.f_type);
  return type == kProc || type == kSysfs || type == kCgroup || type == kCgroup2;
}

bool is_stateless_device(const std::string& path) {
  for (const char* d : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}) {
    if (path == d) return true;
  }
  return false;
}

bool FileTable::may_change(const std::string& path) const {
  for (const std::string& p : may_change_) {
    if (path == p || (!p.empty() && p.back() == '/' && path.starts_with(p))) return true;
  }
  return false;
}

}  // namespace snappy
