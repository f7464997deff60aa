// The ELF core of one snapshot process (see core_image.h for the layout).
//
// Note order follows the kernel's (fs/binfmt_elf.c, fill_note_info): the
// thread that hit the trigger comes first, because gdb makes the first
// NT_PRSTATUS the current thread; each thread's NT_PRSTATUS is followed by
// its NT_FPREGSET and NT_X86_XSTATE; the process-wide notes (NT_PRPSINFO,
// NT_SIGINFO, NT_AUXV, NT_FILE) come after all threads.
#include "snapfs/core_image.h"

#include <elf.h>
#include <signal.h>
#include <sys/procfs.h>
#include <sys/user.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "common/pages_extents.h"

namespace snappy {

using namespace format;

namespace {

static_assert(sizeof(elf_gregset_t) == kRegCount * sizeof(uint64_t), "pr_reg is user_regs_struct");
static_assert(sizeof(user_fpregs_struct) == 512, "NT_FPREGSET is the legacy FXSAVE area");

constexpr uint32_t kNtSiginfo = 0x53494749;  // NT_SIGINFO
constexpr uint32_t kNtFile = 0x46494c45;     // NT_FILE
constexpr uint32_t kNtX86Xstate = 0x202;     // NT_X86_XSTATE
constexpr uint64_t kXcr0Offset = 464;        // sw_reserved[0..7]: XCR0, as ptrace and gdb use it

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

void append(std::vector<uint8_t>& out, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}

// One note: Elf64_Nhdr, the name with its NUL padded to 4, the descriptor
// padded to 4.
void add_note(std::vector<uint8_t>& out, const char* name, uint32_t type, const void* desc, size_t size) {
  Elf64_Nhdr h{};
  h.n_namesz = static_cast<Elf64_Word>(std::strlen(name) + 1);
  h.n_descsz = static_cast<Elf64_Word>(size);
  h.n_type = type;
  append(out, &h, sizeof h);
  append(out, name, h.n_namesz);
  out.resize(align_up(out.size(), 4), 0);
  append(out, desc, size);
  out.resize(align_up(out.size(), 4), 0);
}

uint32_t segment_flags(uint32_t prot) {
  uint32_t f = 0;
  if (prot & 1) f |= PF_R;  // PROT_READ
  if (prot & 2) f |= PF_W;  // PROT_WRITE
  if (prot & 4) f |= PF_X;  // PROT_EXEC
  return f;
}

// argv (NUL-separated strings) joined with spaces.
std::string join_argv(const InfoView& v, const BlobRef& argv) {
  std::string s(reinterpret_cast<const char*>(v.blob(argv)), argv.size);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

template <size_t N>
void copy_string(char (&dst)[N], std::string_view s) {
  size_t n = std::min(s.size(), N - 1);
  std::memcpy(dst, s.data(), n);
  std::memset(dst + n, 0, N - n);
}

}  // namespace

CoreImage::CoreImage(const SnapshotFile& snapshot, uint32_t process) : snapshot_(snapshot), process_(process) {
  const InfoView& v = snapshot.view();
  if (process >= v.count(kProcesses)) {
    throw SnapshotError(snapshot.name() + ".info: no process " + std::to_string(process));
  }
  const ProcessRecord& proc = v.process(process);

  // --- Notes.
  std::vector<uint8_t> notes;
  std::vector<uint32_t> order;
  uint32_t trigger_thread = proc.trigger.thread < proc.thread_count ? proc.trigger.thread : 0;
  if (proc.thread_count > 0) order.push_back(trigger_thread);
  for (uint32_t t = 0; t < proc.thread_count; ++t) {
    if (t != trigger_thread) order.push_back(t);
  }
  for (uint32_t t : order) {
    const ThreadRecord& th = v.thread(proc.first_thread + t);
    bool has_xsave = th.xsave.size >= sizeof(user_fpregs_struct);
    elf_prstatus st;
    std::memset(&st, 0, sizeof st);
    if (t == trigger_thread) {
      st.pr_cursig = SIGSTOP;
      st.pr_info.si_signo = SIGSTOP;
    }
    st.pr_sighold = th.sigmask;
    st.pr_pid = static_cast<__pid_t>(th.tid);
    st.pr_pgrp = static_cast<__pid_t>(proc.pid);
    st.pr_sid = static_cast<__pid_t>(proc.pid);
    std::memcpy(&st.pr_reg, th.regs, sizeof st.pr_reg);
    st.pr_fpvalid = has_xsave ? 1 : 0;
    add_note(notes, "CORE", NT_PRSTATUS, &st, sizeof st);
    if (has_xsave) {
      std::vector<uint8_t> xsave(v.blob(th.xsave), v.blob(th.xsave) + th.xsave.size);
      add_note(notes, "CORE", NT_FPREGSET, xsave.data(), sizeof(user_fpregs_struct));
      // gdb learns which state components the area holds from XCR0 in
      // sw_reserved; ptrace writes it there, but keep a core usable if a
      // recorder left it empty.
      if (xsave.size() >= kXcr0Offset + 8) {
        uint64_t xcr0;
        std::memcpy(&xcr0, xsave.data() + kXcr0Offset, 8);
        if (xcr0 == 0) std::memcpy(xsave.data() + kXcr0Offset, &v.header().xcr0, 8);
      }
      add_note(notes, "LINUX", kNtX86Xstate, xsave.data(), xsave.size());
    }
  }

  std::string exe = v.string(proc.exe);
  std::string_view base = exe;
  if (auto slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  elf_prpsinfo ps;
  std::memset(&ps, 0, sizeof ps);
  ps.pr_state = 3;  // "RSDTZW"[3]: stopped
  ps.pr_sname = 'T';
  ps.pr_pid = static_cast<__pid_t>(proc.pid);
  ps.pr_pgrp = static_cast<__pid_t>(proc.pid);
  ps.pr_sid = static_cast<__pid_t>(proc.pid);
  copy_string(ps.pr_fname, base);
  copy_string(ps.pr_psargs, join_argv(v, proc.argv));
  add_note(notes, "CORE", NT_PRPSINFO, &ps, sizeof ps);

  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_signo = proc.thread_count > 0 ? SIGSTOP : 0;
  add_note(notes, "CORE", kNtSiginfo, &si, sizeof si);

  if (proc.auxv.size > 0) add_note(notes, "CORE", NT_AUXV, v.blob(proc.auxv), proc.auxv.size);

  // NT_FILE: count, page size, (start, end, offset in pages) per file
  // mapping, then their paths.
  std::vector<uint64_t> ranges;
  std::string paths;
  uint64_t file_count = 0;
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = v.mapping(proc.first_mapping + i);
    if (m.base != kBaseFile) continue;
    ranges.insert(ranges.end(), {m.start, m.end, m.file_offset / kPageSize});
    paths += v.string(v.file(m.file_index).path);
    paths.push_back('\0');
    ++file_count;
  }
  {
    std::vector<uint8_t> desc;
    uint64_t head[2] = {file_count, kPageSize};
    append(desc, head, sizeof head);
    append(desc, ranges.data(), ranges.size() * sizeof(uint64_t));
    append(desc, paths.data(), paths.size());
    add_note(notes, "CORE", kNtFile, desc.data(), desc.size());
  }

  // --- Layout: headers, notes, then the memory, page-aligned.
  const uint64_t phnum = 1 + uint64_t{proc.mapping_count};
  if (phnum >= PN_XNUM) throw SnapshotError(snapshot.name() + ".info: too many mappings for one core");
  const uint64_t notes_offset = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
  uint64_t offset = align_up(notes_offset + notes.size(), kPageSize);
  std::vector<Elf64_Phdr> phdrs(phnum);
  Elf64_Phdr& note = phdrs[0];
  note.p_type = PT_NOTE;
  note.p_offset = notes_offset;
  note.p_filesz = notes.size();
  note.p_align = 4;
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = v.mapping(proc.first_mapping + i);
    Elf64_Phdr& ph = phdrs[1 + i];
    uint64_t size = m.end - m.start;
    uint64_t filesz = m.base == kBaseVvar ? 0 : size;
    ph.p_type = PT_LOAD;
    ph.p_flags = segment_flags(m.prot);
    ph.p_offset = offset;
    ph.p_vaddr = m.start;
    ph.p_filesz = filesz;
    ph.p_memsz = size;
    ph.p_align = kPageSize;
    if (filesz > 0) {
      segments_.push_back({offset, filesz, m.start, proc.first_mapping + i, m.base});
      offset += filesz;
    }
  }
  size_ = offset;

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
  eh.e_type = ET_CORE;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = static_cast<Elf64_Half>(phnum);
  eh.e_shentsize = sizeof(Elf64_Shdr);

  head_.reserve(notes_offset + notes.size());
  append(head_, &eh, sizeof eh);
  append(head_, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr));
  append(head_, notes.data(), notes.size());
}

uint64_t CoreImage::size() const { return size_; }

uint64_t CoreImage::read(uint64_t offset, void* out, uint64_t length) const {
  if (offset >= size_) return 0;
  length = std::min(length, size_ - offset);
  auto* bytes = static_cast<uint8_t*>(out);
  const uint64_t total = length;
  // Headers and notes.
  if (offset < head_.size()) {
    uint64_t n = std::min<uint64_t>(length, head_.size() - offset);
    std::memcpy(bytes, head_.data() + offset, n);
    bytes += n;
    offset += n;
    length -= n;
  }
  // Segments are contiguous from the first one on, in file order.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](uint64_t o, const Segment& s) { return o < s.file_offset; });
  if (it != segments_.begin() && offset < std::prev(it)->file_offset + std::prev(it)->size) --it;
  while (length > 0) {
    if (it == segments_.end() || offset < it->file_offset) {
      // Padding after the notes.
      uint64_t gap_end = it == segments_.end() ? size_ : it->file_offset;
      uint64_t n = std::min(length, gap_end - offset);
      std::memset(bytes, 0, n);
      bytes += n;
      offset += n;
      length -= n;
      continue;
    }
    uint64_t delta = offset - it->file_offset;
    uint64_t n = std::min(length, it->size - delta);
    if (!snapshot_.read_memory(process_, it->vaddr + delta, bytes, n)) std::memset(bytes, 0, n);
    bytes += n;
    offset += n;
    length -= n;
    ++it;
  }
  return total;
}

bool CoreImage::is_hole(uint64_t offset, uint64_t length) const {
  if (length == 0) return true;
  if (offset >= size_) return true;
  uint64_t end = std::min(offset + length, size_);
  if (offset < head_.size()) return false;
  const InfoView& v = snapshot_.view();
  while (offset < end) {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                               [](uint64_t o, const Segment& s) { return o < s.file_offset; });
    if (it == segments_.begin()) {
      // Padding between the notes and the first segment.
      uint64_t next = segments_.empty() ? end : segments_.front().file_offset;
      offset = std::min(end, next);
      continue;
    }
    const Segment& s = *std::prev(it);
    uint64_t seg_end = std::min(end, s.file_offset + s.size);
    const MappingRecord& m = v.mapping(s.mapping);
    uint64_t a = s.vaddr + (offset - s.file_offset), b = s.vaddr + (seg_end - s.file_offset);
    if (s.base == kBaseZero) {
      // Zero memory except where a stored run overlays it.
      for (uint32_t r = 0; r < m.run_count; ++r) {
        const PageRunRecord& run = v.run(m.first_run + r);
        if (run.start < b && run.start + run.size > a) return false;
      }
    } else if (s.base == kBasePages) {
      // Its bytes (runs included) are [pages_offset, + size) of NAME.pages,
      // where zero pages are holes.
      bool hole = for_each_mapping_extent(snapshot_.pages_fd(), m, a, b,
                                          [](const MappingExtent& e) { return !e.data; }) == WalkResult::kDone;
      if (!hole) return false;
    } else {
      return false;
    }
    offset = seg_end;
  }
  return true;
}

}  // namespace snappy
