// The JVM's shared performance-data file, /tmp/hsperfdata_USER/PID, which
// the recorder makes the JVM do without (docs/DESIGN.md, "Calls made to
// fail").
//
// HotSpot (perfMemory_posix.cpp, OpenJDK 17) publishes its counters for
// jps/jstat in a file named after its pid: it opens /tmp/hsperfdata_USER
// (O_RDONLY|O_NOFOLLOW) to unlink the files of dead JVMs there, mkdirs it,
// creates the PID file, ftruncates it and maps it MAP_SHARED writable. Each
// step is outside the model (a file another user may own, unlinks, a file
// created, a writable shared mapping), and a file named after the recorded
// pid has no meaning in a restored instance. When the directory cannot be
// opened the cleanup is skipped, and when mkdir fails with anything but
// EEXIST, make_user_tmp_dir() gives up, create_shared_memory() returns NULL
// and PerfMemory::create_memory_region() falls back to ordinary memory
// (PerfDisableSharedMem = true) without a word: the warnings are under
// PrintMiscellaneous && Verbose, a develop flag off in product builds. So
// the recorder makes exactly those two calls fail with EACCES, as a /tmp the
// user could not write would, and the JVM carries on as with
// -XX:-UsePerfData: nothing is created, nothing unlinked, and a restored
// instance is not listed by jps. The rule is by path: a recorded program
// that lists other JVMs' perf data (jps and jstat, JVMs themselves) sees
// none before its snapshot point.
#pragma once

#include <string>

namespace snappy {

// The errno a perf-data call is made to fail with.
inline constexpr int kPerfDataErrno = 13;  // EACCES

// `path` (absolute, as the tracee would resolve it) is /tmp/hsperfdata_NAME
// or lies under it. The JVM takes /tmp from os::get_temp_directory(), fixed
// at "/tmp" on Linux (java.io.tmpdir does not move it).
bool is_jvm_perf_data(const std::string& path);

}  // namespace snappy
