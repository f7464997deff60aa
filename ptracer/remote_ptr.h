// An address in the tracee. A distinct type so that tracee addresses and our
// own pointers cannot be mixed up (rr's remote_ptr): no implicit conversion
// from or to a local pointer, and no dereference.
#pragma once

#include <cstdint>

namespace snappy {

class RemotePtr {
 public:
  constexpr RemotePtr() = default;
  constexpr explicit RemotePtr(uint64_t address) : address_(address) {}
  template <typename T>
  RemotePtr(T*) = delete;  // a local pointer is never a tracee address

  constexpr uint64_t address() const { return address_; }
  constexpr bool is_null() const { return address_ == 0; }
  constexpr RemotePtr operator+(uint64_t n) const { return RemotePtr(address_ + n); }
  constexpr bool operator==(const RemotePtr&) const = default;

 private:
  uint64_t address_ = 0;
};

}  // namespace snappy
