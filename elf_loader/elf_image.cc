#include "elf_loader/elf_image.h"

#include "common/raw_syscall.h"
#include "elf_loader/die.h"
#include "elf_loader/elf.h"

namespace snappy {
namespace {

using elf::Elf64_Ehdr;
using elf::Elf64_Phdr;

constexpr long kEnoexec = -8, kEacces = -13, kEisdir = -21;
constexpr uint32_t kModeTypeMask = 0170000, kModeRegular = 0100000,
                   kModeDirectory = 0040000;
// The kernel refuses program header tables larger than one page
// (load_elf_phdrs: size > ELF_MIN_ALIGN); so do we.
constexpr unsigned kMaxPhdrs = sys::kPageSize / sizeof(Elf64_Phdr);
// User addresses end below 2^47 with 4-level paging; anything beyond is a
// corrupt header, and the check keeps the arithmetic below from wrapping.
constexpr uint64_t kAddressLimit = uint64_t{1} << 47;
// Larger p_align values are not honoured (the kernel caps them similarly).
constexpr uint64_t kMaxAlign = uint64_t{1} << 30;
// int faccessat(int dirfd, const char *pathname, int mode) with X_OK.
constexpr int kXOk = 1;

uint64_t page_down(uint64_t x) { return x & ~uint64_t(sys::kPageSize - 1); }
uint64_t page_up(uint64_t x) { return page_down(x + sys::kPageSize - 1); }

int prot_of(uint32_t flags) {
  return (flags & elf::kPfR ? sys::kProtRead : 0) |
         (flags & elf::kPfW ? sys::kProtWrite : 0) |
         (flags & elf::kPfX ? sys::kProtExec : 0);
}

// Reads exactly `size` bytes at `offset`; a short read means the file is
// truncated, which execve reports as ENOEXEC.
void read_exactly(const char* path, int fd, void* buf, uint64_t size,
                  uint64_t offset) {
  long n = sys::pread(fd, buf, size, offset);
  if (sys::is_error(n)) die(path, why_errno(n));
  if (static_cast<uint64_t>(n) != size) die(path, why_errno(kEnoexec));
}

int open_executable(const char* path) {
  long fd = sys::open(path, sys::kO_RDONLY | sys::kO_CLOEXEC);
  if (sys::is_error(fd)) die(path, why_errno(fd));
  // execve runs only regular files with execute permission (EACCES).
  sys::KernelStat st;
  long err = sys::fstat(fd, &st);
  if (sys::is_error(err)) die(path, why_errno(err));
  uint32_t type = st.st_mode & kModeTypeMask;
  if (type != kModeRegular) die(path, why_errno(type == kModeDirectory ? kEisdir : kEacces));
  err = sys::faccessat(sys::kAtFdcwd, path, kXOk);
  if (sys::is_error(err)) die(path, why_errno(err));
  return static_cast<int>(fd);
}

void validate_header(const char* path, const Elf64_Ehdr& eh) {
  const unsigned char* id = eh.e_ident;
  if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F') {
    die(path, why_errno(kEnoexec));
  }
  if (id[elf::kEiClass] != elf::kElfClass64 ||
      id[elf::kEiData] != elf::kElfData2Lsb || eh.e_machine != elf::kEmX86_64) {
    die(path, "not an x86-64 ELF64 executable");
  }
  if (eh.e_type != elf::kEtExec && eh.e_type != elf::kEtDyn) {
    die(path, "not an executable or shared object (e_type)");
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
      eh.e_phnum > kMaxPhdrs) {
    die(path, "bad program header table");
  }
}

// The span [lo, hi) of all PT_LOADs, page-aligned, and their largest
// power-of-two p_align.
struct Span {
  uint64_t lo = ~uint64_t{0}, hi = 0, align = sys::kPageSize;
};

Span validate_segments(const char* path, const Elf64_Phdr* ph, unsigned n) {
  Span span;
  for (unsigned i = 0; i < n; ++i) {
    if (ph[i].p_type != elf::kPtLoad) continue;
    const Elf64_Phdr& p = ph[i];
    if (p.p_filesz > p.p_memsz || p.p_vaddr >= kAddressLimit ||
        p.p_memsz >= kAddressLimit - p.p_vaddr || p.p_offset >= kAddressLimit ||
        (p.p_vaddr - p.p_offset) % sys::kPageSize != 0) {
      die(path, "bad PT_LOAD segment");
    }
    if (page_down(p.p_vaddr) < span.lo) span.lo = page_down(p.p_vaddr);
    if (page_up(p.p_vaddr + p.p_memsz) > span.hi) span.hi = page_up(p.p_vaddr + p.p_memsz);
    if (p.p_align > span.align && p.p_align <= kMaxAlign &&
        (p.p_align & (p.p_align - 1)) == 0) {
      span.align = p.p_align;
    }
  }
  if (span.hi == 0) die(path, "no PT_LOAD segment");
  return span;
}

void read_interp(const char* path, int fd, const Elf64_Phdr& p, char* out,
                 size_t out_size) {
  if (p.p_filesz < 2 || p.p_filesz > out_size) die(path, "bad PT_INTERP");
  read_exactly(path, fd, out, p.p_filesz, p.p_offset);
  if (out[p.p_filesz - 1] != '\0') die(path, "bad PT_INTERP");
}

// Reserves the span and returns the load bias.
// Where the kernel puts a PIE program (ELF_ET_DYN_BASE, arch/x86: 2/3 of
// the address space) plus a random page offset of up to 2^28 pages, as
// load_elf_binary does with arch_mmap_rnd(). Far below the mmap area, the
// program's brk heap then has room to grow after it, as after a real exec.
uint64_t pie_base_hint() {
  uint64_t random = 0;
  sys::syscall3(318 /* getrandom */, reinterpret_cast<long>(&random), sizeof(random), 0);
  return 0x555555554000ull + ((random & ((1ull << 28) - 1)) << 12);
}

// Reserves the span and returns the load bias. A main program (not its
// interpreter) of type ET_DYN is placed like the kernel places PIEs.
uint64_t reserve(const char* path, uint16_t type, const Span& span, bool main_program) {
  uint64_t size = span.hi - span.lo;
  constexpr int kFlags = sys::kMapPrivate | sys::kMapAnonymous | sys::kMapNoreserve;
  if (type == elf::kEtExec) {
    // Kernels before 4.17 ignore MAP_FIXED_NOREPLACE and may return another
    // address: treat that as taken, too.
    long at = sys::mmap(span.lo, size, sys::kProtNone,
                        kFlags | sys::kMapFixedNoreplace, -1, 0);
    if (!sys::is_error(at) && static_cast<uint64_t>(at) != span.lo) {
      sys::munmap(at, size);
      at = -17;  // EEXIST
    }
    if (sys::is_error(at)) {
      die(path, Message().add("cannot map at its address ").add_hex(span.lo)
                    .add(": ").add(why_errno(at)).text());
    }
    return 0;
  }
  // Over-reserve by the alignment, then trim both ends.
  uint64_t extra = span.align - sys::kPageSize;
  long at = -17;
  if (main_program) {
    uint64_t hint = pie_base_hint() & ~(span.align - 1);
    at = sys::mmap(hint, size + extra, sys::kProtNone, kFlags | sys::kMapFixedNoreplace, -1, 0);
  }
  if (sys::is_error(at)) at = sys::mmap(0, size + extra, sys::kProtNone, kFlags, -1, 0);
  if (sys::is_error(at)) die(path, why_errno(at));
  uint64_t start = (at + extra) & ~(span.align - 1);
  if (start > static_cast<uint64_t>(at)) sys::munmap(at, start - at);
  uint64_t end = at + size + extra;
  if (end > start + size) sys::munmap(start + size, end - (start + size));
  return start - span.lo;
}

void map_segment(const char* path, int fd, const Elf64_Phdr& p, uint64_t bias) {
  uint64_t start = bias + p.p_vaddr;
  uint64_t file_end = start + p.p_filesz;
  uint64_t mem_end = start + p.p_memsz;
  int prot = prot_of(p.p_flags);
  uint64_t anon_start = page_down(start);
  if (p.p_filesz) {
    long at = sys::mmap(page_down(start), page_up(file_end) - page_down(start),
                        prot, sys::kMapPrivate | sys::kMapFixed, fd,
                        page_down(p.p_offset));
    if (sys::is_error(at)) die(path, why_errno(at));
    anon_start = page_up(file_end);
    if (p.p_memsz > p.p_filesz && (prot & sys::kProtWrite)) {
      auto* tail = reinterpret_cast<unsigned char*>(file_end);
      for (uint64_t i = 0; i < anon_start - file_end; ++i) tail[i] = 0;
    }
  }
  if (page_up(mem_end) > anon_start) {
    long at = sys::mmap(anon_start, page_up(mem_end) - anon_start, prot,
                        sys::kMapPrivate | sys::kMapAnonymous | sys::kMapFixed,
                        -1, 0);
    if (sys::is_error(at)) die(path, why_errno(at));
  }
}

void describe(const Elf64_Ehdr& eh, const Elf64_Phdr* ph, ElfImage& image) {
  uint64_t start_code = ~uint64_t{0}, end_code = 0, start_data = 0,
           end_data = 0, brk = 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    const Elf64_Phdr& p = ph[i];
    if (p.p_type == elf::kPtGnuStack) image.exec_stack = p.p_flags & elf::kPfX;
    if (p.p_type == elf::kPtPhdr && image.phdr == 0) image.phdr = p.p_vaddr;
    if (p.p_type != elf::kPtLoad) continue;
    // AT_PHDR: where the file's program header table is mapped
    // (load_elf_binary looks for the PT_LOAD that contains e_phoff).
    if (p.p_offset <= eh.e_phoff && eh.e_phoff < p.p_offset + p.p_filesz) {
      image.phdr = eh.e_phoff - p.p_offset + p.p_vaddr;
    }
    bool code = p.p_flags & elf::kPfX;
    if (code && p.p_vaddr < start_code) start_code = p.p_vaddr;
    if (p.p_vaddr > start_data) start_data = p.p_vaddr;
    uint64_t file_end = p.p_vaddr + p.p_filesz;
    if (code && file_end > end_code) end_code = file_end;
    if (file_end > end_data) end_data = file_end;
    if (p.p_vaddr + p.p_memsz > brk) brk = p.p_vaddr + p.p_memsz;
  }
  if (start_code > end_code) start_code = end_code;  // no PF_X segment
  image.entry = image.bias + eh.e_entry;
  image.phdr += image.bias;
  image.phent = eh.e_phentsize;
  image.phnum = eh.e_phnum;
  image.start_code = image.bias + start_code;
  image.end_code = image.bias + end_code;
  image.start_data = image.bias + start_data;
  image.end_data = image.bias + end_data;
  image.brk = image.bias + page_up(brk);
}

}  // namespace

ElfImage load_elf(const char* path, char* interp, size_t interp_size) {
  int fd = open_executable(path);
  Elf64_Ehdr eh;
  read_exactly(path, fd, &eh, sizeof(eh), 0);
  validate_header(path, eh);
  Elf64_Phdr ph[kMaxPhdrs];
  read_exactly(path, fd, ph, eh.e_phnum * sizeof(Elf64_Phdr), eh.e_phoff);
  Span span = validate_segments(path, ph, eh.e_phnum);
  if (interp) {
    interp[0] = '\0';
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
      if (ph[i].p_type == elf::kPtInterp) read_interp(path, fd, ph[i], interp, interp_size);
    }
  }

  // From here on the address space changes; an error still dies before
  // anything of the program runs.
  ElfImage image;
  image.bias = reserve(path, eh.e_type, span, interp != nullptr);
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    if (ph[i].p_type == elf::kPtLoad) map_segment(path, fd, ph[i], image.bias);
  }
  sys::close(fd);  // the mappings keep the file
  describe(eh, ph, image);
  return image;
}

}  // namespace snappy
