#include "common/syscall_decode.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cstring>
#include <map>

namespace snappy {
namespace {

// Memory and fds of a pretend process.
class FakeSource : public DecodeSource {
 public:
  std::map<uint64_t, std::vector<uint8_t>> memory;
  std::map<int, std::string> fds;

  void put(uint64_t address, const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    memory[address] = std::vector<uint8_t>(p, p + size);
  }
  void put_string(uint64_t address, const std::string& s) { put(address, s.c_str(), s.size() + 1); }

  std::optional<std::string> string_at(uint64_t address, size_t max) const override {
    auto it = memory.find(address);
    if (it == memory.end()) return std::nullopt;
    std::string s(reinterpret_cast<const char*>(it->second.data()), it->second.size());
    s = s.substr(0, std::min(s.find('\0'), max));
    return s;
  }
  std::optional<std::vector<uint8_t>> bytes_at(uint64_t address, size_t size) const override {
    for (const auto& [start, bytes] : memory) {  // any run of bytes inside one put()
      if (address >= start && address + size <= start + bytes.size()) {
        return std::vector<uint8_t>(bytes.begin() + (address - start), bytes.begin() + (address - start + size));
      }
    }
    return std::nullopt;
  }
  std::string fd_target(int fd) const override {
    auto it = fds.find(fd);
    return it == fds.end() ? "" : it->second;
  }
};

std::string decode(long nr, std::initializer_list<uint64_t> list, const DecodeSource* source) {
  uint64_t args[6] = {};
  size_t i = 0;
  for (uint64_t v : list) args[i++] = v;
  return decode_syscall(nr, args, source);
}

TEST(SyscallDecode, PathsFlagsModes) {
  FakeSource s;
  s.put_string(0x1000, "/dev/shm/sem.mp-1");
  EXPECT_EQ(decode(SYS_openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDWR | O_CREAT | O_EXCL, 0600}, &s),
            "openat(AT_FDCWD, \"/dev/shm/sem.mp-1\", O_RDWR|O_CREAT|O_EXCL, 0600)");
  // No mode without O_CREAT; without the process, the pointer.
  EXPECT_EQ(decode(SYS_openat, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY | O_CLOEXEC, 0}, nullptr),
            "openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC)");
  EXPECT_EQ(decode(SYS_open, {0x1000, O_WRONLY | O_SYNC | O_APPEND}, nullptr), "open(0x1000, O_WRONLY|O_APPEND|O_SYNC)");
  EXPECT_EQ(decode(SYS_openat, {3, 0x1000, O_RDWR | O_TMPFILE, 0600}, nullptr), "openat(3, 0x1000, O_RDWR|O_TMPFILE, 0600)");
  EXPECT_EQ(decode(SYS_mkdir, {0x1000, 0700}, &s), "mkdir(\"/dev/shm/sem.mp-1\", 0700)");
  EXPECT_EQ(decode(SYS_open, {0x2000, O_WRONLY}, &s), "open(0x2000, O_WRONLY)");  // unreadable
  s.put_string(0x3000, std::string("a\"b\n"));
  EXPECT_EQ(decode(SYS_unlink, {0x3000}, &s), "unlink(\"a\\\"b\\x0a\")");
  s.put_string(0x4000, std::string(300, 'x'));
  EXPECT_EQ(decode(SYS_unlink, {0x4000}, &s), "unlink(\"" + std::string(256, 'x') + "\"...)");
}

TEST(SyscallDecode, FdsAndRequests) {
  FakeSource s;
  s.fds[1] = "/dev/pts/3";
  s.fds[4] = "pipe:[1234]";
  EXPECT_EQ(decode(SYS_ioctl, {1, TIOCGWINSZ, 0x7ffd0000}, &s), "ioctl(1</dev/pts/3>, TIOCGWINSZ, 0x7ffd0000)");
  EXPECT_EQ(decode(SYS_ioctl, {4, FIONBIO, 0x10}, &s), "ioctl(4<pipe:[1234]>, FIONBIO, 0x10)");
  EXPECT_EQ(decode(SYS_ioctl, {4, 0x1234, 0}, nullptr), "ioctl(4, 4660, 0x0)");
  EXPECT_EQ(decode(SYS_fcntl, {2, F_SETFL, O_WRONLY | O_APPEND}, nullptr), "fcntl(2, F_SETFL, O_WRONLY|O_APPEND)");
  EXPECT_EQ(decode(SYS_write, {4, 0x10, 5}, &s), "write(4<pipe:[1234]>, 0x10, 5)");
}

TEST(SyscallDecode, SocketsPrctlCloneMmap) {
  FakeSource s;
  EXPECT_EQ(decode(SYS_socket, {AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0}, nullptr),
            "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0)");
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strcpy(un.sun_path, "/run/nscd/socket");
  s.put(0x5000, &un, sizeof un);
  EXPECT_EQ(decode(SYS_connect, {3, 0x5000, sizeof un}, &s), "connect(3, {AF_UNIX, \"/run/nscd/socket\"}, 110)");
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(8080);
  in.sin_addr.s_addr = htonl(0x7f000001);
  s.put(0x6000, &in, sizeof in);
  EXPECT_EQ(decode(SYS_connect, {3, 0x6000, sizeof in}, &s), "connect(3, {AF_INET, 127.0.0.1:8080}, 16)");
  EXPECT_EQ(decode(SYS_prctl, {PR_SET_THP_DISABLE, 1, 0, 0, 0}, nullptr), "prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)");
  s.put_string(0x7000, "worker");
  EXPECT_EQ(decode(SYS_prctl, {PR_SET_NAME, 0x7000}, &s), "prctl(PR_SET_NAME, \"worker\")");
  EXPECT_EQ(decode(SYS_clone, {CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0x10, 0}, nullptr),
            "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, 0x0, 0x0, 0x10, 0x0)");
  uint64_t clone_args[2] = {CLONE_VM | CLONE_VFORK, 0};
  s.put(0x8000, clone_args, sizeof clone_args);
  EXPECT_EQ(decode(SYS_clone3, {0x8000, 88}, &s), "clone3({flags=CLONE_VM|CLONE_VFORK, ...}, 88)");
  EXPECT_EQ(decode(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0},
                   nullptr),
            "mmap(0x0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0x0)");
  EXPECT_EQ(decode(SYS_mmap, {0, 4096, PROT_READ, 0x08 | MAP_ANONYMOUS | MAP_LOCKED, static_cast<uint64_t>(-1), 0},
                   nullptr),
            "mmap(0x0, 4096, PROT_READ, MAP_DROPPABLE|MAP_ANONYMOUS|MAP_LOCKED, -1, 0x0)");
  // What a snapshot point at mlockall(MCL_CURRENT) shows (the registers
  // past its one argument are not part of the call).
  EXPECT_EQ(decode(SYS_mlockall, {MCL_CURRENT | MCL_FUTURE, 1, 1}, nullptr), "mlockall(MCL_CURRENT|MCL_FUTURE)");
  EXPECT_EQ(decode(SYS_mlockall, {MCL_FUTURE | MCL_ONFAULT | 0x10}, nullptr), "mlockall(MCL_FUTURE|MCL_ONFAULT|0x10)");
  EXPECT_EQ(decode(SYS_mlock2, {0x1000, 8192, 1}, nullptr), "mlock2(0x1000, 8192, MLOCK_ONFAULT)");
  EXPECT_EQ(decode(SYS_munlock, {0x1000, 8192}, nullptr), "munlock(0x1000, 8192)");
}

TEST(SyscallDecode, ExecveAndGeneric) {
  FakeSource s;
  s.put_string(0x1000, "/usr/bin/uname");
  s.put_string(0x1100, "uname");
  s.put_string(0x1200, "-p");
  uint64_t argv[3] = {0x1100, 0x1200, 0};
  s.put(0x2000, argv, sizeof argv);
  EXPECT_EQ(decode(SYS_execve, {0x1000, 0x2000, 0x3000}, &s), "execve(\"/usr/bin/uname\", [\"uname\", \"-p\"], 0x3000)");
  EXPECT_EQ(decode(SYS_sched_yield, {}, nullptr), "sched_yield()");
  EXPECT_EQ(decode(SYS_timerfd_create, {1, 0x80800}, nullptr), "timerfd_create(0x1, 0x80800, 0x0, ...)");
}

TEST(SyscallDecode, PathArgument) {
  EXPECT_EQ(path_argument(SYS_open), 0);
  EXPECT_EQ(path_argument(SYS_openat), 1);
  EXPECT_EQ(path_argument(SYS_execve), 0);
  EXPECT_EQ(path_argument(SYS_newfstatat), 1);
  EXPECT_EQ(path_argument(SYS_getpid), std::nullopt);
}

}  // namespace
}  // namespace snappy
