#include "ptracer/content_hasher.h"

#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace snappy {

namespace {

struct StateFree {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

}  // namespace

// Streamed in chunks (libxxhash's streaming digest equals the one-shot
// XXH3_64bits of the whole content).
uint64_t hash_file_content(int fd, const std::string& path, uint64_t* bytes, std::vector<char>& buf) {
  std::unique_ptr<XXH3_state_t, StateFree> state(XXH3_createState());
  if (!state || XXH3_64bits_reset(state.get()) != XXH_OK) throw std::runtime_error(path + ": cannot allocate hash state");
  uint64_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path + ": reading: " + std::strerror(errno));
    }
    if (n == 0) break;
    XXH3_64bits_update(state.get(), buf.data(), static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  *bytes = offset;
  return XXH3_64bits_digest(state.get());
}

ContentHasher::~ContentHasher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
  for (Job& j : jobs_) ::close(j.fd);
}

void ContentHasher::add(uint32_t index, int fd, std::string path, uint64_t size) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(Job{index, fd, std::move(path), size, 0, nullptr});
  }
  wake_.notify_one();
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
}

void ContentHasher::run() {
  // One buffer for every file: a fresh 1 MiB per file was 256 page faults
  // each (malloc maps and unmaps a block that large); 256 KiB stays in L2
  // between the copy and the hash.
  std::vector<char> buf(256 << 10);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // closing, nothing left
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    try {
      uint64_t hashed = 0;
      job.hash = hash_file_content(job.fd, job.path, &hashed, buf);
      // A file that changed size while we hashed it cannot be vouched for.
      if (hashed != job.size) throw std::runtime_error(job.path + ": file changed size while it was hashed");
    } catch (...) {
      job.error = std::current_exception();
    }
    ::close(job.fd);
    lock.lock();
    done_.push_back(std::move(job));
  }
}

void ContentHasher::finish(Snapshot& snapshot) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
  for (const Job& j : done_) {
    if (j.error) std::rethrow_exception(j.error);
  }
  for (const Job& j : done_) {
    snapshot.files.at(j.index).content_hash = j.hash;
    snapshot.files.at(j.index).size = j.size;
  }
  done_.clear();
}

}  // namespace snappy
