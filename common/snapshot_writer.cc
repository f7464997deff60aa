#include "common/snapshot_writer.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/checksum.h"
#include "common/pages_binding.h"

namespace snappy {

using namespace format;

BlobRef Snapshot::add_blob(const void* data, size_t size) {
  blob.resize((blob.size() + 7) & ~size_t{7});
  BlobRef ref{blob.size(), size};
  const auto* bytes = static_cast<const uint8_t*>(data);
  blob.insert(blob.end(), bytes, bytes + size);
  return ref;
}

BlobRef Snapshot::add_string(std::string_view s) {
  std::vector<uint8_t> bytes(s.begin(), s.end());
  bytes.push_back(0);
  return add_blob(bytes.data(), bytes.size());
}

uint64_t bind_pages_file(AtomicFile& pages, Snapshot& snapshot) {
  struct stat st;
  if (::fstat(pages.fd(), &st) != 0) throw WriteError(errno, std::generic_category(), "writing " + pages.path());
  uint64_t end = (static_cast<uint64_t>(st.st_size) + kPageSize - 1) & ~(kPageSize - 1);
  uint64_t id = 0;
  while (id == 0) {
    if (::getrandom(&id, sizeof(id), 0) != sizeof(id)) throw std::system_error(errno, std::generic_category(), "getrandom");
  }
  PagesTrailer trailer = make_pages_trailer(id);
  uint8_t page[kPageSize] = {};
  std::memcpy(page, &trailer, sizeof(trailer));
  pages.pwrite_all(page, sizeof(page), end);
  snapshot.pages_id = id;
  return end + kPageSize;
}

namespace {

template <typename T>
void place(std::vector<uint8_t>& out, Header& header, Section section,
           const std::vector<T>& records) {
  out.resize((out.size() + 7) & ~size_t{7});
  header.sections[section] = {out.size(), static_cast<uint32_t>(records.size()),
                              static_cast<uint32_t>(sizeof(T))};
  const auto* bytes = reinterpret_cast<const uint8_t*>(records.data());
  out.insert(out.end(), bytes, bytes + records.size() * sizeof(T));
}

}  // namespace

std::vector<uint8_t> serialize_info(const Snapshot& s, uint64_t pages_size) {
  Header header{};
  std::memcpy(header.magic, kInfoMagic, sizeof(header.magic));
  header.version = kVersion;
  header.header_size = sizeof(Header);
  header.arch = kArchX86_64;
  header.pages_size = pages_size;
  header.created_unix_ns = s.created_unix_ns;
  header.xcr0 = s.xcr0;
  header.xsave_size = s.xsave_size;
  header.pages_id = s.pages_id;
  header.training_runs = s.training_runs;
  header.learned_pages_id = s.training_runs ? s.pages_id : 0;
  std::memcpy(header.cpu_features, s.cpu_features, sizeof(header.cpu_features));

  std::vector<uint8_t> out(sizeof(Header));
  place(out, header, kProcesses, s.processes);
  place(out, header, kThreads, s.threads);
  place(out, header, kMappings, s.mappings);
  place(out, header, kPageRuns, s.runs);
  place(out, header, kFiles, s.files);
  place(out, header, kFds, s.fds);
  place(out, header, kSigactions, s.sigactions);
  place(out, header, kOutputs, s.outputs);
  place(out, header, kBlob, s.blob);
  place(out, header, kTimers, s.timers);
  place(out, header, kLearnedRuns, s.learned);  // last (snapfs/learned_info.cc)
  out.resize((out.size() + 7) & ~size_t{7});

  header.info_size = out.size();
  header.body_checksum = checksum64(out.data() + sizeof(Header), out.size() - sizeof(Header));
  header.header_checksum = checksum64(&header, offsetof(Header, header_checksum));
  std::memcpy(out.data(), &header, sizeof(Header));
  return out;
}

}  // namespace snappy
