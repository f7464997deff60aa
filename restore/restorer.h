// restore's shared state and small freestanding helpers, for the files of
// the restorer (restore_main.cc: the order of work; checks.cc: everything
// validated before the first irreversible step).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/info_reader.h"
#include "common/raw_syscall.h"
#include "common/snapshot_format.h"
#include "restore/sigframe.h"

namespace snappy::restorer {

using namespace snappy::format;

// Window layout: our image at kWindowStart, then these.
constexpr uint64_t kInfoBuffer = kWindowStart + 0x10000000;    // NAME.info, read
constexpr uint64_t kVerifyBuffer = kWindowStart + 0x20000000;  // --verify scratch
constexpr uint64_t kParkedSpecial = kWindowStart + 0x30000000; // vDSO and vvar
constexpr uint32_t kMaxFiles = 4096;

extern char g_info_path[4096 + 8];
extern char g_pages_path[4096 + 8];
extern int g_file_fds[kMaxFiles];

struct State {
  InfoView view;
  const ProcessRecord* process = nullptr;
  const ThreadRecord* thread = nullptr;
  int pages_fd = -1;
  uint64_t current_vdso = 0;   // where the kernel put our vDSO
  uint64_t recorded_vdso = 0;  // where the snapshot wants it
  bool verify = false;
  uint32_t instances = 1;      // -n N
  bool trust = false;          // --trust
  bool stop = false;           // --stop
  bool populate = false;       // --populate
};
// constinit: nothing runs static constructors in a freestanding program.
extern constinit State g;

// `restore: <what>: <why>[ (0xvalue)]` on stderr, exit 1.
[[noreturn]] void die(const char* what, const char* why, const uint64_t* value = nullptr);
[[noreturn]] void die_errno(const char* what, long err);
// ret, or die_errno(what) if it is an error.
long check(long ret, const char* what);
size_t length(const char* s);
bool equal(const char* a, const char* b);
void concat(char* out, const char* a, const char* b);
// Writes `v` in decimal to `out`; returns the number of digits.
size_t decimal(uint64_t v, char* out);
inline uint64_t round_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

// checks.cc: read and validate NAME.info and NAME.pages, the CPU, the
// backing files (and their content with --verify), the vDSO, and that the
// addresses restore writes to are writable.
void read_info();
void check_cpu();
void open_files();
void verify_contents();
void check_vdso(uint64_t* auxv);
void check_program_writes();
const MappingRecord* find_mapping(uint32_t base);
bool writable_at(uint64_t address, uint64_t size);

}  // namespace snappy::restorer
