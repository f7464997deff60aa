// Typed accessors for FdRecord, whose `file_index` and `offset` fields mean
// something else for each fd kind (snapshot_format.h): readers name what
// they want (pipe_id(r), eventfd_counter(r)) instead of the field that
// holds it, and the writer (ptracer, snap) sets them the same way
// (set_file_fd, set_pipe_end, ...). Each is valid only for the kinds its comment names; InfoView
// has checked the blob references. Both worlds (inline, no libc).
#pragma once

#include <stdint.h>

#include "common/snapshot_format.h"

namespace snappy {

// kFdFile: the index of its file (FileRecord) and its file position.
inline uint32_t fd_file(const format::FdRecord& r) { return r.file_index; }
inline uint64_t file_position(const format::FdRecord& r) { return r.offset; }
inline void set_file_fd(format::FdRecord& r, uint32_t file, uint64_t position) {
  r.file_index = file;
  r.offset = position;
}

// kFdUnixSocket: the protocol socket(2) was given.
inline int32_t socket_protocol(const format::FdRecord& r) { return int32_t(r.offset); }
inline void set_socket_protocol(format::FdRecord& r, int32_t protocol) { r.offset = uint64_t(uint32_t(protocol)); }

// kFdEpoll: its interest list, epoll_registration_count(r)
// EpollRegistrations in the blob.
inline uint32_t epoll_registration_count(const format::FdRecord& r) { return r.file_index; }
inline format::BlobRef epoll_registrations(const format::FdRecord& r) {
  return {r.offset, uint64_t{r.file_index} * sizeof(format::EpollRegistration)};
}
inline void set_epoll_registrations(format::FdRecord& r, uint64_t blob_offset, uint32_t count) {
  r.offset = blob_offset;
  r.file_index = count;
}
// Registration `i` of the list epoll_registrations(r) points at (the blob
// is only byte-aligned for these: copied out byte by byte).
inline format::EpollRegistration epoll_registration(const uint8_t* list, uint32_t i) {
  format::EpollRegistration e;
  auto* bytes = reinterpret_cast<uint8_t*>(&e);
  for (uint64_t b = 0; b < sizeof(e); ++b) bytes[b] = list[i * sizeof(e) + b];
  return e;
}

// kFdPipeRead, kFdPipeWrite: the pipe (both ends' records name the same
// one: its blob's offset), its inode as recorded (8 bytes at the start of
// that blob), and the bytes that were in it.
inline uint64_t pipe_id(const format::FdRecord& r) { return r.offset; }
inline format::BlobRef pipe_inode(const format::FdRecord& r) { return {r.offset, 8}; }
inline format::BlobRef pipe_data(const format::FdRecord& r) { return {r.offset + 8, r.file_index}; }
inline format::BlobRef pipe_blob(const format::FdRecord& r) { return {r.offset, 8 + uint64_t{r.file_index}}; }
// `blob_offset`: the pipe's blob (its inode, then `data_size` bytes).
inline void set_pipe_end(format::FdRecord& r, uint64_t blob_offset, uint32_t data_size) {
  r.offset = blob_offset;
  r.file_index = data_size;
}
inline bool is_pipe_end(const format::FdRecord& r) {
  return r.kind == format::kFdPipeRead || r.kind == format::kFdPipeWrite;
}

// kFdEventfd: its counter and whether it was made with EFD_SEMAPHORE.
inline uint64_t eventfd_counter(const format::FdRecord& r) { return r.offset; }
inline bool eventfd_semaphore(const format::FdRecord& r) { return r.file_index != 0; }
inline void set_eventfd(format::FdRecord& r, uint64_t counter, bool semaphore) {
  r.offset = counter;
  r.file_index = semaphore ? 1 : 0;
}

// kFdCallerStatus: which of kCallerStatusBits the program changed on the
// caller's fd (their new values are open_flags).
inline uint32_t caller_status_changed(const format::FdRecord& r) { return r.file_index; }
inline void set_caller_status_changed(format::FdRecord& r, uint32_t bits) { r.file_index = bits; }

}  // namespace snappy
