// restore's shared state and small freestanding helpers, for the files of
// the restorer (restore_main.cc: the order of work; checks.cc: everything
// validated before the first irreversible step).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/freestanding_text.h"
#include "common/info_reader.h"
#include "common/raw_syscall.h"
#include "common/recorded_file.h"
#include "common/snapshot_format.h"
#include "restore/sigframe.h"

namespace snappy::restorer {

using namespace snappy::format;

// Window layout: our image at kWindowStart, then these.
constexpr uint64_t kInfoBuffer = kWindowStart + 0x10000000;    // NAME.info, read
constexpr uint64_t kVerifyBuffer = kWindowStart + 0x20000000;  // --verify scratch
constexpr uint64_t kParkedSpecial = kWindowStart + 0x30000000; // vDSO and vvar
constexpr uint64_t kThreadStacks = kWindowStart + 0x38000000;  // threads.cc
constexpr uint32_t kMaxThreads = 1024;  // their stacks fill the window's end
constexpr uint32_t kMaxFiles = 4096;
constexpr int kRlimitNofile = 7;

extern char g_info_path[4096 + 8];
extern char g_pages_path[4096 + 8];
extern int g_file_fds[kMaxFiles];

// restore NAME [--] ARGS... (invocation.cc): what the caller hands the
// instance. `given` with anything after NAME (`--` alone too), --env or
// --clear-env; without it restore keeps the recorded argv, environment and
// cwd, bit for bit.
struct Invocation {
  bool given = false;
  bool clear_env = false;         // --clear-env
  char** args = nullptr;          // ARGS (after NAME and its `--`)
  int arg_count = 0;
  char** sets = nullptr;          // the --env K=V values, in order
  int set_count = 0;
  char** caller_env = nullptr;    // restore's own envp
  uint64_t arg_bytes = 0;         // argv strings, NUL-terminated, back to back
  uint64_t env_bytes = 0;         // environment strings, right after them
  uint64_t arg_start = 0;         // where place_invocation() put them
};

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
  bool use_learned = true;     // not --no-learned
  bool learned_reads = false;  // --learned-reads
  // --anon=exact or --anon=mapped (the default): whether stored pages are
  // read into the memory they belong to (anonymous memory stays anonymous,
  // a written file page is a copied page of its file mapping) or mapped
  // from NAME.pages (shared page cache; see copies_stored_pages).
  bool anon_exact = false;
  Invocation invocation;
  // Some thread has no room below its stack for the frames that leave by
  // the exit gadgets: every thread resumes straight from the window, which
  // stays mapped (threads.cc).
  bool window_stays = false;
  // --pid-ns (pid_namespace.cc): the instance runs as the recorded pid in
  // a pid namespace of its own. report_fd: the init's end of the pipe that
  // tells restore what became of the program (-1 with -n N).
  bool pid_ns = false;
  int report_fd = -1;
};
// constinit: nothing runs static constructors in a freestanding program.
extern constinit State g;

// `restore: <what>: <why>[ (0xvalue)]` on stderr, exit 1.
[[noreturn]] void die(const char* what, const char* why, const uint64_t* value = nullptr);
// `restore: <what>: <strerror's text>`, exit 1.
[[noreturn]] void die_errno(const char* what, long err);
// A message part built from pieces, as "fd " + 9 or "cwd " + a path (cut
// at its capacity, which holds any path restore uses).
class Text {
 public:
  Text& add(const char* s);
  Text& number(uint64_t v);
  Text& hex(uint64_t v);  // 0x...
  const char* c_str() const { return buf_; }

 private:
  char buf_[4200] = {};
  size_t n_ = 0;
};
// `restore: fd N: <why>` (die's format with "fd N" as what).
[[noreturn]] void die_fd(uint32_t fd, const char* why);
[[noreturn]] void die_fd_errno(uint32_t fd, const char* doing, long err);
// ret, or die_errno(what) if it is an error.
long check(long ret, const char* what);
// common/freestanding_text.h, by the names restore's files use.
using cstr::decimal;
using cstr::equal;
using cstr::length;
void concat(char* out, const char* a, const char* b);
inline uint64_t round_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

// checks.cc: read and validate NAME.info and NAME.pages, the CPU, the
// backing files (and their content with --verify), the vDSO, and that the
// addresses restore writes to are writable.
void read_info();
void check_cpu();
void open_files();
void recheck_files();
void close_files();
// recorded_file_change (common/recorded_file.h) of an fd's fstat; kNone is
// is_recorded_file.
FileChange recorded_file_change(const FileRecord& f, const sys::KernelStat& st);
bool is_recorded_file(const FileRecord& f, const sys::KernelStat& st);
void verify_contents();
void check_vdso(uint64_t* auxv);
void check_program_writes();
// Every recorded fd below the caller's RLIMIT_NOFILE (its hard limit if the
// program set RLIMIT_NOFILE itself), and the cwd a directory restore can
// enter: refused with the fd or path before anything irreversible.
void check_fd_limit();
void check_exec_mounts();
// The mapping holds argv/envp: restore fills it by copy, anonymous.
bool holds_arguments(const MappingRecord& m);
// memory_map.cc. Whether a mapping's stored pages are read into the
// mapping (anonymous memory, or a private file mapping) instead of mapped
// from NAME.pages.
bool copies_stored_pages(const MappingRecord& m);
// A recorded anonymous name the kernel cannot give is refused before the
// point of no return.
void check_anon_names();
// Every recorded mapping made again with its pages and the hints fork
// keeps (apply_mapping_hints); then the backing files checked again and
// closed.
void map_snapshot();
void check_cwd();
const MappingRecord* find_mapping(uint32_t base);

// invocation.cc. Before the irreversible part: the invocation's strings
// built in the window, sizes checked. Once the snapshot is mapped: copied
// to a fresh anonymous mapping outside the window (it stays after the
// jump). Then the mm layout's arg/env fields pointed at them.
void stage_invocation();
void place_invocation();
void apply_invocation(MmLayout& mm);

// restore_main.cc: where thread `t`'s signal frame goes so that it can
// leave the window by the exit gadgets, or 0 if it cannot.
uint64_t program_frame_address(const ThreadRecord& t);
// threads.cc: clone every thread but the main one into the program (each
// waits at a gate until the timers exist), make the timers, and wait until
// each thread has left the window.
void start_threads();
// timers.cc: the kernel can give a timer its recorded id (checked before
// the irreversible step when the snapshot has timers); then every timer
// made and armed, thread-directed ones at tids[ThreadRecord index].
void check_timers();
void make_timers(const int32_t* tids);
bool writable_at(uint64_t address, uint64_t size);

// restore_main.cc: what each instance does for itself once the snapshot
// is mapped, up to the jump into the program.
[[noreturn]] void become_instance();
// pid_namespace.cc (--pid-ns). Before the point of no return, in restore:
// make the child that carries on in a new user namespace (and, for one
// instance, its pid and mount namespaces), or refuse in one line; restore
// itself stays outside and mirrors the instance (never returns there).
void enter_user_namespace();
// With -n N, after the mapping: a child that is the init of a new pid and
// mount namespace (clone3's result).
long clone_pid_namespace();
// In an init: /proc of its namespace, the program started as the recorded
// pid (become_instance), then reap and forward signals until it ends.
[[noreturn]] void become_namespace_init();
// In each thread just before it enters the program: the capabilities and
// bounding set the caller gave restore (nothing without --pid-ns).
void restore_caller_capabilities();
// program_exe.cc (--pid-ns): restore's image copied to anonymous memory
// (so that the exe link may change), and the program's file opened and
// checked to be the recorded one, for PR_SET_MM_MAP's exe_fd.
void make_own_image_anonymous();
int open_program_exe();

// mapping_flags.cc: the recorded VmFlags and mlockall(MCL_FUTURE), made
// again. Before the point of no return: the locks fit the caller's
// RLIMIT_MEMLOCK (or it has CAP_IPC_LOCK), and the kernel has
// MAP_DROPPABLE if the snapshot has droppable memory. Once mapped: the
// hints fork keeps, and the anonymous name. In each instance (after -n's
// fork): DONTFORK, WIPEONFORK, droppable memory and locks; and last before
// any program code runs (threads.cc), MCL_FUTURE.
void check_memory_locks();
void check_droppable();
void apply_mapping_hints(const MappingRecord& m);
void apply_instance_flags();
void apply_lock_future();
// prefault.cc: in each instance, before anything reads the snapshot's
// pages, the learned write set populated write-first (with --learned-reads
// the read set read too) and with --populate the stored runs of writable
// memory; advice only, failures ignored.
void prefault_instance_memory();
// fds.cc: every recorded fd recreated at its number (dies on a file that
// is not the recorded one), then the interest lists and the caller's fd 0-2
// status flags.
void reopen_fds();
// memory_map.cc: the name PR_SET_VMA_ANON_NAME gave a private anonymous
// mapping, NUL-terminated in buf (the kernel's limit, 80 bytes with the
// NUL: ANON_VMA_NAME_MAX_LEN), or nullptr if none.
constexpr uint32_t kAnonNameMax = 80;
const char* anon_name(const MappingRecord& m, char (&buf)[kAnonNameMax]);

}  // namespace snappy::restorer
