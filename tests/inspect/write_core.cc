// Test tool: `write_core NAME OUT [PROCESS]` writes the ELF core of process
// PROCESS (default 0) of snapshot NAME to OUT, leaving zero memory as holes
// (what `snapinfo core` does; this exists so the gdb tests do not depend
// on snapinfo).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "snapfs/core_image.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: write_core NAME OUT [PROCESS]\n");
    return 2;
  }
  try {
    snappy::SnapshotFile snapshot(argv[1]);
    snappy::CoreImage core(snapshot, argc == 4 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 0);
    int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::fprintf(stderr, "write_core: %s: %s\n", argv[2], std::strerror(errno));
      return 1;
    }
    constexpr uint64_t kChunk = 64 << 10;  // hole granularity too
    std::vector<uint8_t> buffer(kChunk);
    for (uint64_t offset = 0; offset < core.size(); offset += kChunk) {
      uint64_t n = std::min(kChunk, core.size() - offset);
      if (core.is_hole(offset, n)) continue;
      core.read(offset, buffer.data(), n);
      for (uint64_t done = 0; done < n;) {
        ssize_t w = ::pwrite(fd, buffer.data() + done, n - done, static_cast<off_t>(offset + done));
        if (w < 0) {
          std::fprintf(stderr, "write_core: %s: %s\n", argv[2], std::strerror(errno));
          return 1;
        }
        done += static_cast<uint64_t>(w);
      }
    }
    if (::ftruncate(fd, static_cast<off_t>(core.size())) != 0 || ::close(fd) != 0) {
      std::fprintf(stderr, "write_core: %s: %s\n", argv[2], std::strerror(errno));
      return 1;
    }
  } catch (const snappy::SnapshotError& e) {
    std::fprintf(stderr, "write_core: %s\n", e.what());
    return 1;
  }
  return 0;
}
