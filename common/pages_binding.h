// How NAME.pages is bound to its NAME.info (Header.pages_id and the
// PagesTrailer in NAME.pages's last 4 KiB), written once for every reader:
// restore (freestanding), snapinfo/snapfs, pack and the writer. Only raw
// syscalls (common/raw_syscall.h), so both worlds compile it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/snapshot_format.h"

namespace snappy {

// The trailer the writer puts at the start of NAME.pages's last page.
format::PagesTrailer make_pages_trailer(uint64_t pages_id);

// Whether NAME.pages, open as `pages_fd` and `pages_size` bytes long, ends
// with the trailer of `pages_id` (its magic and that id). A file shorter
// than a page or that cannot be read there does not.
bool pages_trailer_matches(int pages_fd, uint64_t pages_size, uint64_t pages_id);

// Whether `info` (its header intact: magic and header checksum) names
// another recording's pages than the NAME.pages open as `pages_fd`: what a
// reader sees when NAME is recorded again between its two opens (the
// writer renames NAME.pages into place first, then NAME.info), and worth
// reading the pair again. Any other damage (and an unbound pair) is left to
// the full checks: false.
bool pair_from_two_recordings(const void* info, uint64_t info_size, int pages_fd, uint64_t pages_size);

}  // namespace snappy
