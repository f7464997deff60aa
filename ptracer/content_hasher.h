// Hashes backing files' contents on a worker thread while capture goes on
// reading memory (FileTable::hash_in_background). Every file a snapshot
// depends on is hashed whole (xxh3-64, restore's content check): 34 MB for
// numpy's libraries, 129 MB for a JVM's lib/modules, 15-50 ms of copying
// and hashing that used to lie on the recording's critical path while the
// second core sat idle (ptracer --stats, phases "memory" and "fds").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/snapshot_writer.h"

namespace snappy {

// xxh3-64 of everything read from `fd` and the byte count (throws
// std::runtime_error "PATH: why"), read through `buf` (its size the chunk).
uint64_t hash_file_content(int fd, const std::string& path, uint64_t* bytes, std::vector<char>& buf);

class ContentHasher {
 public:
  ContentHasher() = default;
  ~ContentHasher();  // waits for the worker; results not taken are dropped
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  // Queues snapshot.files[index] (fd: the file, owned from here on; size:
  // what fstat said, which the content must still have).
  void add(uint32_t index, int fd, std::string path, uint64_t size);
  // Waits for every queued file and fills in content_hash and size; throws
  // the first file's error in queue order ("PATH: file changed size while
  // it was hashed", "PATH: reading: ..."), as the synchronous path would.
  void finish(Snapshot& snapshot);

 private:
  struct Job {
    uint32_t index;
    int fd;
    std::string path;
    uint64_t size;
    uint64_t hash = 0;
    std::exception_ptr error;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;   // queued, in order
  std::vector<Job> done_;  // hashed, in order
  bool closing_ = false;
  std::thread worker_;
};

}  // namespace snappy
