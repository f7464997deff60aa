#include "ptracer/open_target.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include "ptracer/file_table.h"
#include "ptracer/proc_files.h"

namespace snappy {

namespace {

// `path` is `dir` or lies under it.
bool under(const std::string& path, const std::string& dir, std::string* rest) {
  if (!path.starts_with(dir)) return false;
  if (path.size() > dir.size() && path[dir.size()] != '/') return false;
  *rest = path.substr(dir.size());
  return true;
}

// Namespace files are regular files of nsfs (fs/nsfs.c, NSFS_MAGIC); an fd
// of one names net:[INODE], not a path.
constexpr unsigned long kNsfsMagic = 0x6e736673;

bool statfs_says_nsfs(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && static_cast<unsigned long>(fs.f_type) == kNsfsMagic;
}

// nsfs is one superblock, mounted by the kernel at boot and never freed, so
// its device number is known from any namespace file and no other
// filesystem ever has it: a stat then tells, without a statfs at every open
// the program makes. Read from /proc/self/ns/mnt (every kernel has mount
// namespaces; net ones need CONFIG_NET_NS) and confirmed nsfs by one
// statfs, so that a /proc that is not procfs cannot lend another
// filesystem's device. nullopt if that fails (each file is then asked by
// statfs).
std::optional<dev_t> nsfs_device() {
  static const std::optional<dev_t> dev = []() -> std::optional<dev_t> {
    const char* known = "/proc/self/ns/mnt";
    struct stat st;
    if (stat(known, &st) != 0 || !statfs_says_nsfs(known)) return std::nullopt;
    return st.st_dev;
  }();
  return dev;
}

bool is_nsfs(const std::string& path, const struct stat& st) {
  if (std::optional<dev_t> dev = nsfs_device()) return st.st_dev == *dev;
  return statfs_says_nsfs(path);
}

// What a non-regular inode is, for the summary line; `link` is what
// /proc/PID/fd/N names (pipe:[INODE], socket:[INODE], anon_inode:[KIND]),
// or "" for a path that is no magic link.
std::string kind_of(const struct stat& st, const std::string& link) {
  std::string named = link.empty() || link[0] == '/' ? "" : " (" + link + ")";
  switch (st.st_mode & S_IFMT) {
    case S_IFIFO:
      return (link.starts_with("pipe:") ? "a pipe" : "a FIFO") + named;
    case S_IFSOCK:
      return "a socket" + named;
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    default:  // anon_inode:[eventfd], [eventpoll], ...: no file type at all
      return "an anonymous inode" + named;
  }
}

}  // namespace

std::string as_seen_by(pid_t tid, const std::string& path) {
  std::string rest;
  if (under(path, "/proc/self", &rest)) return proc_path(tid, rest.empty() ? "" : rest.substr(1));
  if (under(path, "/proc/thread-self", &rest)) return proc_path(tid, "task/" + std::to_string(tid) + rest);
  return path;
}

std::optional<std::string> why_not_reopenable(pid_t tid, const std::string& path) {
  std::string seen = as_seen_by(tid, path);
  struct stat st;
  if (stat(seen.c_str(), &st) != 0) return std::nullopt;
  // The link is read only for what is refused (this runs at every open
  // the program makes).
  if (is_nsfs(seen, st)) {
    std::string link = read_link(seen);
    return "opens " + path + ", a namespace" + (link.empty() ? "" : " (" + link + ")") +
           ", which restore cannot reopen";
  }
  if (S_ISREG(st.st_mode)) {
    // Reached through /proc/PID/fd/N of a file unlinked since (or a memfd).
    if (st.st_nlink == 0) return "opens " + path + ", an unlinked file, which restore cannot reopen";
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) return std::nullopt;
  std::string link = read_link(seen);
  if (S_ISCHR(st.st_mode) && is_stateless_device(!link.empty() && link[0] == '/' ? link : path)) return std::nullopt;
  return "opens " + path + ", " + kind_of(st, link) + ", not a regular file or directory";
}

}  // namespace snappy
