// /proc/PID/maps lines look like (fs/proc/task_mmu.c, show_map_vma):
//
//   7f1b86e07000-7f1b86e08000 rw-s 00001000 00:01 1025     /dev/zero (deleted)
//   start-end                 perms offset  dev   inode    [padding] name
//
// Numbers are hex except the inode (decimal). The name is padded to a
// column when present; anonymous lines end after the inode, sometimes with
// a trailing space. The name runs to the end of the line and may contain
// spaces; the kernel escapes only '\n' (as "\012", mangle_path), and
// appends " (deleted)" to unlinked files (which a file may also really be
// called: read_proc_maps looks). Names starting with '[' are the
// kernel's labels: [heap], [stack], [vdso], [vvar], [vvar_vclock] (6.13+),
// [vsyscall], [anon:NAME] (PR_SET_VMA), [anon_shmem:NAME].
#include "ptracer/proc_maps.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <system_error>

#include "common/snapshot_format.h"

namespace snappy {
namespace {

constexpr std::string_view kDeleted = " (deleted)";

bool ends_with_deleted(std::string_view name) {
  return name.size() >= kDeleted.size() && name.substr(name.size() - kDeleted.size()) == kDeleted;
}

class LineParser {
 public:
  explicit LineParser(std::string_view line) : rest_(line) {}

  bool number(uint64_t& out, int base) {
    auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), out, base);
    if (ec != std::errc() || end == rest_.data()) return false;
    rest_.remove_prefix(end - rest_.data());
    return true;
  }
  bool number32(uint32_t& out, int base) {
    uint64_t v;
    if (!number(v, base) || v > UINT32_MAX) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool literal(char c) {
    if (rest_.empty() || rest_[0] != c) return false;
    rest_.remove_prefix(1);
    return true;
  }
  bool spaces() {  // one or more
    size_t n = rest_.find_first_not_of(' ');
    if (n == 0) return false;
    rest_.remove_prefix(n == std::string_view::npos ? rest_.size() : n);
    return true;
  }
  bool perms(ProcMapsEntry& e) {
    if (rest_.size() < 4) return false;
    auto flag = [](char c, char yes, bool& out) {
      out = c == yes;
      return c == yes || c == '-';
    };
    bool ok = flag(rest_[0], 'r', e.readable) && flag(rest_[1], 'w', e.writable) &&
              flag(rest_[2], 'x', e.executable) &&
              (rest_[3] == 's' || rest_[3] == 'p');
    e.shared = rest_[3] == 's';
    rest_.remove_prefix(4);
    return ok;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// Undoes the kernel's "\012" escape of newlines in names.
std::string unescape_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, 4, "\\012") == 0) {
      out += '\n';
      i += 3;
    } else {
      out += name[i];
    }
  }
  return out;
}

ProcMapsEntry parse_line(std::string_view line, size_t line_no) {
  ProcMapsEntry e;
  LineParser p(line);
  bool ok = p.number(e.start, 16) && p.literal('-') && p.number(e.end, 16) &&
            p.spaces() && p.perms(e) && p.spaces() && p.number(e.offset, 16) &&
            p.spaces() && p.number32(e.dev_major, 16) && p.literal(':') &&
            p.number32(e.dev_minor, 16) && p.spaces() && p.number(e.inode, 10);
  if (ok && !p.rest().empty()) {
    ok = p.spaces();  // the name is separated by at least one space
  }
  if (!ok || e.end <= e.start) {
    throw std::runtime_error("cannot parse /proc/PID/maps line " +
                             std::to_string(line_no) + ": '" + std::string(line) + "'");
  }
  e.path = unescape_name(p.rest());
  e.deleted = e.is_file() && ends_with_deleted(e.path);
  return e;
}

}  // namespace

std::string ProcMapsEntry::file_name() const {
  return deleted ? path.substr(0, path.size() - kDeleted.size()) : path;
}

bool names_unlinked_file(const std::string& shown, uint64_t dev, uint64_t ino) {
  if (!ends_with_deleted(shown)) return false;
  struct stat st;
  return ::stat(shown.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_dev) != dev ||
         static_cast<uint64_t>(st.st_ino) != ino;
}

int ProcMapsEntry::prot() const {
  return (readable ? PROT_READ : 0) | (writable ? PROT_WRITE : 0) |
         (executable ? PROT_EXEC : 0);
}

std::vector<ProcMapsEntry> parse_proc_maps(std::string_view text) {
  std::vector<ProcMapsEntry> entries;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty()) continue;
    entries.push_back(parse_line(line, line_no));
  }
  return entries;
}

MappingClass classify(const ProcMapsEntry& e, bool hugetlb) {
  const std::string& p = e.path;
  auto starts = [&](std::string_view prefix) { return p.starts_with(prefix); };
  if (p == "[vsyscall]" || e.end > format::kUserAddressEnd) return MappingClass::kOutside;
  if (e.start < format::kWindowEnd && e.end > format::kWindowStart) return MappingClass::kOutside;
  if (p == "[vdso]") return MappingClass::kVdso;
  if (starts("[vvar")) return MappingClass::kVvar;
  if (hugetlb || starts("/anon_hugepage")) return MappingClass::kHuge;
  if (starts("/SYSV")) return MappingClass::kShm;
  bool anon_name = p.empty() || p == "[heap]" || starts("[stack") || starts("[anon:");
  if (e.shared && (anon_name || starts("/dev/zero") || starts("[anon_shmem:") || starts("/memfd:")))
    return MappingClass::kAnonShared;
  if (anon_name) return MappingClass::kAnonPrivate;
  if (e.is_special()) return MappingClass::kSpecial;
  return e.shared ? MappingClass::kFileShared : MappingClass::kFilePrivate;
}

std::vector<ProcMapsEntry> read_proc_maps(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/maps";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  // One read() returns whole lines (seq_file), so reading until EOF gives
  // a consistent list as long as the process is stopped.
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw std::system_error(err, std::generic_category(), "read " + path);
    }
    if (n == 0) break;
    text.append(buf, n);
  }
  close(fd);
  std::vector<ProcMapsEntry> entries = parse_proc_maps(text);
  for (ProcMapsEntry& e : entries) {
    // maps shows the device as major:minor of st_dev (proc(5)).
    if (e.deleted) e.deleted = names_unlinked_file(e.path, makedev(e.dev_major, e.dev_minor), e.inode);
  }
  return entries;
}

}  // namespace snappy
