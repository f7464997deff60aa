// Whether a program knows the checkpoint marker, asked when its snapshot
// is taken somewhere else: ptracer cannot know a marker call exists until
// it is made, but a program built or loaded with a marker helper holds the
// marker's path in its memory (a C program's .rodata, a Python module's
// constants, a loaded Java class, Node's source text). Then the summary
// line can say "the marker was not reached".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace snappy {

// Whether `needle` occurs in the readable private and file mappings of
// `pid` (stopped), reading at most `budget` bytes (a JVM reserves GiBs).
// Unreadable ranges are skipped; the loader's window and [vvar] are not
// the program's.
bool memory_mentions(pid_t pid, std::string_view needle, uint64_t budget);

}  // namespace snappy
