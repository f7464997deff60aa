#include "common/syscall_decode.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <utility>

#include "common/hex_text.h"
#include "common/syscall_table.h"

namespace snappy {

namespace {

struct Name {
  uint64_t value;
  const char* name;
};

std::string decimal(uint64_t v) { return std::to_string(static_cast<int64_t>(v)); }

std::string octal(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(v));
  return buf;
}

// One of `names` equal to v, else decimal.
std::string one_of(uint64_t v, std::initializer_list<Name> names) {
  for (const Name& n : names) {
    if (n.value == v) return n.name;
  }
  return decimal(v);
}

// The names of the bits of `v` joined by '|', what no name covers in hex;
// "0" for none.
std::string bits(uint64_t v, std::initializer_list<Name> names) {
  std::string s;
  for (const Name& n : names) {
    if (n.value && (v & n.value) == n.value) {
      s += (s.empty() ? "" : "|") + std::string(n.name);
      v &= ~n.value;
    }
  }
  if (v || s.empty()) s += (s.empty() ? "" : "|") + hex(v);
  return s;
}

std::string quoted(const std::string& text, bool truncated) {
  std::string s = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s + (truncated ? "\"..." : "\"");
}

constexpr size_t kMaxShown = 256;

class Decoder {
 public:
  Decoder(const uint64_t* args, const DecodeSource* source) : args_(args), source_(source) {}

  std::string fd(int i) const {
    int v = static_cast<int>(args_[i]);
    if (v == AT_FDCWD) return "AT_FDCWD";
    std::string s = std::to_string(v);
    if (source_ && v >= 0) {
      std::string target = source_->fd_target(v);
      if (!target.empty()) s += "<" + target + ">";
    }
    return s;
  }
  std::string path(int i) const { return string(i, kMaxShown); }
  std::string string(int i, size_t max) const {
    if (args_[i] == 0) return "NULL";
    if (!source_) return hex(args_[i]);
    std::optional<std::string> s = source_->string_at(args_[i], max + 1);
    if (!s) return hex(args_[i]);
    bool truncated = s->size() > max;
    return quoted(truncated ? s->substr(0, max) : *s, truncated);
  }
  std::string open_flags(int i) const { return open_flags_of(args_[i]); }
  // Names that are several bits (O_TMPFILE, O_SYNC) come before their parts.
  static std::string open_flags_of(uint64_t v) {
    uint64_t mode = v & O_ACCMODE;
    std::string s = mode == O_RDONLY ? "O_RDONLY" : mode == O_WRONLY ? "O_WRONLY" : mode == O_RDWR ? "O_RDWR" : "O_ACCMODE";
    v &= ~uint64_t{O_ACCMODE};
    if (v) {
      s += "|" + bits(v, {{O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},       {O_NOCTTY, "O_NOCTTY"},
                          {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},   {O_NONBLOCK, "O_NONBLOCK"},
                          {O_TMPFILE, "O_TMPFILE"},     {O_SYNC, "O_SYNC"},       {O_DSYNC, "O_DSYNC"},
                          {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_CLOEXEC, "O_CLOEXEC"},
                          {O_PATH, "O_PATH"},           {O_NOATIME, "O_NOATIME"}, {O_DIRECT, "O_DIRECT"},
                          {O_LARGEFILE, "O_LARGEFILE"}, {FASYNC, "O_ASYNC"}});
    }
    return s;
  }
  std::string sockaddr(int i, uint64_t len) const {
    if (!source_ || args_[i] == 0 || len < sizeof(sa_family_t) || len > sizeof(sockaddr_storage)) return hex(args_[i]);
    std::optional<std::vector<uint8_t>> b = source_->bytes_at(args_[i], len);
    if (!b) return hex(args_[i]);
    sockaddr_storage ss{};
    std::memcpy(&ss, b->data(), b->size());
    char text[INET6_ADDRSTRLEN] = "";
    switch (ss.ss_family) {
      case AF_UNIX: {
        const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
        size_t n = len - offsetof(sockaddr_un, sun_path);
        if (n > 0 && un->sun_path[0] == '\0') {  // abstract: the name is every byte after the NUL
          return "{AF_UNIX, @" + quoted(std::string(un->sun_path + 1, n - 1), false) + "}";
        }
        return "{AF_UNIX, " + quoted(std::string(un->sun_path, strnlen(un->sun_path, n)), false) + "}";
      }
      case AF_INET: {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        return "{AF_INET, " + std::string(text) + ":" + std::to_string(ntohs(in->sin_port)) + "}";
      }
      case AF_INET6: {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        return "{AF_INET6, [" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port)) + "}";
      }
      default:
        return "{" + socket_domain(ss.ss_family) + ", ...}";
    }
  }
  static std::string socket_domain(uint64_t v) {
    return one_of(v, {{AF_UNIX, "AF_UNIX"},       {AF_INET, "AF_INET"},     {AF_INET6, "AF_INET6"},
                      {AF_NETLINK, "AF_NETLINK"}, {AF_PACKET, "AF_PACKET"}, {AF_UNSPEC, "AF_UNSPEC"},
                      {AF_VSOCK, "AF_VSOCK"},     {AF_ALG, "AF_ALG"}});
  }
  static std::string socket_type(uint64_t v) {
    std::string s = one_of(v & 0xf, {{SOCK_STREAM, "SOCK_STREAM"}, {SOCK_DGRAM, "SOCK_DGRAM"}, {SOCK_RAW, "SOCK_RAW"},
                                     {SOCK_SEQPACKET, "SOCK_SEQPACKET"}, {SOCK_RDM, "SOCK_RDM"}});
    if (v & ~uint64_t{0xf}) s += "|" + bits(v & ~uint64_t{0xf}, {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}});
    return s;
  }
  // argv[0..3] of execve, "[...]" after that.
  std::string string_array(int i) const {
    if (!source_ || args_[i] == 0) return args_[i] ? hex(args_[i]) : "NULL";
    std::string s = "[";
    for (int k = 0; k < 5; ++k) {
      std::optional<std::vector<uint8_t>> p = source_->bytes_at(args_[i] + 8 * k, 8);
      if (!p) return s + (k ? ", " : "") + "?]";
      uint64_t ptr;
      std::memcpy(&ptr, p->data(), 8);
      if (ptr == 0) return s + "]";
      if (k == 4) return s + ", ...]";
      std::optional<std::string> str = source_->string_at(ptr, kMaxShown + 1);
      s += (k ? ", " : "") + (str ? quoted(str->substr(0, kMaxShown), str->size() > kMaxShown) : hex(ptr));
    }
    return s + "]";
  }

  uint64_t operator[](int i) const { return args_[i]; }

 private:
  const uint64_t* args_;
  const DecodeSource* source_;
};

std::string clone_flags(uint64_t v) {
  std::string s = bits(v & ~uint64_t{0xff},
                       {{CLONE_VM, "CLONE_VM"},
                        {CLONE_FS, "CLONE_FS"},
                        {CLONE_FILES, "CLONE_FILES"},
                        {CLONE_SIGHAND, "CLONE_SIGHAND"},
                        {CLONE_PIDFD, "CLONE_PIDFD"},
                        {CLONE_PTRACE, "CLONE_PTRACE"},
                        {CLONE_VFORK, "CLONE_VFORK"},
                        {CLONE_PARENT, "CLONE_PARENT"},
                        {CLONE_THREAD, "CLONE_THREAD"},
                        {CLONE_NEWNS, "CLONE_NEWNS"},
                        {CLONE_SYSVSEM, "CLONE_SYSVSEM"},
                        {CLONE_SETTLS, "CLONE_SETTLS"},
                        {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
                        {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
                        {CLONE_UNTRACED, "CLONE_UNTRACED"},
                        {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
                        {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
                        {CLONE_NEWUTS, "CLONE_NEWUTS"},
                        {CLONE_NEWIPC, "CLONE_NEWIPC"},
                        {CLONE_NEWUSER, "CLONE_NEWUSER"},
                        {CLONE_NEWPID, "CLONE_NEWPID"},
                        {CLONE_NEWNET, "CLONE_NEWNET"},
                        {CLONE_IO, "CLONE_IO"}});
  uint64_t signal = v & 0xff;
  if (signal) {
    const char* abbrev = sigabbrev_np(static_cast<int>(signal));
    std::string sig = abbrev ? std::string("SIG") + abbrev : std::to_string(signal);
    s = (v & ~uint64_t{0xff}) ? s + "|" + sig : sig;
  }
  return s;
}

std::string prot_bits(uint64_t v) {
  if (v == PROT_NONE) return "PROT_NONE";
  return bits(v, {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"},
                  {PROT_GROWSDOWN, "PROT_GROWSDOWN"}, {PROT_GROWSUP, "PROT_GROWSUP"}});
}

std::string map_flags(uint64_t v) {
  std::string s = one_of(v & MAP_TYPE, {{MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"},
                                        {MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"},
                                        {0x08 /* MAP_DROPPABLE, Linux 6.11 */, "MAP_DROPPABLE"}});
  if (v & ~uint64_t{MAP_TYPE}) {
    s += "|" + bits(v & ~uint64_t{MAP_TYPE},
                    {{MAP_FIXED, "MAP_FIXED"}, {MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {MAP_32BIT, "MAP_32BIT"},
                     {MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {MAP_DENYWRITE, "MAP_DENYWRITE"},
                     {MAP_EXECUTABLE, "MAP_EXECUTABLE"}, {MAP_LOCKED, "MAP_LOCKED"},
                     {MAP_NORESERVE, "MAP_NORESERVE"}, {MAP_POPULATE, "MAP_POPULATE"},
                     {MAP_NONBLOCK, "MAP_NONBLOCK"}, {MAP_STACK, "MAP_STACK"}, {MAP_HUGETLB, "MAP_HUGETLB"},
                     {MAP_SYNC, "MAP_SYNC"}, {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}});
  }
  return s;
}

std::string access_mode(uint64_t v) {
  if (v == F_OK) return "F_OK";
  return bits(v, {{R_OK, "R_OK"}, {W_OK, "W_OK"}, {X_OK, "X_OK"}});
}

std::string ioctl_request(uint64_t v) {
  return one_of(static_cast<uint32_t>(v),
                {{TCGETS, "TCGETS"},         {TCSETS, "TCSETS"},         {TCSETSW, "TCSETSW"},
                 {TCSETSF, "TCSETSF"},       {TCGETA, "TCGETA"},         {TCSETA, "TCSETA"},
                 {TIOCGWINSZ, "TIOCGWINSZ"}, {TIOCSWINSZ, "TIOCSWINSZ"}, {TIOCGPGRP, "TIOCGPGRP"},
                 {TIOCSPGRP, "TIOCSPGRP"},   {TIOCSCTTY, "TIOCSCTTY"},   {TIOCNOTTY, "TIOCNOTTY"},
                 {TIOCGPTN, "TIOCGPTN"},     {TIOCSPTLCK, "TIOCSPTLCK"}, {TIOCOUTQ, "TIOCOUTQ"},
                 {TIOCGSID, "TIOCGSID"},     {TCFLSH, "TCFLSH"},         {TCXONC, "TCXONC"},
                 {TCSBRK, "TCSBRK"},         {FIONREAD, "FIONREAD"},     {FIONBIO, "FIONBIO"},
                 {FIOASYNC, "FIOASYNC"},     {FIOCLEX, "FIOCLEX"},       {FIONCLEX, "FIONCLEX"}});
}

std::string prctl_option(uint64_t v) {
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif
  return one_of(v, {{PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"},
                    {PR_GET_PDEATHSIG, "PR_GET_PDEATHSIG"},
                    {PR_GET_DUMPABLE, "PR_GET_DUMPABLE"},
                    {PR_SET_DUMPABLE, "PR_SET_DUMPABLE"},
                    {PR_GET_KEEPCAPS, "PR_GET_KEEPCAPS"},
                    {PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS"},
                    {PR_SET_NAME, "PR_SET_NAME"},
                    {PR_GET_NAME, "PR_GET_NAME"},
                    {PR_GET_SECCOMP, "PR_GET_SECCOMP"},
                    {PR_SET_SECCOMP, "PR_SET_SECCOMP"},
                    {PR_CAPBSET_READ, "PR_CAPBSET_READ"},
                    {PR_CAPBSET_DROP, "PR_CAPBSET_DROP"},
                    {PR_GET_TIMERSLACK, "PR_GET_TIMERSLACK"},
                    {PR_SET_TIMERSLACK, "PR_SET_TIMERSLACK"},
                    {PR_SET_MM, "PR_SET_MM"},
                    {PR_SET_CHILD_SUBREAPER, "PR_SET_CHILD_SUBREAPER"},
                    {PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER"},
                    {PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS"},
                    {PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS"},
                    {PR_SET_THP_DISABLE, "PR_SET_THP_DISABLE"},
                    {PR_GET_THP_DISABLE, "PR_GET_THP_DISABLE"},
                    {PR_CAP_AMBIENT, "PR_CAP_AMBIENT"},
                    {PR_GET_SPECULATION_CTRL, "PR_GET_SPECULATION_CTRL"},
                    {PR_SET_SPECULATION_CTRL, "PR_SET_SPECULATION_CTRL"},
                    {PR_SET_PTRACER, "PR_SET_PTRACER"},
                    {PR_SET_VMA, "PR_SET_VMA"}});
}

std::string fcntl_cmd(uint64_t v) {
  return one_of(v, {{F_DUPFD, "F_DUPFD"},           {F_GETFD, "F_GETFD"},
                    {F_SETFD, "F_SETFD"},           {F_GETFL, "F_GETFL"},
                    {F_SETFL, "F_SETFL"},           {F_GETLK, "F_GETLK"},
                    {F_SETLK, "F_SETLK"},           {F_SETLKW, "F_SETLKW"},
                    {F_SETOWN, "F_SETOWN"},         {F_GETOWN, "F_GETOWN"},
                    {F_SETSIG, "F_SETSIG"},         {F_GETSIG, "F_GETSIG"},
                    {F_OFD_GETLK, "F_OFD_GETLK"},   {F_OFD_SETLK, "F_OFD_SETLK"},
                    {F_OFD_SETLKW, "F_OFD_SETLKW"}, {F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"},
                    {F_SETPIPE_SZ, "F_SETPIPE_SZ"}, {F_GETPIPE_SZ, "F_GETPIPE_SZ"},
                    {F_ADD_SEALS, "F_ADD_SEALS"},   {F_GET_SEALS, "F_GET_SEALS"},
                    {F_SETLEASE, "F_SETLEASE"},     {F_GETLEASE, "F_GETLEASE"},
                    {F_NOTIFY, "F_NOTIFY"}});
}

std::string join(std::initializer_list<std::string> parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

// The arguments of `nr`, or nullopt for a syscall decoded generically.
std::optional<std::string> arguments(long nr, const Decoder& a) {
  switch (nr) {
    case SYS_open:
      if (a[1] & (O_CREAT | O_TMPFILE)) return join({a.path(0), a.open_flags(1), octal(a[2])});
      return join({a.path(0), a.open_flags(1)});
    case SYS_creat:
      return join({a.path(0), octal(a[1])});
    case SYS_openat:
      if (a[2] & (O_CREAT | O_TMPFILE)) return join({a.fd(0), a.path(1), a.open_flags(2), octal(a[3])});
      return join({a.fd(0), a.path(1), a.open_flags(2)});
    case SYS_mkdir:
      return join({a.path(0), octal(a[1])});
    case SYS_mkdirat:
      return join({a.fd(0), a.path(1), octal(a[2])});
    case SYS_unlink: case SYS_rmdir: case SYS_chdir: case SYS_stat: case SYS_lstat:
      return nr == SYS_stat || nr == SYS_lstat ? join({a.path(0), hex(a[1])}) : a.path(0);
    case SYS_unlinkat:
      return join({a.fd(0), a.path(1), a[2] == AT_REMOVEDIR ? "AT_REMOVEDIR" : hex(a[2])});
    case SYS_rename: case SYS_link: case SYS_symlink:
      return join({a.path(0), a.path(1)});
    case SYS_renameat:
      return join({a.fd(0), a.path(1), a.fd(2), a.path(3)});
    case SYS_renameat2:
      return join({a.fd(0), a.path(1), a.fd(2), a.path(3), hex(a[4])});
    case SYS_access:
      return join({a.path(0), access_mode(a[1])});
    case SYS_faccessat: case SYS_faccessat2:
      return join({a.fd(0), a.path(1), access_mode(a[2])});
    case SYS_newfstatat:
      return join({a.fd(0), a.path(1), hex(a[2]), hex(a[3])});
    case SYS_statx:
      return join({a.fd(0), a.path(1), hex(a[2]), hex(a[3]), hex(a[4])});
    case SYS_readlink: case SYS_truncate:
      return join({a.path(0), hex(a[1]), decimal(a[2])});
    case SYS_socket:
      return join({Decoder::socket_domain(a[0]), Decoder::socket_type(a[1]), decimal(a[2])});
    case SYS_socketpair:
      return join({Decoder::socket_domain(a[0]), Decoder::socket_type(a[1]), decimal(a[2]), hex(a[3])});
    case SYS_connect: case SYS_bind:
      return join({a.fd(0), a.sockaddr(1, a[2]), decimal(a[2])});
    case SYS_listen:
      return join({a.fd(0), decimal(a[1])});
    case SYS_ioctl:
      return join({a.fd(0), ioctl_request(a[1]), hex(a[2])});
    case SYS_prctl:
      if (a[0] == PR_SET_NAME) return join({"PR_SET_NAME", a.string(1, 16)});
      if (a[0] == PR_SET_VMA) return join({"PR_SET_VMA", decimal(a[1]), hex(a[2]), decimal(a[3]), a.string(4, 80)});
      return join({prctl_option(a[0]), decimal(a[1]), decimal(a[2]), decimal(a[3]), decimal(a[4])});
    case SYS_clone:
      return join({clone_flags(a[0]), hex(a[1]), hex(a[2]), hex(a[3]), hex(a[4])});
    case SYS_clone3:  // decode_syscall reads the flags from struct clone_args
      return join({hex(a[0]), decimal(a[1])});
    case SYS_readlinkat:
      return join({a.fd(0), a.path(1), hex(a[2]), decimal(a[3])});
    case SYS_openat2:
      return join({a.fd(0), a.path(1), hex(a[2]), decimal(a[3])});
    case SYS_execve:
      return join({a.path(0), a.string_array(1), hex(a[2])});
    case SYS_execveat:
      return join({a.fd(0), a.path(1), a.string_array(2), hex(a[3]), hex(a[4])});
    case SYS_read: case SYS_write:
      return join({a.fd(0), hex(a[1]), decimal(a[2])});
    case SYS_pread64: case SYS_pwrite64:
      return join({a.fd(0), hex(a[1]), decimal(a[2]), decimal(a[3])});
    case SYS_readv: case SYS_writev:
      return join({a.fd(0), hex(a[1]), decimal(a[2])});
    case SYS_close: case SYS_fsync: case SYS_fdatasync: case SYS_fchdir:
      return a.fd(0);
    case SYS_fcntl:
      if (a[1] == F_SETFL) return join({a.fd(0), "F_SETFL", Decoder::open_flags_of(a[2])});
      if (a[1] == F_SETFD) return join({a.fd(0), "F_SETFD", a[2] == FD_CLOEXEC ? "FD_CLOEXEC" : decimal(a[2])});
      if (a[1] == F_GETFD || a[1] == F_GETFL) return join({a.fd(0), fcntl_cmd(a[1])});
      return join({a.fd(0), fcntl_cmd(a[1]), decimal(a[2])});
    case SYS_mmap:
      return join({hex(a[0]), decimal(a[1]), prot_bits(a[2]), map_flags(a[3]),
                   a[3] & MAP_ANONYMOUS ? decimal(static_cast<int>(a[4])) : a.fd(4), hex(a[5])});
    case SYS_mprotect:
      return join({hex(a[0]), decimal(a[1]), prot_bits(a[2])});
    case SYS_munmap: case SYS_mlock: case SYS_munlock:
      return join({hex(a[0]), decimal(a[1])});
    case SYS_mlock2:
      return join({hex(a[0]), decimal(a[1]), a[2] == 1 ? "MLOCK_ONFAULT" : decimal(static_cast<uint32_t>(a[2]))});
    case SYS_mlockall:
      return bits(static_cast<uint32_t>(a[0]), {{MCL_CURRENT, "MCL_CURRENT"}, {MCL_FUTURE, "MCL_FUTURE"},
                                                {MCL_ONFAULT, "MCL_ONFAULT"}});
    case SYS_kill: case SYS_tkill:
      return join({decimal(static_cast<int>(a[0])), decimal(a[1])});
    case SYS_exit: case SYS_exit_group:
      return decimal(static_cast<int>(a[0]));
    case SYS_sched_yield: case SYS_getpid: case SYS_gettid: case SYS_getppid: case SYS_getuid: case SYS_geteuid:
    case SYS_getgid: case SYS_getegid: case SYS_fork: case SYS_vfork: case SYS_pause: case SYS_sync:
    case SYS_setsid: case SYS_getpgrp: case SYS_inotify_init: case SYS_munlockall:
      return "";
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string decode_syscall(long nr, const uint64_t args[6], const DecodeSource* source) {
  Decoder decoder(args, source);
  std::optional<std::string> text = arguments(nr, decoder);
  if (nr == SYS_clone3 && source) {
    if (std::optional<std::vector<uint8_t>> b = source->bytes_at(args[0], 8)) {
      uint64_t flags;
      std::memcpy(&flags, b->data(), 8);
      text = "{flags=" + clone_flags(flags) + ", ...}, " + decimal(args[1]);
    }
  }
  if (!text) text = join({hex(args[0]), hex(args[1]), hex(args[2]), "..."});
  return syscall_name(nr) + "(" + *text + ")";
}

std::optional<int> path_argument(long nr) {
  switch (nr) {
    case SYS_open: case SYS_creat: case SYS_access: case SYS_stat: case SYS_lstat: case SYS_mkdir:
    case SYS_execve: case SYS_unlink: case SYS_rmdir: case SYS_readlink: case SYS_chdir: case SYS_truncate:
    case SYS_rename:
      return 0;
    case SYS_openat: case SYS_openat2: case SYS_faccessat: case SYS_faccessat2: case SYS_newfstatat:
    case SYS_statx: case SYS_mkdirat: case SYS_execveat: case SYS_unlinkat: case SYS_readlinkat:
    case SYS_renameat: case SYS_renameat2:
      return 1;
    default:
      return std::nullopt;
  }
}

}  // namespace snappy
