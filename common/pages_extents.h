// The one walk over NAME.pages's data and holes, for every reader: restore
// (freestanding: --verify's zero check), snapinfo (stored bytes, unstored
// data), snapfs's core image (is_hole), and pack. Zero pages are never
// written (snapshot_format.h), so a kBasePages mapping's holes read as zero
// and need no reading; the file system tells them apart (lseek SEEK_DATA /
// SEEK_HOLE, lseek(2)).
//
// Data extents are widened to whole pages (start rounded down, end up,
// then clipped to the range walked). Memory is mapped by the page and every
// pages_offset is page-aligned, so a page with any data byte is a data
// page: restore can only map, and check, whole pages, and a page's bytes
// beyond the file system's data extent (a block smaller than a page, the
// file's end) read as zero anyway, so widening never hides a byte nor adds
// a non-zero one. Where the file system cannot tell (an lseek error other
// than ENXIO), the rest is data: read and checked rather than assumed zero.
//
// Freestanding-clean: raw syscalls, no allocation, no exceptions; the
// callback is a template parameter.
#pragma once

#include <stdint.h>

#include "common/raw_syscall.h"
#include "common/snapshot_format.h"

namespace snappy {

// [offset, offset + size) of the file: data, or a hole (reads as zero).
struct PagesExtent {
  uint64_t offset, size;
  bool data;
};

enum class WalkResult {
  kDone,     // every extent of the range was passed
  kStopped,  // the callback returned false
  kRefused,  // not a range (or a mapping) that can be walked
};

namespace pages_extents_detail {

constexpr uint64_t page_down(uint64_t x) { return x & ~(format::kPageSize - 1); }
constexpr uint64_t page_up(uint64_t x) { return (x + format::kPageSize - 1) & ~(format::kPageSize - 1); }

// Passes extents to `fn`, joining neighbours of one kind (a data page
// widened into the page where the next extent starts).
template <typename Fn>
struct Joiner {
  Fn& fn;
  PagesExtent pending{0, 0, false};
  bool put(PagesExtent e) {
    if (e.size == 0) return true;
    if (pending.size && pending.data == e.data && pending.offset + pending.size == e.offset) {
      pending.size += e.size;
      return true;
    }
    bool go_on = pending.size == 0 || fn(pending);
    pending = e;
    return go_on;
  }
  bool flush() { return pending.size == 0 || fn(pending); }
};

}  // namespace pages_extents_detail

// Calls fn(const PagesExtent&) -> bool for the extents of [begin, end) of
// the file open as `fd`, in order and covering the range exactly, data and
// holes alternating. fn returns false to stop the walk. Refused: end < begin.
template <typename Fn>
WalkResult for_each_pages_extent(int fd, uint64_t begin, uint64_t end, Fn&& fn) {
  using namespace pages_extents_detail;
  if (end < begin) return WalkResult::kRefused;
  Joiner<Fn> out{fn};
  for (uint64_t at = begin; at < end;) {
    long found = sys::lseek(fd, long(at), sys::kSeekData);
    uint64_t data;
    if (found == -sys::kEnxio) {
      data = end;  // only a hole from `at` on
    } else if (found < 0) {
      data = at;  // cannot tell: data
    } else {
      data = page_down(uint64_t(found));
      if (data < at) data = at;
      if (data > end) data = end;
    }
    if (!out.put({at, data - at, false})) return WalkResult::kStopped;
    if (data == end) break;
    long hole = found < 0 ? -1 : sys::lseek(fd, found, sys::kSeekHole);
    uint64_t stop = hole < 0 ? end : page_up(uint64_t(hole));
    if (stop > end || stop <= data) stop = end;
    if (!out.put({data, stop - data, true})) return WalkResult::kStopped;
    at = stop;
  }
  return out.flush() ? WalkResult::kDone : WalkResult::kStopped;
}

// One extent of a kBasePages mapping: [address, address + size) of memory,
// stored at pages_offset of NAME.pages, or a hole (zero pages).
struct MappingExtent {
  uint64_t address, size;
  uint64_t pages_offset;  // where the extent lies in NAME.pages (holes too)
  bool data;
};

// Whether `m` is a kBasePages mapping whose part of NAME.pages can be
// walked: page-aligned, start < end, pages_offset page-aligned and its range
// not wrapping. (InfoView has refused any other; this guards direct use.)
inline bool walkable_pages_mapping(const format::MappingRecord& m) {
  using pages_extents_detail::page_down;
  return m.base == format::kBasePages && m.start < m.end && page_down(m.start) == m.start &&
         page_down(m.end) == m.end && page_down(m.pages_offset) == m.pages_offset &&
         m.pages_offset + (m.end - m.start) > m.pages_offset;
}

// Calls fn(const MappingExtent&) -> bool for the data and holes of the
// addresses [from, to) of kBasePages mapping `m`, NAME.pages open as
// `pages_fd`. Refused: not a walkable kBasePages mapping, or [from, to) not
// inside it.
template <typename Fn>
WalkResult for_each_mapping_extent(int pages_fd, const format::MappingRecord& m, uint64_t from, uint64_t to,
                                   Fn&& fn) {
  if (!walkable_pages_mapping(m)) return WalkResult::kRefused;
  if (from < m.start || to > m.end || to < from) return WalkResult::kRefused;
  uint64_t base = m.pages_offset - m.start;  // address + base: its offset in NAME.pages (mod 2^64)
  return for_each_pages_extent(pages_fd, from + base, to + base, [&](const PagesExtent& e) {
    return fn(MappingExtent{e.offset - base, e.size, e.offset, e.data});
  });
}

// The same over the whole mapping.
template <typename Fn>
WalkResult for_each_mapping_extent(int pages_fd, const format::MappingRecord& m, Fn&& fn) {
  return for_each_mapping_extent(pages_fd, m, m.start, m.end, fn);
}

}  // namespace snappy
