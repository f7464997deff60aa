// An address in the tracee, with the type of what lives there (rr's
// remote_ptr<T>). A distinct type so that tracee addresses and our own
// pointers cannot be mixed up: no conversion from or to a local pointer, no
// dereference. Tracee::read<T>(RemotePtr<T>) reads one T; arithmetic on a
// RemotePtr<T> counts Ts, as on a local T*. RemotePtr<> (void) is a plain
// byte address: Tracee::read_memory and read_string take one.
//
// `RemotePtr(address)` without a type argument is a RemotePtr<void> (the
// default argument, C++17 class template argument deduction).
#pragma once

#include <cstdint>
#include <type_traits>

namespace snappy {

template <typename T = void>
class RemotePtr {
 public:
  constexpr RemotePtr() = default;
  constexpr explicit RemotePtr(uint64_t address) : address_(address) {}
  template <typename U>
  RemotePtr(U*) = delete;  // a local pointer is never a tracee address
  // A typed pointer converts to a byte address, never the other way
  // (that is cast<U>(), spelled out where the type is decided).
  template <typename U = T>
    requires(!std::is_void_v<U>)
  constexpr operator RemotePtr<void>() const { return RemotePtr<void>(address_); }

  constexpr uint64_t address() const { return address_; }
  constexpr bool is_null() const { return address_ == 0; }
  // The size of one element: 1 for a byte address.
  static constexpr uint64_t element_size() {
    if constexpr (std::is_void_v<T>) {
      return 1;
    } else {
      return sizeof(T);
    }
  }
  constexpr RemotePtr operator+(uint64_t n) const { return RemotePtr(address_ + n * element_size()); }
  constexpr RemotePtr operator-(uint64_t n) const { return RemotePtr(address_ - n * element_size()); }
  constexpr bool operator==(const RemotePtr&) const = default;
  // The same address seen as a U (the field of a struct, the struct a
  // register points to).
  template <typename U>
  constexpr RemotePtr<U> cast() const { return RemotePtr<U>(address_); }

 private:
  uint64_t address_ = 0;
};

}  // namespace snappy
