// libFuzzer target for the core writer's input: snapfs/snapshot_file.{h,cc}
// (SnapshotFile, which reads NAME.info and NAME.pages from disk) and
// snapfs/core_image.{h,cc} (CoreImage, the ELF core of one process).
//
// The input is a NAME.info file (seed corpus: fuzz/corpus/info). The target
// recomputes its info_size and checksums (else nearly every mutation stops
// at the checksum check, which info_reader_fuzzer covers), writes it as
// NAME.info into a private temporary directory next to a sparse NAME.pages
// (the size the header names, up to 256 MiB, else 64 KiB; its first 64 KiB
// alternate 4 KiB of data and 4 KiB holes; when the header binds the pages
// file with a pages_id, its last 4 KiB carry the matching trailer), opens it with SnapshotFile and,
// for each process, builds the CoreImage and reads all of it in odd-sized
// chunks, asking is_hole() for each chunk too. SnapshotError is a clean
// refusal; anything else (a crash, a sanitizer report, another exception)
// is a finding.
//
// Guards that belong to the fuzzer, not the library:
//  - cores larger than SNAPPY_FUZZ_MAX_CORE bytes (default 64 MiB) are laid
//    out but not read, to keep executions fast;
//  - a kBaseFile mapping makes SnapshotFile open the recorded path, so inputs
//    naming a file that is not a regular file, or lies under /proc, /sys or
//    /dev, are skipped (a FIFO or a terminal would block the fuzzer).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/info_reader.h"
#include "common/pages_binding.h"
#include "fuzz/fuzz_util.h"
#include "snapfs/core_image.h"
#include "snapfs/snapshot_file.h"

using namespace snappy;
using namespace snappy::format;

namespace {

constexpr uint64_t kSmallPages = 64 << 10;
constexpr uint64_t kMaxPages = 256ull << 20;
constexpr uint64_t kChunk = (1 << 20) + 4096 + 123;  // odd, to cross boundaries

volatile uint64_t g_sink;
std::string g_dir;

void remove_dir() {
  if (g_dir.empty()) return;
  unlink((g_dir + "/s.info").c_str());
  unlink((g_dir + "/s.pages").c_str());
  rmdir(g_dir.c_str());
}

uint64_t max_core() {
  static uint64_t value = [] {
    const char* env = getenv("SNAPPY_FUZZ_MAX_CORE");
    return env ? strtoull(env, nullptr, 0) : uint64_t{64} << 20;
  }();
  return value;
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    perror(path.c_str());
    abort();
  }
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n <= 0) {
      perror(path.c_str());
      abort();
    }
    data += n;
    size -= size_t(n);
  }
  close(fd);
}

// Header.pages_id binds NAME.info to the trailer in the last 4 KiB of
// NAME.pages (8 bytes "SNAPPAGE", then the id). Detected at compile time, so
// the target builds against formats with and without it.
template <typename H>
uint64_t pages_id_of(const H& h) {
  if constexpr (requires { h.pages_id; }) {
    return h.pages_id;
  } else {
    return 0;
  }
}

void write_pages(const std::string& path, uint64_t size, uint64_t pages_id) {
  static uint8_t page[4096];
  for (size_t i = 0; i < sizeof page; ++i) page[i] = uint8_t(i * 7 + 1);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate(fd, off_t(size)) != 0) {
    perror(path.c_str());
    abort();
  }
  for (uint64_t off = 0; off + sizeof page <= std::min(size, kSmallPages); off += 2 * sizeof page) {
    if (pwrite(fd, page, sizeof page, off_t(off)) != ssize_t(sizeof page)) {
      perror(path.c_str());
      abort();
    }
  }
  // Most inputs with an id get the matching trailer; a few (id % 7 == 3) a
  // mismatched one, so both outcomes of the check are exercised.
  if (pages_id != 0 && size >= kPageSize) {
    snappy::format::PagesTrailer trailer = snappy::make_pages_trailer((pages_id % 7 == 3) ? pages_id + 1 : pages_id);
    if (pwrite(fd, &trailer, sizeof trailer, off_t(size - kPageSize)) != ssize_t(sizeof trailer)) {
      perror(path.c_str());
      abort();
    }
  }
  close(fd);
}

// Whether every file the snapshot names is safe for the fuzzer to open.
bool files_are_safe(const uint8_t* info, size_t size, uint64_t pages_size) {
  InfoView view;
  InfoError error;
  if (!view.open(info, size, pages_size, &error)) return true;  // refused before any file is opened
  for (uint32_t i = 0; i < view.count(kFiles); ++i) {
    const char* path = view.string(view.file(i).path);
    if (!strncmp(path, "/proc", 5) || !strncmp(path, "/sys", 4) || !strncmp(path, "/dev", 4)) return false;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return false;
  }
  return true;
}

void read_core(const CoreImage& core) {
  uint64_t size = core.size();
  if (size > max_core()) return;
  std::vector<uint8_t> buf(kChunk);
  uint64_t sum = 0;
  for (uint64_t off = 0; off < size; off += kChunk) {
    uint64_t want = std::min(kChunk, size - off);
    uint64_t got = core.read(off, buf.data(), kChunk);
    FUZZ_CHECK(got == want);
    sum += buf[0] + buf[got - 1];
    sum += core.is_hole(off, kChunk);
  }
  if (size > 0) FUZZ_CHECK(core.read(size - 1, buf.data(), 16) == 1);
  FUZZ_CHECK(core.read(size, buf.data(), 16) == 0);
  sum += core.is_hole(size, 16);
  g_sink = sum;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char tmpl[] = "/tmp/snappy-fuzz-core.XXXXXX";
  if (!mkdtemp(tmpl)) {
    perror("mkdtemp");
    abort();
  }
  g_dir = tmpl;
  atexit(remove_dir);
  return 0;
}

// The lowest free file descriptor: the same before and after each input, or
// the code under test leaked one (a refused snapshot must close what it opened).
static int lowest_free_fd() {
  int fd = dup(2);
  if (fd < 0) {
    perror("dup");
    abort();
  }
  close(fd);
  return fd;
}

static void test_one_input(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int before = lowest_free_fd();
  test_one_input(data, size);
  FUZZ_CHECK(lowest_free_fd() == before);  // no file descriptor leaked
  return 0;
}

static void test_one_input(const uint8_t* data, size_t size) {
  if (size < sizeof(Header)) return;
  std::unique_ptr<uint8_t[]> info(new uint8_t[size]);
  memcpy(info.get(), data, size);
  uint64_t pages_size = fuzz::header_pages_size(info.get(), size);
  if (pages_size > kMaxPages) {
    pages_size = kSmallPages;
    fuzz::set_header_pages_size(info.get(), size, pages_size);
  }
  fuzz::fix_checksums(info.get(), size, /*fix_info_size=*/true);
  if (!files_are_safe(info.get(), size, pages_size)) return;

  const std::string name = g_dir + "/s";
  write_file(name + ".info", info.get(), size);
  Header header;
  memcpy(&header, info.get(), sizeof header);
  write_pages(name + ".pages", pages_size, pages_id_of(header));
  try {
    SnapshotFile snapshot(name);
    const InfoView& v = snapshot.view();
    for (uint32_t p = 0; p < v.count(kProcesses); ++p) {
      try {
        CoreImage core(snapshot, p);
        read_core(core);
      } catch (const SnapshotError&) {
      }
    }
    try {
      CoreImage none(snapshot, v.count(kProcesses));  // must be refused
      FUZZ_CHECK(false);
    } catch (const SnapshotError&) {
    }
  } catch (const SnapshotError&) {
  }
}
