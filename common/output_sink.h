// Where an output written front to back goes (snapinfo core, pack, snap -z):
// a regular file through AtomicFile, renamed into place when whole; or,
// where the path names a stream (common/output_path.h: "-", /dev/stdout,
// /dev/fd/N, a character device, a FIFO), that stream itself, written
// through in order and never replaced or renamed over.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/atomic_file.h"

namespace snappy {

class OutputSink {
 public:
  // `streams` false: only a regular file (a stream name is refused as
  // AtomicFile refuses it). Throws WriteError, naming the output as
  // output_display_name() does ("writing standard output: Broken pipe").
  OutputSink(const std::string& path, bool streams);
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  void write(const void* data, size_t size);
  // `size` zero bytes: a hole in a file, zeros written to a stream.
  void skip(uint64_t size);
  // The file sized, synced and renamed into place; a stream flushed to its
  // device where that means something. Throws WriteError.
  void commit();
  bool is_stream() const { return !file_; }

 private:
  std::string name_;  // for messages
  std::unique_ptr<AtomicFile> file_;
  int fd_ = -1;
  bool close_fd_ = false;
  uint64_t at_ = 0;
};

}  // namespace snappy
