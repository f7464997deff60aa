// restore --pid-ns: /proc/self/exe of an instance names the recorded
// program, as in a cold run (without the flag it names restore: README,
// "What instances share").
//
// PR_SET_MM_MAP with exe_fd replaces mm->exe_file if the caller has
// CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in its user namespace (kernel/
// sys.c prctl_set_mm_map; the instance's namespace gives it), but refuses
// with EBUSY while any mapping still maps the old exe file (kernel/fork.c
// replace_mm_exe_file): restore's own image in the window is one. So the
// image's file-backed pages are first copied into anonymous memory at the
// same addresses (the code doing it keeps running: mremap swaps the pages
// under it for identical ones).
#include "restore/restorer.h"

namespace snappy::restorer {

namespace {

// The ELF header and program headers of restore's own image, mapped by the
// kernel at kWindowStart (the first PT_LOAD starts at file offset 0).
struct ElfHeader {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct ProgramHeader {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
static_assert(sizeof(ElfHeader) == 64 && sizeof(ProgramHeader) == 56, "ELF64 layout");
constexpr uint32_t kPtLoad = 1, kPfX = 1, kPfW = 2, kPfR = 4;
constexpr uint64_t kAtEntry = 9;

// Moves [start, end) of the image to anonymous memory with `prot`.
void make_anonymous(uint64_t start, uint64_t end, int prot) {
  uint64_t size = end - start;
  long copy = check(sys::mmap(0, size, sys::kProtRead | sys::kProtWrite, sys::kMapPrivate | sys::kMapAnonymous, -1, 0),
                    "--pid-ns: copying restore's image");
  auto* to = reinterpret_cast<volatile uint64_t*>(copy);
  const auto* from = reinterpret_cast<const volatile uint64_t*>(start);
  for (uint64_t i = 0; i < size / 8; ++i) to[i] = from[i];
  check(sys::mprotect(uint64_t(copy), size, prot), "--pid-ns: copying restore's image");
  check(sys::mremap(uint64_t(copy), size, size, sys::kMremapMaymove | sys::kMremapFixed, start),
        "--pid-ns: copying restore's image");
}

}  // namespace

void make_own_image_anonymous() {
  const auto* elf = reinterpret_cast<const ElfHeader*>(kWindowStart);
  const auto* ph = reinterpret_cast<const ProgramHeader*>(kWindowStart + elf->phoff);
  // Read them all first: the first segment holds these headers.
  uint64_t starts[8], ends[8];
  int prots[8];
  int n = 0;
  for (uint16_t i = 0; i < elf->phnum && n < 8; ++i) {
    if (ph[i].type != kPtLoad || ph[i].filesz == 0) continue;
    starts[n] = ph[i].vaddr & ~(kPageSize - 1);
    ends[n] = round_up(ph[i].vaddr + ph[i].filesz);
    prots[n] = ((ph[i].flags & kPfR) ? sys::kProtRead : 0) | ((ph[i].flags & kPfW) ? sys::kProtWrite : 0) |
               ((ph[i].flags & kPfX) ? sys::kProtExec : 0);
    ++n;
  }
  for (int i = 0; i < n; ++i) make_anonymous(starts[i], ends[i], prots[i]);
}

int open_program_exe() {
  const ProcessRecord& p = *g.process;
  // The program's own file: the one mapped at its entry point (AT_ENTRY is
  // the program's even when ld.so started it).
  uint64_t entry = 0;
  const uint64_t* auxv = reinterpret_cast<const uint64_t*>(g.view.blob(p.auxv));
  for (uint64_t i = 0; i + 1 < p.auxv.size / 8 && auxv[i]; i += 2) {
    if (auxv[i] == kAtEntry) entry = auxv[i + 1];
  }
  for (uint32_t i = 0; i < p.mapping_count; ++i) {
    const MappingRecord& m = g.view.mapping(p.first_mapping + i);
    if (m.base != kBaseFile || entry < m.start || entry >= m.end) continue;
    const FileRecord& f = g.view.file(m.file_index);
    const char* path = g.view.string(f.path);
    long fd = sys::open(path, sys::kO_RDONLY | sys::kO_CLOEXEC | sys::kO_NONBLOCK);
    if (sys::is_error(fd)) die_errno(path, fd);
    sys::KernelStat st;
    check(sys::fstat(int(fd), &st), path);
    FileChange change = recorded_file_change(f, st);
    if (change == FileChange::kReplaced) die(path, "file replaced since the snapshot was recorded");
    if (change != FileChange::kNone) die(path, "file changed since the snapshot was recorded");
    return int(fd);
  }
  die("--pid-ns", "no file of the snapshot is mapped at the program's entry point (/proc/self/exe)");
}

}  // namespace snappy::restorer
