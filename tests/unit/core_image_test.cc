// CoreImage on a small synthetic snapshot written to real files (a pages
// file with holes and a backing file), checked with an ELF parser of our
// own: the headers, one PT_LOAD per mapping holding exactly what
// SnapshotFile::read_memory reads, the notes gdb needs, reads at any offset
// and length, and holes only where memory is zero.
#include "snapfs/core_image.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/snapshot_format.h"
#include "common/snapshot_writer.h"

namespace snappy {
namespace {

using namespace format;

constexpr uint64_t kPagesSize = 0x6000;
constexpr uint64_t kXcr0 = 0xe7;
const char kArgv[] = "/usr/bin/prog\0--config\0two words";
const uint64_t kAuxv[] = {3, 0x400040, 6, 4096, 9, 0x401000, 0, 0};

enum : uint32_t { kFileMap, kZeroMap, kPagesMap, kVvarMap, kReserveMap, kMappingCount };

void write_all(int fd, const void* data, size_t size, off_t offset) {
  ASSERT_EQ(::pwrite(fd, data, size, offset), static_cast<ssize_t>(size));
}

std::vector<uint8_t> page_of(uint8_t seed, size_t size = kPageSize) {
  std::vector<uint8_t> p(size);
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(seed + i * 13);
  return p;
}

struct Note {
  std::string name;
  uint32_t type;
  std::vector<uint8_t> desc;
};

class CoreImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/core_image_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    name_ = dir_ + "/snap";
    backing_ = dir_ + "/backing.so";

    // The backing file: three pages; the mapping reaches one page past it.
    int fd = ::open(backing_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    for (int i = 0; i < 3; ++i) write_all(fd, page_of(0x10 + i).data(), kPageSize, i * kPageSize);
    ::close(fd);

    Snapshot s;
    s.xcr0 = kXcr0;
    s.xsave_size = 1088;
    ProcessRecord p{};
    p.pid = 4242;
    p.exe = s.add_string("/usr/bin/prog");
    p.cwd = s.add_string("/");
    p.kernel_release = s.add_string("6.18.0");
    p.argv = s.add_blob(kArgv, sizeof(kArgv));
    p.envp = s.add_blob("A=b", 4);
    p.auxv = s.add_blob(kAuxv, sizeof(kAuxv));
    std::memcpy(p.comm, "prog", 4);

    FileRecord f{};
    f.path = s.add_string(backing_);
    f.size = 3 * kPageSize;
    f.mode = 0100755;
    s.files.push_back(f);

    auto mapping = [&](uint64_t start, uint64_t end, uint32_t prot, MappingBase base) {
      MappingRecord m{};
      m.start = start;
      m.end = end;
      m.prot = prot;
      m.base = base;
      m.first_run = static_cast<uint32_t>(s.runs.size());
      s.mappings.push_back(m);
    };
    auto run = [&](uint64_t start, uint64_t size, uint64_t pages_offset) {
      s.runs.push_back({start, size, pages_offset, 0});
      s.mappings.back().run_count++;
    };
    // kFileMap: file pages 1..3 (the last past EOF), its middle page written.
    mapping(0x400000, 0x403000, PROT_READ | PROT_EXEC, kBaseFile);
    s.mappings.back().file_offset = kPageSize;
    run(0x401000, kPageSize, 0x0);
    // kZeroMap: four zero pages, the second written.
    mapping(0x10000000, 0x10004000, PROT_READ | PROT_WRITE, kBaseZero);
    run(0x10001000, kPageSize, 0x1000);
    // kPagesMap: NAME.pages [0x2000, 0x6000), pages 1 and 3 holes.
    mapping(0x20000000, 0x20004000, PROT_READ | PROT_WRITE, kBasePages);
    s.mappings.back().pages_offset = 0x2000;
    run(0x20000000, kPageSize, 0x2000);
    run(0x20002000, kPageSize, 0x4000);
    mapping(0x7ff000000000, 0x7ff000002000, PROT_READ, kBaseVvar);
    mapping(0x7ff000010000, 0x7ff000020000, PROT_NONE, kBaseZero);

    std::vector<uint8_t> xsave = page_of(0x33, 1088);
    std::memset(xsave.data() + 464, 0, 8);  // no XCR0 in sw_reserved: the core puts it there
    for (uint32_t i = 0; i < 2; ++i) {
      ThreadRecord t{};
      t.tid = 4242 + i;
      for (uint32_t r = 0; r < kRegCount; ++r) t.regs[r] = 0x1000000000ull * (i + 1) + r;
      t.xsave = s.add_blob(xsave.data(), xsave.size());
      t.sigmask = 1ull << (10 + i);
      s.threads.push_back(t);
    }
    p.thread_count = 2;
    p.mapping_count = kMappingCount;
    p.trigger.thread = 1;  // the second thread hit the trigger: its notes come first
    p.trigger.kind = kTriggerMarker;
    s.processes.push_back(p);
    snapshot_ = s;
    xsave_ = xsave;

    std::vector<uint8_t> info = serialize_info(s, kPagesSize);
    fd = ::open((name_ + ".info").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    write_all(fd, info.data(), info.size(), 0);
    ::close(fd);
    fd = ::open((name_ + ".pages").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    write_all(fd, page_of(0xa0).data(), kPageSize, 0x0);
    write_all(fd, page_of(0xb0).data(), kPageSize, 0x1000);
    write_all(fd, page_of(0xc0).data(), kPageSize, 0x2000);
    write_all(fd, page_of(0xd0).data(), kPageSize, 0x4000);
    ASSERT_EQ(::ftruncate(fd, kPagesSize), 0);
    ::close(fd);
  }

  void TearDown() override {
    for (const char* suffix : {".info", ".pages"}) ::unlink((name_ + suffix).c_str());
    ::unlink(backing_.c_str());
    ::rmdir(dir_.c_str());
  }

  static std::vector<uint8_t> read_all(const CoreImage& core) {
    std::vector<uint8_t> bytes(core.size());
    EXPECT_EQ(core.read(0, bytes.data(), bytes.size()), bytes.size());
    return bytes;
  }

  static std::vector<Note> parse_notes(const std::vector<uint8_t>& core, const Elf64_Phdr& ph) {
    std::vector<Note> notes;
    uint64_t at = ph.p_offset, end = ph.p_offset + ph.p_filesz;
    while (at + sizeof(Elf64_Nhdr) <= end) {
      Elf64_Nhdr h;
      std::memcpy(&h, core.data() + at, sizeof h);
      at += sizeof h;
      Note n;
      n.type = h.n_type;
      EXPECT_GT(h.n_namesz, 0u);
      EXPECT_EQ(core[at + h.n_namesz - 1], 0) << "note name not NUL-terminated";
      n.name.assign(reinterpret_cast<const char*>(core.data() + at), h.n_namesz - 1);
      at += (h.n_namesz + 3) / 4 * 4;
      EXPECT_LE(at + h.n_descsz, end);
      n.desc.assign(core.begin() + at, core.begin() + at + h.n_descsz);
      at += (h.n_descsz + 3) / 4 * 4;
      notes.push_back(std::move(n));
    }
    EXPECT_EQ(at, end) << "notes do not fill PT_NOTE exactly";
    return notes;
  }

  std::string dir_, name_, backing_;
  Snapshot snapshot_;
  std::vector<uint8_t> xsave_;
};

TEST_F(CoreImageTest, HeadersAndSegmentsMatchTheMappings) {
  SnapshotFile snap(name_);
  CoreImage core(snap, 0);
  std::vector<uint8_t> bytes = read_all(core);
  ASSERT_GE(bytes.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  EXPECT_EQ(std::memcmp(eh.e_ident, ELFMAG, SELFMAG), 0);
  EXPECT_EQ(eh.e_ident[EI_CLASS], ELFCLASS64);
  EXPECT_EQ(eh.e_ident[EI_DATA], ELFDATA2LSB);
  EXPECT_EQ(eh.e_type, ET_CORE);
  EXPECT_EQ(eh.e_machine, EM_X86_64);
  EXPECT_EQ(eh.e_phentsize, sizeof(Elf64_Phdr));
  ASSERT_EQ(eh.e_phnum, 1 + kMappingCount);
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  std::memcpy(ph.data(), bytes.data() + eh.e_phoff, ph.size() * sizeof(Elf64_Phdr));
  EXPECT_EQ(ph[0].p_type, PT_NOTE);
  EXPECT_GT(ph[0].p_filesz, 0u);

  const uint32_t flags[kMappingCount] = {PF_R | PF_X, PF_R | PF_W, PF_R | PF_W, PF_R, 0};
  uint64_t previous_end = ph[0].p_offset + ph[0].p_filesz;
  for (uint32_t i = 0; i < kMappingCount; ++i) {
    const MappingRecord& m = snapshot_.mappings[i];
    const Elf64_Phdr& p = ph[1 + i];
    SCOPED_TRACE(i);
    EXPECT_EQ(p.p_type, PT_LOAD);
    EXPECT_EQ(p.p_vaddr, m.start);
    EXPECT_EQ(p.p_memsz, m.end - m.start);
    EXPECT_EQ(p.p_filesz, i == kVvarMap ? 0 : m.end - m.start);
    EXPECT_EQ(p.p_flags, flags[i]);
    EXPECT_EQ(p.p_offset % kPageSize, 0u);
    EXPECT_GE(p.p_offset, previous_end);
    EXPECT_LE(p.p_offset + p.p_filesz, core.size());
    previous_end = p.p_offset + p.p_filesz;
    if (p.p_filesz == 0) continue;
    std::vector<uint8_t> memory(p.p_filesz);
    ASSERT_TRUE(snap.read_memory(0, m.start, memory.data(), memory.size()));
    std::vector<uint8_t> from_core(bytes.begin() + p.p_offset, bytes.begin() + p.p_offset + p.p_filesz);
    EXPECT_EQ(from_core, memory);
  }
  EXPECT_EQ(previous_end, core.size());

  // Spot checks against what was written: file, run over file, past EOF.
  const Elf64_Phdr& file = ph[1 + kFileMap];
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + file.p_offset, bytes.begin() + file.p_offset + kPageSize),
            page_of(0x11));
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + file.p_offset + kPageSize,
                                 bytes.begin() + file.p_offset + 2 * kPageSize),
            page_of(0xa0));
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + file.p_offset + 2 * kPageSize,
                                 bytes.begin() + file.p_offset + 3 * kPageSize),
            std::vector<uint8_t>(kPageSize, 0));
  const Elf64_Phdr& zero = ph[1 + kZeroMap];
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + zero.p_offset + kPageSize,
                                 bytes.begin() + zero.p_offset + 2 * kPageSize),
            page_of(0xb0));
}

TEST_F(CoreImageTest, NotesDescribeThreadsProcessAndFiles) {
  SnapshotFile snap(name_);
  CoreImage core(snap, 0);
  std::vector<uint8_t> bytes = read_all(core);
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  Elf64_Phdr note;
  std::memcpy(&note, bytes.data() + eh.e_phoff, sizeof note);
  ASSERT_EQ(note.p_type, PT_NOTE);
  std::vector<Note> notes = parse_notes(bytes, note);

  // Per thread, trigger thread first: PRSTATUS, FPREGSET, X86_XSTATE.
  ASSERT_GE(notes.size(), 6u + 4u);
  const uint32_t thread_order[2] = {1, 0};
  for (int k = 0; k < 2; ++k) {
    const ThreadRecord& t = snapshot_.threads[thread_order[k]];
    SCOPED_TRACE(t.tid);
    const Note& pr = notes[3 * k];
    EXPECT_EQ(pr.name, "CORE");
    ASSERT_EQ(pr.type, NT_PRSTATUS);
    ASSERT_EQ(pr.desc.size(), sizeof(elf_prstatus));
    elf_prstatus st;
    std::memcpy(&st, pr.desc.data(), sizeof st);
    EXPECT_EQ(static_cast<uint32_t>(st.pr_pid), t.tid);
    EXPECT_EQ(std::memcmp(st.pr_reg, t.regs, sizeof t.regs), 0);
    EXPECT_EQ(st.pr_sighold, t.sigmask);
    EXPECT_EQ(st.pr_cursig, k == 0 ? SIGSTOP : 0);
    EXPECT_EQ(st.pr_fpvalid, 1);
    const Note& fp = notes[3 * k + 1];
    EXPECT_EQ(fp.name, "CORE");
    EXPECT_EQ(fp.type, static_cast<uint32_t>(NT_FPREGSET));
    EXPECT_EQ(fp.desc, std::vector<uint8_t>(xsave_.begin(), xsave_.begin() + 512));
    const Note& xs = notes[3 * k + 2];
    EXPECT_EQ(xs.name, "LINUX");
    EXPECT_EQ(xs.type, 0x202u);
    ASSERT_EQ(xs.desc.size(), xsave_.size());
    uint64_t xcr0;
    std::memcpy(&xcr0, xs.desc.data() + 464, 8);
    EXPECT_EQ(xcr0, kXcr0);
    std::vector<uint8_t> rest(xs.desc.begin() + 472, xs.desc.end());
    EXPECT_EQ(rest, std::vector<uint8_t>(xsave_.begin() + 472, xsave_.end()));
  }

  const Note* psinfo = nullptr;
  const Note* siginfo = nullptr;
  const Note* auxv = nullptr;
  const Note* file = nullptr;
  for (const Note& n : notes) {
    if (n.type == NT_PRPSINFO) psinfo = &n;
    if (n.type == 0x53494749) siginfo = &n;
    if (n.type == NT_AUXV) auxv = &n;
    if (n.type == 0x46494c45) file = &n;
  }
  ASSERT_TRUE(psinfo && siginfo && auxv && file);
  ASSERT_EQ(psinfo->desc.size(), sizeof(elf_prpsinfo));
  elf_prpsinfo ps;
  std::memcpy(&ps, psinfo->desc.data(), sizeof ps);
  EXPECT_EQ(ps.pr_pid, 4242);
  EXPECT_STREQ(ps.pr_fname, "prog");
  EXPECT_STREQ(ps.pr_psargs, "/usr/bin/prog --config two words");
  ASSERT_EQ(siginfo->desc.size(), sizeof(siginfo_t));
  siginfo_t si;
  std::memcpy(&si, siginfo->desc.data(), sizeof si);
  EXPECT_EQ(si.si_signo, SIGSTOP);
  EXPECT_EQ(auxv->desc.size(), sizeof(kAuxv));
  EXPECT_EQ(std::memcmp(auxv->desc.data(), kAuxv, sizeof(kAuxv)), 0);

  // NT_FILE: one file mapping, offsets in pages, then the path.
  ASSERT_GE(file->desc.size(), 5 * 8u);
  uint64_t words[5];
  std::memcpy(words, file->desc.data(), sizeof words);
  EXPECT_EQ(words[0], 1u);
  EXPECT_EQ(words[1], kPageSize);
  EXPECT_EQ(words[2], 0x400000u);
  EXPECT_EQ(words[3], 0x403000u);
  EXPECT_EQ(words[4], 1u);
  std::string paths(file->desc.begin() + 5 * 8, file->desc.end());
  EXPECT_EQ(paths, backing_ + std::string(1, '\0'));
}

TEST_F(CoreImageTest, ReadsAtAnyOffsetConcatenate) {
  SnapshotFile snap(name_);
  CoreImage core(snap, 0);
  std::vector<uint8_t> whole = read_all(core);
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::vector<uint8_t> pieces;
    uint64_t offset = 0;
    while (offset < core.size()) {
      uint64_t length = 1 + rng() % (round % 2 ? 97 : 9000);
      std::vector<uint8_t> buf(length, 0xee);
      uint64_t n = core.read(offset, buf.data(), length);
      ASSERT_EQ(n, std::min(length, core.size() - offset));
      pieces.insert(pieces.end(), buf.begin(), buf.begin() + n);
      offset += n;
    }
    ASSERT_EQ(pieces, whole) << "round " << round;
  }
  uint8_t byte = 0;
  EXPECT_EQ(core.read(core.size(), &byte, 1), 0u);
  EXPECT_EQ(core.read(core.size() + 100, &byte, 1), 0u);
  uint8_t tail[16];
  EXPECT_EQ(core.read(core.size() - 3, tail, sizeof tail), 3u);
}

TEST_F(CoreImageTest, HolesOnlyWhereMemoryIsZero) {
  SnapshotFile snap(name_);
  CoreImage core(snap, 0);
  std::vector<uint8_t> whole = read_all(core);
  Elf64_Ehdr eh;
  std::memcpy(&eh, whole.data(), sizeof eh);
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  std::memcpy(ph.data(), whole.data() + eh.e_phoff, ph.size() * sizeof(Elf64_Phdr));

  EXPECT_FALSE(core.is_hole(0, 64));
  const Elf64_Phdr& zero = ph[1 + kZeroMap];
  EXPECT_TRUE(core.is_hole(zero.p_offset, kPageSize));
  EXPECT_FALSE(core.is_hole(zero.p_offset + kPageSize, kPageSize));
  EXPECT_FALSE(core.is_hole(zero.p_offset, 2 * kPageSize));
  EXPECT_TRUE(core.is_hole(zero.p_offset + 2 * kPageSize, 2 * kPageSize));
  const Elf64_Phdr& reserve = ph[1 + kReserveMap];
  EXPECT_TRUE(core.is_hole(reserve.p_offset, reserve.p_filesz));
  EXPECT_FALSE(core.is_hole(ph[1 + kFileMap].p_offset, kPageSize));
  EXPECT_FALSE(core.is_hole(ph[1 + kPagesMap].p_offset, kPageSize));
  // NAME.pages holes are core holes where the file system reports them.
  int fd = ::open((name_ + ".pages").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  bool fs_holes = ::lseek(fd, 0x3000, SEEK_DATA) == 0x4000;
  ::close(fd);
  if (fs_holes) {
    EXPECT_TRUE(core.is_hole(ph[1 + kPagesMap].p_offset + kPageSize, kPageSize));
  }

  // Whatever is called a hole reads as zeros, page by page.
  for (uint64_t off = 0; off < core.size(); off += kPageSize) {
    if (!core.is_hole(off, kPageSize)) continue;
    for (uint64_t i = off; i < off + kPageSize; ++i) ASSERT_EQ(whole[i], 0) << "hole at " << off;
  }
}

TEST_F(CoreImageTest, RefusesAMissingProcess) {
  SnapshotFile snap(name_);
  EXPECT_THROW(CoreImage(snap, 1), SnapshotError);
}

}  // namespace
}  // namespace snappy
