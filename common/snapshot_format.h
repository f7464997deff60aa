// The snapshot format, version 7: every record of NAME.info, in one place.
//
// Compiles hosted and freestanding (only <stdint.h>/<stddef.h>).
//
// NAME.info grammar (all integers little-endian, all records 8-aligned):
//
//   Header                       at offset 0, sizeof(Header) bytes
//   section[kSectionCount]       anywhere after the header, each an array of
//                                `count` fixed-size records (record_size must
//                                equal sizeof of the record type)
//   kBlob section                bytes (record_size 1): strings, argv/envp
//                                (NUL-separated), auxv, xsave areas, output
//                                replay data. Referenced by BlobRef.
//   kLearnedRuns section         the learned working set (LearnedRunRecord),
//                                written by `snapinfo learn`; empty until then
//
// Header.header_checksum = xxh3-64 of the header bytes before that field;
// Header.body_checksum   = xxh3-64 of bytes [header_size, info_size).
//
// A process owns contiguous index ranges of the thread, mapping, fd,
// sigaction, output and timer arrays. Its mappings are sorted by address and do not
// overlap. Each mapping has a base (what an untouched page contains) and page
// runs overlaid from NAME.pages (pages the process had written).
//
// NAME.pages holds page data at 4 KiB-aligned offsets so restore can mmap it
// directly. Zero pages are never written: they stay holes in a sparse file.
// A kBasePages mapping owns [pages_offset, pages_offset + size) of the file
// and is mapped in one piece; a kBaseFile mapping's written pages are runs
// mapped over the file. Each run carries an xxh3-64 of its bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy::format {

// Bumped on every change of layout or meaning; readers refuse any other
// version ("recorded by format N, this build reads M"). History: 1, the
// first (its header grew from 224 to 264 bytes unversioned); 2, FileRecord
// gains ctime_ns; 3, EpollRegistration names the fd holding each
// registered description (24 bytes), and FileFlags gains kFileOfProcess;
// 4, MappingFlags gains kMappingLockOnFault and kMappingDroppable, and
// ProcessFlags kProcessLockFuture and kProcessLockFutureOnFault;
// 5, POSIX timers: a kTimers section (TimerRecord) and ProcessRecord's
// first_timer, timer_count and next_timer_id (608 bytes), so the header holds ten sections
// (280 bytes).
// 6, ProcessRecord gains coredump_filter (kProcessCoredumpFilter).
// 7, the learned working set: a kLearnedRuns section (LearnedRunRecord),
// Header.training_runs (in reserved0's place) and Header.learned_pages_id
// after the sections (header 280 -> 304 bytes).
constexpr uint32_t kVersion = 8;
constexpr uint32_t kArchX86_64 = 62;  // EM_X86_64
constexpr uint64_t kPageSize = 4096;
constexpr char kInfoMagic[8] = {'S', 'N', 'A', 'P', 'I', 'N', 'F', 'O'};

// The fixed address window of elf_loader and restore (the address-space
// contract in docs/DESIGN.md). 32 TiB is far from the kernel's choices for
// programs: ET_EXEC at 0x400000, PIEs near 0x55..., mmap and the stack near
// 0x7f..., and the low 32 GiB that JVMs reserve for compressed pointers.
constexpr uint64_t kWindowStart = 0x200000000000;
constexpr uint64_t kWindowSize = 0x40000000;  // 1 GiB
constexpr uint64_t kWindowEnd = kWindowStart + kWindowSize;
// Highest user address + 1 with 4-level page tables.
constexpr uint64_t kUserAddressEnd = 0x7ffffffff000;

// Limits that keep a corrupt file from asking for absurd work.
constexpr uint64_t kMaxInfoSize = 256ull << 20;
constexpr uint64_t kMaxXsaveSize = 64 << 10;

struct BlobRef {
  uint64_t offset;  // into the blob section
  uint64_t size;
};

enum Section : uint32_t {
  kProcesses,
  kThreads,
  kMappings,
  kPageRuns,
  kFiles,
  kFds,
  kSigactions,
  kOutputs,
  kBlob,
  kTimers,  // after kBlob, so the older sections keep their indices
  kLearnedRuns,  // last: `snapinfo learn` rewrites only this one
  kSectionCount
};

struct SectionRef {
  uint64_t offset;       // from the start of NAME.info
  uint32_t count;        // records
  uint32_t record_size;  // bytes per record
};
static_assert(sizeof(SectionRef) == 16, "SectionRef layout");

enum HeaderFlags : uint32_t {
  kHeaderNone = 0,
};

struct Header {
  char magic[8];             // kInfoMagic
  uint32_t version;          // kVersion
  uint32_t header_size;      // sizeof(Header)
  uint32_t arch;             // kArchX86_64
  uint32_t flags;            // HeaderFlags
  uint64_t info_size;        // bytes in NAME.info
  uint64_t pages_size;       // apparent size of NAME.pages
  uint64_t created_unix_ns;  // when the snapshot was taken
  uint64_t xcr0;             // XSAVE feature mask of the recording CPU
  uint32_t xsave_size;       // CPUID.(EAX=0DH,ECX=0):EBX on that CPU
  // How many `snapinfo learn` runs the learned set (kLearnedRuns) is the
  // union of; 0: nothing learned (the section is then empty).
  uint32_t training_runs;
  uint32_t cpu_features[8];  // common/cpu_features.h: restore needs all of them
  // Binds NAME.info to its NAME.pages: the same random id is in the pages
  // file's trailer (PagesTrailer), so a pair mixed from two recordings (a
  // writer killed between its two renames) is refused. 0: not bound.
  uint64_t pages_id;
  uint64_t body_checksum;
  SectionRef sections[kSectionCount];
  // The pages_id the learned set was trained against: equal to pages_id
  // whenever training_runs != 0 (the reader refuses anything else, so a
  // learned set never outlives the pages it describes), else 0.
  uint64_t learned_pages_id;
  uint64_t header_checksum;  // covers every byte before this field
};
static_assert(sizeof(Header) == 304, "Header layout");
static_assert(offsetof(Header, sections) == 112, "Header layout");
static_assert(offsetof(Header, learned_pages_id) == 288, "Header layout");
static_assert(offsetof(Header, header_checksum) == 296, "Header layout");

// The last 4 KiB of a bound NAME.pages (Header.pages_id != 0): after every
// page the snapshot maps, so nothing maps it.
constexpr char kPagesMagic[8] = {'S', 'N', 'A', 'P', 'P', 'A', 'G', 'E'};
struct PagesTrailer {
  char magic[8];  // kPagesMagic
  uint64_t id;    // Header.pages_id
};
static_assert(sizeof(PagesTrailer) == 16, "PagesTrailer layout");

enum ProcessFlags : uint32_t {
  kProcessNoVdso = 1,  // recorded with --no-vdso: the program never used it
  kProcessLive = 2,    // taken by `snap` from a live process: not restorable
  // The program set PR_SET_THP_DISABLE (MMF_DISABLE_THP on its mm, shown as
  // "THP_enabled: 0" in /proc/PID/status): restore sets it again.
  kProcessThpDisabled = 4,
  // The program's last successful mlockall had MCL_FUTURE (VM_LOCKED in
  // mm->def_flags: every later mapping is locked), and with it MCL_ONFAULT
  // (VM_LOCKONFAULT too). No /proc file shows def_flags: ptracer models
  // mlockall and munlockall (each replaces def_flags), and restore calls
  // mlockall(MCL_FUTURE [| MCL_ONFAULT]) last, in each instance (fork does
  // not inherit it). snap cannot know it: never set in a live snapshot.
  kProcessLockFuture = 8,
  kProcessLockFutureOnFault = 16,  // only with kProcessLockFuture
  // The program wrote its /proc/self/coredump_filter (the JVM does at
  // startup): restore writes ProcessRecord::coredump_filter into its own.
  kProcessCoredumpFilter = 32,
  // Every bit this build knows: the reader refuses others, since a flag
  // asks restore to re-apply some state and an unknown one cannot be.
  kProcessKnownFlags =
      kProcessNoVdso | kProcessLive | kProcessThpDisabled | kProcessLockFuture | kProcessLockFutureOnFault |
      kProcessCoredumpFilter,
};

// The bits of /proc/PID/coredump_filter (MMF_DUMP_FILTER_BITS = 9 in
// linux/sched/coredump.h: anonymous private and shared, file private and
// shared, ELF headers, hugetlb private and shared, DAX private and shared);
// the kernel ignores any other bit written.
inline constexpr uint32_t kCoredumpFilterBits = 0x1ff;

enum TriggerKind : uint32_t {
  kTriggerSyscall = 0,  // resumes by executing the trigger syscall for real
  kTriggerMarker = 1,   // the checkpoint marker: resumes as if it succeeded
  kTriggerAt = 2,       // --at SYSCALL: resumes by executing it for real
  kTriggerI386 = 3,     // int $0x80: nr is i386's; resumes by executing it for real
};

struct Trigger {
  uint64_t nr;       // x86-64 syscall number (i386's for kTriggerI386)
  uint64_t args[6];  // rdi, rsi, rdx, r10, r8, r9 at the trigger
  uint32_t kind;     // TriggerKind
  uint32_t thread;   // index (within the process) of the thread that hit it
};
static_assert(sizeof(Trigger) == 64, "Trigger layout");

// mm_struct fields shown in /proc/PID/stat and set with PR_SET_MM_MAP.
struct MmLayout {
  uint64_t start_code, end_code, start_data, end_data;
  uint64_t start_brk, brk, start_stack;
  uint64_t arg_start, arg_end, env_start, env_end;
};
static_assert(sizeof(MmLayout) == 88, "MmLayout layout");

// struct rlimit64; kRlimitCount resources (RLIMIT_CPU .. RLIMIT_RTTIME).
constexpr uint32_t kRlimitCount = 16;
struct RlimitRecord {
  uint64_t cur, max;
};

struct ProcessRecord {
  uint32_t pid;
  uint32_t flags;  // ProcessFlags
  uint32_t first_thread, thread_count;
  uint32_t first_mapping, mapping_count;
  uint32_t first_fd, fd_count;
  uint32_t first_sigaction, sigaction_count;
  uint32_t first_output, output_count;
  BlobRef exe;             // the program's path
  BlobRef argv;            // NUL-terminated strings, back to back
  BlobRef envp;            // likewise
  BlobRef cwd;
  BlobRef auxv;            // (type, value) u64 pairs, ending with AT_NULL
  BlobRef kernel_release;  // uname -r of the recording machine
  MmLayout mm;
  uint32_t umask;
  // Bit r: the program set resource r itself (setrlimit or prlimit64 on
  // itself, successfully, whatever the value) before the snapshot point.
  // restore applies only these, clamped to its caller's hard limit; every
  // other limit stays the caller's, as in a cold run. 0 for snap's live
  // snapshots (not restorable).
  uint32_t rlimits_set;
  // With kProcessCoredumpFilter: /proc/PID/coredump_filter as the program
  // left it (kCoredumpFilterBits only); else 0, and an instance keeps its
  // caller's, which a cold run inherits (fork and exec keep it).
  uint32_t coredump_filter;
  uint32_t reserved0;
  char comm[16];           // /proc/PID/comm (PR_SET_NAME), NUL-padded
  // Code restore borrows to unmap itself (common/exit_gadgets.h); 0 when
  // the program has none, and restore then stays mapped in its window.
  uint64_t syscall_gadget;
  uint64_t sigreturn_gadget;
  RlimitRecord rlimits[kRlimitCount];  // as at the snapshot point (see rlimits_set)
  Trigger trigger;
  uint32_t first_timer, timer_count;  // its POSIX timers (TimerRecord)
  // The id the program's next timer_create would get: the kernel hands
  // ids out in increasing order (signal_struct.next_posix_timer_id), so a
  // cold run's next timer follows every id it ever created, deleted ones
  // included. restore sets it the same way. 0 when it made none.
  int32_t next_timer_id;
  uint32_t reserved1;
};
static_assert(sizeof(ProcessRecord) == 48 + 96 + 88 + 8 + 8 + 16 + 16 + 256 + 64 + 16,
              "ProcessRecord layout");
static_assert(offsetof(ProcessRecord, coredump_filter) == 240, "ProcessRecord layout");
static_assert(offsetof(ProcessRecord, first_timer) == 600, "ProcessRecord layout");

// struct user_regs_struct (sys/user.h), in the kernel's order.
enum Reg : uint32_t {
  kR15, kR14, kR13, kR12, kRbp, kRbx, kR11, kR10, kR9, kR8, kRax, kRcx, kRdx,
  kRsi, kRdi, kOrigRax, kRip, kCs, kEflags, kRsp, kSs, kFsBase, kGsBase, kDs,
  kEs, kFs, kGs, kRegCount
};

struct ThreadRecord {
  uint32_t tid;
  uint32_t reserved0;
  // Registers as the thread must resume: at a kTriggerSyscall trigger rip
  // points back at the `syscall` instruction and rax holds its number.
  uint64_t regs[kRegCount];
  BlobRef xsave;  // XSAVE area in the standard (uncompacted) user format
  uint64_t sigmask;
  uint64_t tid_address;  // set_tid_address / CLONE_CHILD_CLEARTID
  uint64_t robust_list, robust_list_len;
  uint64_t rseq_addr;
  uint32_t rseq_len, rseq_sig;
  uint64_t altstack_sp, altstack_size;
  uint32_t altstack_flags;
  uint32_t reserved1;
};
static_assert(sizeof(ThreadRecord) == 8 + 27 * 8 + 16 + 8 * 5 + 8 + 16 + 8,
              "ThreadRecord layout");

enum MappingBase : uint32_t {
  kBaseZero = 0,   // anonymous zero pages
  kBaseFile = 1,   // files[file_index] at file_offset
  kBasePages = 2,  // NAME.pages at pages_offset (holes read as zero)
  kBaseVvar = 3,   // kernel vvar pages: moved, never stored
  kBaseVdso = 4,   // kernel vDSO: moved; checksum is the hash of its bytes
};

enum MappingFlags : uint32_t {
  kMappingShared = 1,     // MAP_SHARED (file-backed, read-only in v1)
  kMappingGrowsDown = 2,  // VM_GROWSDOWN
  // Set by madvise, mlock or mmap flags in the recorded process (smaps
  // VmFlags); restore re-applies them after mapping (MAP_NORESERVE at it).
  kMappingDontFork = 1u << 2,     // dc: MADV_DONTFORK
  kMappingWipeOnFork = 1u << 3,   // wf: MADV_WIPEONFORK
  kMappingDontDump = 1u << 4,     // dd: MADV_DONTDUMP
  kMappingHugePage = 1u << 5,     // hg: MADV_HUGEPAGE
  kMappingNoHugePage = 1u << 6,   // nh: MADV_NOHUGEPAGE
  kMappingMergeable = 1u << 7,    // mg: MADV_MERGEABLE
  kMappingSequential = 1u << 8,   // sr: MADV_SEQUENTIAL
  kMappingRandom = 1u << 9,       // rr: MADV_RANDOM
  kMappingLocked = 1u << 10,      // lo: mlock, mlock2, mlockall, MAP_LOCKED
  kMappingNoReserve = 1u << 11,   // nr: MAP_NORESERVE
  kMappingLockOnFault = 1u << 12, // lf: MLOCK_ONFAULT, MCL_ONFAULT (with lo)
  // dp: MAP_DROPPABLE (Linux 6.11): private anonymous memory the kernel may
  // free under pressure instead of swapping (the page reads zero again);
  // implies wf dd nr. restore maps it MAP_DROPPABLE and copies the stored
  // pages in: never a file mapping, so it stays droppable.
  kMappingDroppable = 1u << 13,
  kMappingKnownFlags = (1u << 14) - 1,
};

struct MappingRecord {
  uint64_t start, end;  // page-aligned, start < end
  uint32_t prot;        // PROT_READ | PROT_WRITE | PROT_EXEC
  uint32_t flags;       // MappingFlags
  uint32_t base;        // MappingBase
  uint32_t file_index;  // kBaseFile: index into the files section
  uint64_t file_offset;   // kBaseFile
  uint64_t pages_offset;  // kBasePages
  uint32_t first_run, run_count;  // page runs inside [start, end)
  BlobRef name;                   // /proc/PID/maps name, for people
  uint64_t checksum;              // kBaseVdso: xxh3-64 of its bytes
};
static_assert(sizeof(MappingRecord) == 80, "MappingRecord layout");

struct PageRunRecord {
  uint64_t start;         // virtual address, page-aligned
  uint64_t size;          // bytes, page multiple
  uint64_t pages_offset;  // in NAME.pages, page-aligned
  uint64_t checksum;      // xxh3-64 of the run's bytes
};
static_assert(sizeof(PageRunRecord) == 32, "PageRunRecord layout");

enum FileFlags : uint32_t {
  kFileContentHashed = 1,  // content_hash is valid
  kFileMayChange = 2,      // ptracer --may-change: only dev and ino are checked
  // A file of the recorded process's own /proc directory (/proc/PID/status,
  // /proc/PID/task/PID/stat), stored as /proc/self/... or
  // /proc/thread-self/...: each instance opens its own, as a cold run reads
  // its own. dev and ino are 0 (the instance's inode is another); only the
  // file type is checked. Never mapped.
  kFileOfProcess = 4,
};

// A file the snapshot depends on (mapped or open), as it was recorded. For a
// directory (S_ISDIR(mode): an open fd), a stateless device and a
// kFileMayChange file only dev and ino identify it (size, mtime_ns,
// ctime_ns are 0).
struct FileRecord {
  BlobRef path;
  uint64_t dev, ino, size;
  uint64_t mtime_ns;
  // The inode's change time. Unlike mtime it cannot be set back without
  // privilege (only changing the system clock does), so a file rewritten in
  // place and `touch -d`-ed back is still seen as changed. chmod, chown,
  // link/unlink of another name, rename and xattr changes also set it.
  uint64_t ctime_ns;
  uint64_t content_hash;  // xxh3-64 of the whole file
  uint32_t mode;          // st_mode
  uint32_t flags;         // FileFlags
};
static_assert(sizeof(FileRecord) == 72, "FileRecord layout");

enum FdKind : uint32_t {
  kFdFile = 0,        // files[file_index], reopened by path
  kFdEpoll = 1,       // an epoll instance with file_index registrations
                      // (EpollRegistration) in the blob at `offset`
  kFdUnixSocket = 2,  // an AF_UNIX socket never bound nor connected
  kFdPipeRead = 3,    // an end of a pipe; both ends' records point to one
  kFdPipeWrite = 4,   // blob at `offset` (which names the pipe): 8 bytes
                      // of the pipe's inode, then file_index bytes that
                      // were in it (at most kMaxPipeData)
  kFdEventfd = 5,     // an eventfd: `offset` its counter, file_index its
                      // EFD_SEMAPHORE flag
  // Not an fd of the snapshot: a change the program made to the status
  // flags of the caller's fd 0, 1 or 2 (F_SETFL, ioctl FIONBIO) before its
  // snapshot point. file_index: which of kCallerStatusBits it changed;
  // open_flags: their values (a subset of file_index). restore applies
  // them to its caller's description, keeping every other bit, as the cold
  // run's call would have. offset, fd_flags and description are 0; ptracer
  // writes at most one per fd.
  kFdCallerStatus = 6,
};
inline constexpr uint32_t kFdKindCount = 7;
// The status flags a kFdCallerStatus record may change (x86-64 values).
inline constexpr uint32_t kStatusAppend = 02000;    // O_APPEND
inline constexpr uint32_t kStatusNonblock = 04000;  // O_NONBLOCK
inline constexpr uint32_t kCallerStatusBits = kStatusAppend | kStatusNonblock;
inline constexpr uint32_t kMaxPipeData = 65536;  // a default pipe's capacity

// One entry of an epoll instance's interest list. The kernel keys an entry
// by (open file description, fd number at EPOLL_CTL_ADD) and keeps it until
// the description's last reference goes (fs/eventpoll.c: close(2) of that
// number does not remove it), so the registered number may since have been
// closed, or reused for another description, while a dup elsewhere keeps
// the registered one alive. `holder` is an fd of the process that holds the
// registered description now (the registered number itself when it still
// does): restore adds the entry with that description placed at `fd` for the
// call, then puts back what was at `fd`.
struct EpollRegistration {
  int32_t fd;      // the number it was registered under
  uint32_t events;
  uint64_t data;
  int32_t holder;  // an fd in the process's fd table (an FdRecord's fd)
  uint32_t reserved0;
};
static_assert(sizeof(EpollRegistration) == 24, "EpollRegistration layout");

// Read through common/fd_record.h (pipe_id(r), eventfd_counter(r), ...):
// file_index and offset mean something else for each kind.
struct FdRecord {
  int32_t fd;
  // kFdFile: O_* as from fcntl(F_GETFL), without O_CLOEXEC.
  // kFdUnixSocket: the socket type, with SOCK_NONBLOCK.
  // Pipes, eventfd, epoll: O_NONBLOCK or 0.
  uint32_t open_flags;
  uint32_t fd_flags;    // FD_CLOEXEC
  // kFdFile: the file; kFdEpoll: registrations; kFdEventfd: its flags;
  // pipes: bytes of data.
  uint32_t file_index;
  // kFdFile: file position; kFdUnixSocket: protocol; kFdEpoll: blob offset
  // of its registrations; pipes: blob offset of the pipe; kFdEventfd: the
  // counter.
  uint64_t offset;
  // fds with the same description share one open file description (dup):
  // one offset, one set of status flags. The first of each description
  // comes first.
  uint32_t description;
  uint32_t kind;  // FdKind
};
static_assert(sizeof(FdRecord) == 32, "FdRecord layout");

// struct kernel_sigaction as passed to rt_sigaction.
struct SigactionRecord {
  uint32_t signo;
  uint32_t reserved0;
  uint64_t handler, flags, restorer, mask;
};
static_assert(sizeof(SigactionRecord) == 40, "SigactionRecord layout");

// Bytes the program wrote to stdout/stderr before the trigger, in order.
struct OutputRecord {
  uint32_t fd;
  uint32_t reserved0;
  BlobRef data;
};
static_assert(sizeof(OutputRecord) == 24, "OutputRecord layout");

// sigev_notify values (asm-generic/siginfo.h): how a timer tells its
// expiry. SIGEV_THREAD is a C library notion (a callback in a thread);
// glibc implements it as kSigevThreadId to a helper thread of its own, and
// the kernel treats a raw SIGEV_THREAD like kSigevSignal.
inline constexpr uint32_t kSigevSignal = 0;
inline constexpr uint32_t kSigevNone = 1;
inline constexpr uint32_t kSigevThread = 2;
inline constexpr uint32_t kSigevThreadId = 4;  // | kSigevSignal: to one thread

// The clocks a recorded timer may use (uapi/linux/time.h). Restore
// recreates the timer on the same clock and arms it relative to now, so
// the remaining time means the same in the instance: the system clocks
// are shared, and the process CPU clock counts the instance's own CPU
// time. A thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, or a clockid made
// from a pid or tid) and the alarm clocks (CAP_WAKE_ALARM) are refused.
//
// The calling process's CPU clocks come in two spellings: 2
// (CLOCK_PROCESS_CPUTIME_ID) and MAKE_PROCESS_CPUCLOCK(0, which) =
// (~0 << 3) | which, which glibc passes for it (which: 0 PROF, 1 VIRT,
// 2 SCHED; include/linux/posix-timers.h). pid 0 is "the caller", so the
// instance's own CPU time. The kernel shows the clock as it was passed.
inline constexpr int32_t kClockRealtime = 0;
inline constexpr int32_t kClockMonotonic = 1;
inline constexpr int32_t kClockProcessCputime = 2;
inline constexpr int32_t kClockBoottime = 7;
inline constexpr int32_t kClockTai = 11;
inline constexpr int32_t kClockOwnProcessProf = -8, kClockOwnProcessVirt = -7, kClockOwnProcessSched = -6;
inline constexpr bool is_process_cpu_clock(int32_t c) {
  return c == kClockProcessCputime || c == kClockOwnProcessProf || c == kClockOwnProcessVirt ||
         c == kClockOwnProcessSched;
}
inline constexpr bool is_timer_clock(int32_t c) {
  return c == kClockRealtime || c == kClockMonotonic || c == kClockBoottime || c == kClockTai ||
         is_process_cpu_clock(c);
}

// One POSIX timer (timer_create) live at the snapshot point, as
// /proc/PID/timers lists it and as the model saw it armed. restore
// creates it with the same id (prctl PR_TIMER_CREATE_RESTORE_IDS, Linux
// 6.15) and arms it relative to its own start with `remaining_ns` and
// `interval_ns`; remaining_ns == 0 is a disarmed timer. An expiry counted
// in the recorded process (an overrun, a signal still pending) is not
// carried over (docs/DESIGN.md, "Timers").
struct TimerRecord {
  int32_t id;        // the timer_t the program holds (0 .. INT_MAX)
  int32_t clock;     // is_timer_clock
  uint32_t notify;   // kSigevSignal, kSigevNone, kSigevThread or
                     // kSigevThreadId | kSigevSignal
  uint32_t signo;    // 1..64 unless kSigevNone
  uint64_t value;    // sigev_value (sival_ptr: all 64 bits)
  uint32_t thread;   // kSigevThreadId: index (within the process) of the
                     // thread it signals; else 0
  uint32_t reserved0;
  uint64_t remaining_ns;  // to the next expiry at the snapshot point
  uint64_t interval_ns;   // it_interval; 0: one-shot
};
static_assert(sizeof(TimerRecord) == 48, "TimerRecord layout");
// At most this many timers per process: restore creates them one by one.
inline constexpr uint32_t kMaxTimers = 4096;

// One run of the learned working set (docs/DESIGN.md, "Learned working
// sets"): pages [first_page, first_page + page_count) of mapping `mapping`
// (an index into the mappings section; pages counted from its start) that
// training restores wrote (kLearnedWrite) or only read (kLearnedRead).
// restore populates write runs write-first (MADV_POPULATE_WRITE: one
// private copy per page, no read fault and no copy-on-write fault after it)
// and read runs read (MADV_POPULATE_READ: the page cache's pages mapped, no
// fault-around faults). Sorted by (mapping, first_page), never overlapping
// (a page is in one kind); write runs only in private writable mappings
// restore makes (kBaseZero, kBaseFile, kBasePages), read runs only in
// kBaseFile and kBasePages mappings.
enum LearnedKind : uint32_t {
  kLearnedWrite = 1,
  kLearnedRead = 2,
};
struct LearnedRunRecord {
  uint32_t mapping;
  uint32_t kind;  // LearnedKind
  uint64_t first_page;
  uint64_t page_count;  // > 0
};
static_assert(sizeof(LearnedRunRecord) == 24, "LearnedRunRecord layout");

// The record type of each section, for sizes and validation.
constexpr uint32_t kRecordSize[kSectionCount] = {
    sizeof(ProcessRecord), sizeof(ThreadRecord),    sizeof(MappingRecord),
    sizeof(PageRunRecord), sizeof(FileRecord),      sizeof(FdRecord),
    sizeof(SigactionRecord), sizeof(OutputRecord),  1,
    sizeof(TimerRecord),   sizeof(LearnedRunRecord),
};

}  // namespace snappy::format
