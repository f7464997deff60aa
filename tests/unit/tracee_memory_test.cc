// Tracee memory by type (ptracer/tracee.h, remote_ptr.h), on a forked child
// of this test stopped under ptrace: the child's memory is a copy of ours at
// the same addresses, so what it holds is known here.
#include "ptracer/tracee.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "ptracer/remote_ptr.h"

namespace snappy {
namespace {

struct Sample {
  uint64_t a;
  uint32_t b;
  char text[12];
};

static_assert(RemotePtr<Sample>(0x1000).operator+(2).address() == 0x1000 + 2 * sizeof(Sample));
static_assert((RemotePtr<>(0x1000) + 3).address() == 0x1003);
static_assert(RemotePtr<uint32_t>(0x2000).cast<uint64_t>().address() == 0x2000);
static_assert(!std::is_convertible_v<RemotePtr<>, RemotePtr<Sample>>, "a byte address is cast<T>() explicitly");
static_assert(std::is_convertible_v<RemotePtr<Sample>, RemotePtr<>>);
static_assert(!std::is_constructible_v<RemotePtr<>, int*>, "a local pointer is no tracee address");

int open_fd_count() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

// A child stopped in a ptrace-stop (SIGSTOP): every Tracee call is valid on
// it. Killed and reaped at the end of the test.
class StoppedChild {
 public:
  // `then_exec`: after the stop, the child execs /bin/sleep (a SIGTRAP stop
  // under PTRACE_TRACEME).
  explicit StoppedChild(bool then_exec = false) {
    pid_ = fork();
    if (pid_ == 0) {
      ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      raise(SIGSTOP);
      if (then_exec) execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
      _exit(0);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid_, &status, 0), pid_);
    EXPECT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP) << status;
  }
  ~StoppedChild() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  // Lets it run to its exec stop.
  void continue_to_exec() {
    ASSERT_EQ(ptrace(PTRACE_CONT, pid_, nullptr, nullptr), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid_, &status, 0), pid_);
    ASSERT_TRUE(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP) << status;
  }

 private:
  pid_t pid_;
};

template <typename T>
RemotePtr<T> remote(const T* local) {
  return RemotePtr<T>(reinterpret_cast<uint64_t>(local));
}

TEST(TraceeMemory, ReadsStructsArraysAndStrings) {
  static Sample sample{0x1122334455667788, 42, "tracee"};
  static uint32_t numbers[5] = {1, 1, 2, 3, 5};
  StoppedChild child;
  Tracee tracee(child.pid());

  Sample got = tracee.read(remote(&sample));
  EXPECT_EQ(got.a, sample.a);
  EXPECT_EQ(got.b, 42u);
  EXPECT_STREQ(got.text, "tracee");
  EXPECT_EQ(tracee.read(remote(&numbers[0]) + 4), 5u);
  EXPECT_EQ(tracee.read_array(remote(&numbers[0]) + 1, 4), (std::vector<uint32_t>{1, 2, 3, 5}));
  EXPECT_TRUE(tracee.read_array(remote(&numbers[0]), 0).empty());
  EXPECT_EQ(tracee.read_string(remote(&sample.text[0])), "tracee");
  EXPECT_EQ(tracee.read_string(remote(&sample.text[3])), "cee");
}

TEST(TraceeMemory, StringEndingAtTheEndOfAMapping) {
  // "abc" in the last bytes of a page followed by an unmapped one: read
  // page by page, never past the NUL.
  auto* pages = static_cast<char*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(pages, MAP_FAILED);
  ASSERT_EQ(munmap(pages + 4096, 4096), 0);
  std::memcpy(pages + 4092, "abc", 4);
  std::memset(pages, 'x', 4092);
  auto* unterminated = static_cast<char*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(unterminated, MAP_FAILED);
  ASSERT_EQ(munmap(unterminated + 4096, 4096), 0);
  std::memcpy(unterminated + 4093, "xyz", 3);
  StoppedChild child;
  Tracee tracee(child.pid());
  EXPECT_EQ(tracee.read_string(remote(pages + 4092)), "abc");
  EXPECT_EQ(tracee.read_string(remote(pages), 8000), std::string(4092, 'x') + "abc");
  try {
    tracee.read_string(remote(pages), 100);
    ADD_FAILURE() << "a string longer than its limit was read";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "tracee string longer than 100 bytes");
  }
  // No NUL before the unmapped page: a fault, with what came before it.
  std::string partial;
  EXPECT_THROW(tracee.append_string(remote(unterminated + 4093), 100, partial), std::system_error);
  EXPECT_EQ(partial, "xyz");
  munmap(unterminated, 4096);
  munmap(pages, 4096);
}

TEST(TraceeMemory, ReadsProtNoneThroughOneMemFd) {
  auto* page = static_cast<uint64_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(page, MAP_FAILED);
  page[0] = 0xfeedface;
  page[7] = 77;
  ASSERT_EQ(mprotect(page, 4096, PROT_NONE), 0);
  StoppedChild child;
  int before = open_fd_count();
  {
    Tracee tracee(child.pid());
    // process_vm_readv cannot read PROT_NONE; /proc/TID/mem can.
    EXPECT_EQ(tracee.read(remote(page)), 0xfeedfaceu);
    EXPECT_EQ(open_fd_count(), before + 1);
    EXPECT_EQ(tracee.read(remote(page) + 7), 77u);
    uint64_t value = 99;
    tracee.write_memory(remote(page) + 1, &value, sizeof(value));
    EXPECT_EQ(tracee.read(remote(page) + 1), 99u);
    EXPECT_EQ(open_fd_count(), before + 1) << "the mem fd is opened once, not per read";
    Tracee moved = std::move(tracee);
    EXPECT_EQ(moved.read(remote(page)), 0xfeedfaceu);
    EXPECT_EQ(open_fd_count(), before + 1);
  }
  EXPECT_EQ(open_fd_count(), before) << "the mem fd is closed with its Tracee";
  munmap(page, 4096);
}

TEST(TraceeMemory, UnmappedAddressThrowsEio) {
  auto* page = static_cast<char*>(mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(page, MAP_FAILED);
  ASSERT_EQ(munmap(page, 4096), 0);
  StoppedChild child;
  Tracee tracee(child.pid());
  try {
    tracee.read(RemotePtr<uint64_t>(reinterpret_cast<uint64_t>(page)));
    ADD_FAILURE() << "an unmapped address was read";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EIO);
    EXPECT_EQ(std::string(e.what()).rfind("reading tracee memory: ", 0), 0u) << e.what();
  }
}

TEST(TraceeMemory, MemFdFollowsAnExec) {
  StoppedChild child(/*then_exec=*/true);
  Tracee tracee(child.pid());
  static uint64_t marker = 5;
  uint64_t value = 6;
  tracee.write_memory(remote(&marker), &value, sizeof(value));  // opens the fd on this mm
  EXPECT_EQ(tracee.read(remote(&marker)), 6u);
  child.continue_to_exec();
  // The fd was opened on the mm the exec replaced: it reads nothing, and
  // the Tracee reopens it on the new one (write_memory always uses it).
  RemotePtr<uint64_t> stack(tracee.registers().rsp - 64);
  value = 0x5eed;
  tracee.write_memory(stack, &value, sizeof(value));
  EXPECT_EQ(tracee.read(stack), 0x5eedu);
}

}  // namespace
}  // namespace snappy
