#include "common/pack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "common/output_path.h"
#include "common/output_sink.h"
#include "common/info_reader.h"
#include "common/pages_binding.h"
#include "common/pages_extents.h"
#include "common/snapshot_pair.h"

namespace snappy {

namespace {

constexpr char kPackMagic[8] = {'S', 'N', 'A', 'P', 'P', 'A', 'C', 'K'};

[[noreturn]] void fail(const std::string& what, const std::string& why) { throw SnapshotError(what + ": " + why); }

void show_progress(bool enabled, const char* verb, uint64_t done, uint64_t total) {
  if (!enabled || total == 0) return;
  int pct = static_cast<int>(done * 100 / total);
  std::fprintf(stderr, "\r%s [%-40s] %3d%%", verb, std::string(static_cast<size_t>(pct * 40 / 100), '#').c_str(), pct);
  if (done >= total) std::fprintf(stderr, "\n");
}

struct Extent {
  uint64_t offset, length;
};

std::vector<Extent> data_extents(int fd, uint64_t size) {
  std::vector<Extent> out;
  for_each_pages_extent(fd, 0, size, [&](const PagesExtent& e) {
    if (e.data) out.push_back({e.offset, e.size});
    return true;
  });
  return out;
}

// Streams bytes through one zstd compression context into an output.
class Compressor {
 public:
  Compressor(OutputSink& out, const std::string& path) : out_(out), path_(path), ctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_nbWorkers, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    buffer_.resize(ZSTD_CStreamOutSize());
  }
  ~Compressor() { ZSTD_freeCCtx(ctx_); }
  void write(const void* data, size_t size) { run(data, size, ZSTD_e_continue); }
  void finish() { run(nullptr, 0, ZSTD_e_end); }

 private:
  void run(const void* data, size_t size, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data, size, 0};
    for (;;) {
      ZSTD_outBuffer out{buffer_.data(), buffer_.size(), 0};
      size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(left)) fail(path_, ZSTD_getErrorName(left));
      if (out.pos) out_.write(buffer_.data(), out.pos);
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return;
    }
  }
  OutputSink& out_;
  std::string path_;
  ZSTD_CCtx* ctx_;
  std::vector<char> buffer_;
};

// Pulls exact byte counts out of a zstd stream.
class Decompressor {
 public:
  Decompressor(FILE* in, const std::string& path) : in_(in), path_(path), ctx_(ZSTD_createDCtx()) {
    input_.resize(ZSTD_DStreamInSize());
  }
  ~Decompressor() { ZSTD_freeDCtx(ctx_); }
  void read(void* data, size_t size) {
    ZSTD_outBuffer out{data, size, 0};
    while (out.pos < out.size) {
      if (pos_ == filled_) {
        filled_ = std::fread(input_.data(), 1, input_.size(), in_);
        pos_ = 0;
        if (filled_ == 0) fail(path_, "truncated pack file");
      }
      ZSTD_inBuffer in{input_.data(), filled_, pos_};
      size_t r = ZSTD_decompressStream(ctx_, &out, &in);
      if (ZSTD_isError(r)) fail(path_, std::string("corrupt pack file: ") + ZSTD_getErrorName(r));
      pos_ = in.pos;
    }
  }

 private:
  FILE* in_;
  std::string path_;
  ZSTD_DCtx* ctx_;
  std::vector<char> input_;
  size_t pos_ = 0, filled_ = 0;
};

}  // namespace

void pack_snapshot(const std::string& name, const std::string& out_path, bool progress, bool streams) {
  SnapshotPair snapshot(name);  // validates before anything is written
  struct stat st;
  if (::fstat(snapshot.pages_fd(), &st) != 0) fail(name + ".pages", std::strerror(errno));
  std::vector<Extent> extents = data_extents(snapshot.pages_fd(), static_cast<uint64_t>(st.st_size));
  uint64_t total = 0;
  for (const Extent& e : extents) total += e.length;

  // A failed write (a full disk, a closed pipe) is a WriteError naming
  // out_path; the compressor hands over whole blocks, so no buffering here.
  OutputSink out(out_path, streams);
  PackHeader h{};
  std::memcpy(h.magic, kPackMagic, sizeof(h.magic));
  h.version = 1;
  h.info_size = snapshot.info_bytes().size();
  h.pages_size = static_cast<uint64_t>(st.st_size);
  h.extent_count = extents.size();
  out.write(&h, sizeof(h));
  {
    Compressor z(out, output_display_name(out_path));
    z.write(snapshot.info_bytes().data(), snapshot.info_bytes().size());
    std::vector<uint8_t> buf(4 << 20);
    uint64_t done = 0;
    for (const Extent& e : extents) {
      z.write(&e.offset, 8);
      z.write(&e.length, 8);
      for (uint64_t at = 0; at < e.length;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), e.length - at));
        if (::pread(snapshot.pages_fd(), buf.data(), n, static_cast<off_t>(e.offset + at)) != static_cast<ssize_t>(n)) {
          fail(name + ".pages", "short read");
        }
        z.write(buf.data(), n);
        at += n;
        done += n;
        show_progress(progress, "packing", done, total);
      }
    }
    z.finish();
  }
  out.commit();
}

void unpack_snapshot(const std::string& in_path, const std::string& name, bool progress) {
  // "-": standard input (`snapinfo pack NAME -o - | snapinfo unpack - -o NAME2`).
  FILE* in = in_path == "-" ? stdin : std::fopen(in_path.c_str(), "rb");
  const std::string in_name = in_path == "-" ? "standard input" : in_path;
  if (!in) fail(in_name, std::strerror(errno));
  struct Closer {
    FILE* f;
    ~Closer() {
      if (f != stdin) std::fclose(f);
    }
  } closer{in};
  PackHeader h{};
  if (std::fread(&h, sizeof(h), 1, in) != 1 || std::memcmp(h.magic, kPackMagic, sizeof(h.magic)) != 0) {
    fail(in_name, "not a snappy-start pack file");
  }
  if (h.version != 1) fail(in_name, "unsupported pack version " + std::to_string(h.version));
  if (h.info_size > (256ull << 20)) fail(in_name, "info part too large");
  Decompressor z(in, in_name);
  std::vector<uint8_t> info(h.info_size);
  z.read(info.data(), info.size());

  AtomicFile pages(name + ".pages");
  pages.truncate(h.pages_size);  // the holes
  std::vector<uint8_t> buf(4 << 20);
  for (uint64_t i = 0; i < h.extent_count; ++i) {
    uint64_t offset, length;
    z.read(&offset, 8);
    z.read(&length, 8);
    if (offset > h.pages_size || length > h.pages_size - offset) fail(in_name, "extent outside the pages file");
    for (uint64_t at = 0; at < length;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), length - at));
      z.read(buf.data(), n);
      pages.pwrite_all(buf.data(), n, offset + at);
      at += n;
    }
    show_progress(progress, "unpacking", i + 1, h.extent_count);
  }
  // The unpacked pair must validate before it takes the final names.
  InfoView view;
  InfoError error;
  if (!view.open(info.data(), info.size(), h.pages_size, &error)) {
    fail(in_name, std::string("the packed snapshot is not valid: ") + error.what);
  }
  if (uint64_t id = view.header().pages_id; id != 0 && !pages_trailer_matches(pages.fd(), h.pages_size, id)) {
    fail(in_name, "the packed NAME.info and NAME.pages do not match");
  }
  AtomicFile info_file(name + ".info");
  info_file.pwrite_all(info.data(), info.size(), 0);
  pages.sync();
  info_file.sync();
  AtomicFile::rename_pair_into_place(pages, info_file);
}

}  // namespace snappy
