#include "common/snapshot_writer.h"

#include <cstring>

#include "common/checksum.h"

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
  out.resize((out.size() + 7) & ~size_t{7});

  header.info_size = out.size();
  header.body_checksum = checksum64(out.data() + sizeof(Header), out.size() - sizeof(Header));
  header.header_checksum = checksum64(&header, offsetof(Header, header_checksum));
  std::memcpy(out.data(), &header, sizeof(Header));
  return out;
}

}  // namespace snappy
