#include "common/output_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace snappy {

namespace {

// The descriptor a stream name stands for, or -1: "-", /dev/stdout,
// /dev/stderr, /dev/fd/N, /proc/self/fd/N. Those are written through the
// descriptor itself (its offset, its O_APPEND), not reopened.
int descriptor_named(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    size_t n = std::strlen(prefix);
    if (!path.starts_with(prefix) || path.size() == n || path.size() > n + 9) continue;
    int fd = 0;
    for (size_t i = n; i < path.size(); ++i) {
      if (path[i] < '0' || path[i] > '9') return -1;
      fd = fd * 10 + (path[i] - '0');
    }
    return fd;
  }
  return -1;
}

bool is_stream_mode(mode_t mode) { return S_ISCHR(mode) || S_ISFIFO(mode); }

// descriptor_named() also for a symlink (the caller's or root's) to one of
// those names, such as /dev/stdin -> /proc/self/fd/0.
int descriptor_linked(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return -1;
  if (st.st_uid != ::geteuid() && st.st_uid != 0) return -1;
  char target[64];
  ssize_t n = ::readlink(path.c_str(), target, sizeof(target) - 1);
  if (n <= 0) return -1;
  target[n] = 0;
  return target[0] == '/' ? descriptor_named(target) : -1;
}

}  // namespace

std::string foreign_in_sticky_dir(const struct stat& dir, const struct stat& entry) {
  if (!(dir.st_mode & S_ISVTX) || entry.st_uid == ::geteuid()) return "";
  return "owned by another user (uid " + std::to_string(entry.st_uid) + ") in a sticky directory";
}

std::string special_file_kind(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "";
}

std::string output_display_name(const std::string& path) { return path == "-" ? "standard output" : path; }

std::string examine_output(const std::string& path, bool streams, StreamTarget* target) {
  *target = StreamTarget{};
  if (path.empty()) return "empty file name";
  if (streams) {
    int fd = descriptor_named(path);
    if (fd < 0) fd = descriptor_linked(path);
    if (fd >= 0) {
      int flags = ::fcntl(fd, F_GETFL);
      if (flags < 0) return std::strerror(errno);
      if ((flags & O_ACCMODE) == O_RDONLY) return "not open for writing";
      target->stream = true;
      target->fd = fd;
      return "";
    }
  }
  if (path.back() == '/') return "names a directory, not a file";
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return std::strerror(EISDIR);
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat dir_st;
  if (::stat(dir.c_str(), &dir_st) != 0) return "directory " + dir + ": " + std::strerror(errno);
  if (!S_ISDIR(dir_st.st_mode)) return dir + ": " + std::strerror(ENOTDIR);
  if (::lstat(path.c_str(), &st) == 0) {
    if (std::string why = foreign_in_sticky_dir(dir_st, st); !why.empty()) return why;
    struct stat to;
    bool own_link = S_ISLNK(st.st_mode) && (st.st_uid == ::geteuid() || st.st_uid == 0);
    if (streams && own_link && ::stat(path.c_str(), &to) == 0 && is_stream_mode(to.st_mode)) {
      target->follow = true;
      st = to;
    }
    std::string kind = special_file_kind(st.st_mode);
    if (!kind.empty()) {
      if (!streams) return kind + ", not a regular file";
      if (!is_stream_mode(st.st_mode)) return kind + ", not a file, character device or FIFO";
      if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) return std::strerror(errno);
      target->stream = true;
      target->dev = st.st_dev;
      target->ino = st.st_ino;
      return "";
    }
    // A regular file or a symlink: replaced by the new file, never followed.
  } else if (errno != ENOENT) {
    return std::strerror(errno);
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return "directory " + dir + ": " + std::strerror(errno);
  return "";
}

}  // namespace snappy
