// /proc/PID/maps, parsed: the truth about a process's mappings at capture
// time (proc(5)).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace snappy {

struct ProcMapsEntry {
  uint64_t start = 0, end = 0;
  bool readable = false, writable = false, executable = false;
  bool shared = false;   // 's' rather than 'p'
  uint64_t offset = 0;
  uint32_t dev_major = 0, dev_minor = 0;
  uint64_t inode = 0;
  std::string path;      // "" for anonymous, "[stack]", "/usr/lib/...", may end " (deleted)"
  // The file was unlinked: the kernel appended " (deleted)" to its name.
  // A file really named "lib (deleted)" reads the same; read_proc_maps
  // tells them apart (names_unlinked_file), parse_proc_maps cannot.
  bool deleted = false;

  int prot() const;  // PROT_* bits
  bool is_file() const { return inode != 0 && !path.empty() && path[0] == '/'; }
  bool is_special() const { return !path.empty() && path[0] == '['; }  // [stack], [vdso], ...
  // The file's name without the kernel's " (deleted)", if it added one.
  std::string file_name() const;
};

// What a maps entry is: the one classifier of ptracer's capture and snap's
// (memory_capture.h holds the policy of each: what it stores, refuses or
// keeps as a file reference). In this order, the first that applies:
enum class MappingClass {
  kOutside,      // [vsyscall], beyond user space, or in restore's reserved window
  kVdso,         // [vdso]
  kVvar,         // [vvar] and, since 6.13, [vvar_vclock]: kernel data pages
  kHuge,         // hugetlbfs memory (VmFlags ht, or /anon_hugepage)
  kShm,          // SysV shared memory (/SYSV...)
  // MAP_SHARED|MAP_ANONYMOUS: "/dev/zero (deleted)" (or [anon_shmem:NAME]
  // when named), an anonymous-looking name, or a memfd.
  kAnonShared,
  kAnonPrivate,  // no name, [heap], [stack...], [anon:NAME]
  kSpecial,      // another kernel label ([...]) no snapshot knows
  kFileShared,   // any other MAP_SHARED mapping (regular file or not, deleted or not)
  kFilePrivate,  // any other MAP_PRIVATE mapping
};
// `hugetlb`: the entry's VmFlags has ht (vm_flags.h).
MappingClass classify(const ProcMapsEntry& e, bool hugetlb);

// Throws std::runtime_error on a line it cannot parse. A file entry whose
// name ends in " (deleted)" is taken as deleted.
std::vector<ProcMapsEntry> parse_proc_maps(std::string_view text);
// Reads and parses /proc/<pid>/maps; throws std::system_error. A file whose
// real name ends in " (deleted)" is not taken as deleted.
std::vector<ProcMapsEntry> read_proc_maps(pid_t pid);

// Whether `shown`, a name /proc shows for the file with device `dev` and
// inode `ino` (a maps entry, an fd's link), is the kernel's mark of an
// unlinked file: it ends in " (deleted)" and the file at `shown` itself is
// not that inode. d_path() appends the suffix to an unlinked dentry's name
// (fs/d_path.c), so a file really named "lib (deleted)" reads the same; it
// is told apart by looking it up.
bool names_unlinked_file(const std::string& shown, uint64_t dev, uint64_t ino);

}  // namespace snappy
