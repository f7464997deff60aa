#include "snapfs/proc_view.h"

#include "common/fd_record.h"
#include "common/mapping_flag_words.h"
#include "common/pages_extents.h"

#include <sys/sysmacros.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <map>

namespace snappy {

using namespace format;

namespace {

void appendf(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof buf) {
    out.append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(static_cast<size_t>(n));
  out += big;
}

template <typename T>
T load(const std::string& bytes, size_t offset) {
  T value{};
  if (offset + sizeof(T) <= bytes.size()) std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// `size` little-endian bytes at `offset` as one big hex number.
std::string hex_le(const std::string& bytes, size_t offset, size_t size) {
  std::string out = "0x";
  for (size_t i = size; i-- > 0;) {
    unsigned byte = offset + i < bytes.size() ? static_cast<uint8_t>(bytes[offset + i]) : 0;
    appendf(out, "%02x", byte);
  }
  return out;
}

// Bytes of the mapping that NAME.pages holds. A kBasePages mapping owns a
// whole region of the file, whose zero pages are holes: with the file at
// hand (pages_fd >= 0) only its data counts, else all of it.
uint64_t stored_bytes(const InfoView& v, const MappingRecord& m, int pages_fd) {
  if (m.base == kBasePages) {
    if (pages_fd < 0) return m.end - m.start;
    uint64_t stored = 0;
    for_each_mapping_extent(pages_fd, m, [&](const MappingExtent& e) {
      if (e.data) stored += e.size;
      return true;
    });
    return stored;
  }
  uint64_t stored = 0;
  for (uint32_t r = 0; r < m.run_count; ++r) stored += v.run(m.first_run + r).size;
  return stored;
}

// The files of the snapshot by path, for mappings whose base is not their
// file (a written private file mapping stored whole) but whose name is.
std::map<std::string, uint32_t> files_by_path(const InfoView& v) {
  std::map<std::string, uint32_t> out;
  for (uint32_t i = 0; i < v.count(kFiles); ++i) out.emplace(blob_string(v, v.file(i).path), i);
  return out;
}

void maps_line(const InfoView& v, const MappingRecord& m, const std::map<std::string, uint32_t>& files,
               std::string& out) {
  std::string name = blob_string(v, m.name);
  uint64_t offset = 0, dev = 0, ino = 0;
  const FileRecord* file = nullptr;
  if (m.base == kBaseFile) {
    file = &v.file(m.file_index);
    offset = m.file_offset;
    if (name.empty()) name = blob_string(v, file->path);
  } else if (!name.empty() && name[0] == '/') {
    auto it = files.find(name);
    if (it != files.end()) file = &v.file(it->second);
  }
  if (file) {
    dev = file->dev;
    ino = file->ino;
  }
  size_t begin = out.size();
  appendf(out, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64 " ", m.start, m.end,
          (m.prot & 1) ? 'r' : '-', (m.prot & 2) ? 'w' : '-', (m.prot & 4) ? 'x' : '-',
          (m.flags & kMappingShared) ? 's' : 'p', offset, major(dev), minor(dev), ino);
  if (!name.empty()) {
    // As the kernel: the name starts in column 74 (seq_setwidth 72, pad, ' ').
    size_t width = out.size() - begin;
    if (width < 72) out.append(72 - width, ' ');
    out += ' ';
    out += name;
  }
  out += '\n';
}

const MappingRecord& mapping_of(const InfoView& v, uint32_t p, uint32_t i) {
  return v.mapping(v.process(p).first_mapping + i);
}

bool is_stack(const InfoView& v, const MappingRecord& m) {
  return (m.flags & kMappingGrowsDown) || blob_string(v, m.name) == "[stack]";
}

// Signals ignored and caught, as the bit masks of /proc (bit signo - 1).
void signal_masks(const InfoView& v, uint32_t p, uint64_t* ignored, uint64_t* caught) {
  const ProcessRecord& proc = v.process(p);
  *ignored = *caught = 0;
  for (uint32_t i = 0; i < proc.sigaction_count; ++i) {
    const SigactionRecord& s = v.sigaction(proc.first_sigaction + i);
    if (s.signo < 1 || s.signo > 64) continue;
    uint64_t bit = 1ull << (s.signo - 1);
    if (s.handler == 1) {
      *ignored |= bit;
    } else if (s.handler != 0) {
      *caught |= bit;
    }
  }
}

std::string comm_of(const ProcessRecord& proc) {
  return std::string(proc.comm, strnlen(proc.comm, sizeof proc.comm));
}

constexpr const char* kRegNames[kRegCount] = {
    "r15", "r14", "r13", "r12", "rbp",      "rbx", "r11", "r10",    "r9",  "r8",     "rax",     "rcx", "rdx", "rsi",
    "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",  "fs_base", "gs_base", "ds", "es", "fs", "gs"};

}  // namespace

std::string blob_string(const InfoView& v, const BlobRef& ref) {
  if (ref.size == 0) return "";
  return std::string(v.string(ref), strnlen(v.string(ref), ref.size));
}

std::string blob_bytes(const InfoView& v, const BlobRef& ref) {
  if (ref.size == 0) return "";
  return std::string(reinterpret_cast<const char*>(v.blob(ref)), ref.size);
}

uint32_t main_thread(const InfoView& v, uint32_t p) {
  const ProcessRecord& proc = v.process(p);
  for (uint32_t i = 0; i < proc.thread_count; ++i) {
    if (v.thread(proc.first_thread + i).tid == proc.pid) return proc.first_thread + i;
  }
  return proc.first_thread;
}

std::string render_maps(const InfoView& v, uint32_t p) {
  std::string out;
  auto files = files_by_path(v);
  for (uint32_t i = 0; i < v.process(p).mapping_count; ++i) maps_line(v, mapping_of(v, p, i), files, out);
  return out;
}

std::string render_smaps(const InfoView& v, uint32_t p, int pages_fd) {
  std::string out;
  auto files = files_by_path(v);
  for (uint32_t i = 0; i < v.process(p).mapping_count; ++i) {
    const MappingRecord& m = mapping_of(v, p, i);
    maps_line(v, m, files, out);
    uint64_t size = m.end - m.start, stored = stored_bytes(v, m, pages_fd);
    uint64_t file_backed = m.base == kBaseFile ? size - stored : 0;
    uint64_t zero = (m.base == kBaseZero || m.base == kBasePages) ? size - stored : 0;
    appendf(out, "Size:           %8" PRIu64 " kB\n", size >> 10);
    appendf(out, "KernelPageSize: %8d kB\n", 4);
    appendf(out, "Stored:         %8" PRIu64 " kB\n", stored >> 10);
    appendf(out, "FileBacked:     %8" PRIu64 " kB\n", file_backed >> 10);
    appendf(out, "Zero:           %8" PRIu64 " kB\n", zero >> 10);
    out += "VmFlags:";
    if (m.prot & 1) out += " rd";
    if (m.prot & 2) out += " wr";
    if (m.prot & 4) out += " ex";
    if (m.flags & kMappingShared) out += " sh";
    for (const MappingFlagWord& w : kMappingFlagWords) {
      if (m.flags & w.bit) out += std::string(" ") + w.name;
    }
    out += " \n";
  }
  return out;
}

std::string render_status(const InfoView& v, uint32_t p, int pages_fd) {
  const ProcessRecord& proc = v.process(p);
  uint64_t vm_size = 0, vm_stk = 0, vm_data = 0, vm_exec = 0, stored = 0;
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = mapping_of(v, p, i);
    uint64_t size = m.end - m.start;
    vm_size += size;
    stored += stored_bytes(v, m, pages_fd);
    if (is_stack(v, m)) {
      vm_stk += size;
    } else if ((m.prot & 2) && !(m.flags & kMappingShared)) {
      vm_data += size;
    }
    if ((m.prot & 4) && !(m.prot & 2) && !(m.flags & kMappingShared)) vm_exec += size;
  }
  uint64_t vm_exe = 0;
  if (proc.mm.end_code > proc.mm.start_code) {
    vm_exe = ((proc.mm.end_code + kPageSize - 1) & ~(kPageSize - 1)) - (proc.mm.start_code & ~(kPageSize - 1));
  }
  uint64_t vm_lib = vm_exec > vm_exe ? vm_exec - vm_exe : 0;
  uint64_t ignored, caught;
  signal_masks(v, p, &ignored, &caught);
  uint64_t blocked = proc.thread_count ? v.thread(main_thread(v, p)).sigmask : 0;
  std::string out;
  appendf(out, "Name:\t%s\n", comm_of(proc).c_str());
  appendf(out, "Umask:\t%04o\n", proc.umask);
  out += (proc.flags & kProcessLive) ? "State:\tt (tracing stop, live snapshot)\n" : "State:\tt (tracing stop)\n";
  appendf(out, "Tgid:\t%u\n", proc.pid);
  appendf(out, "Pid:\t%u\n", proc.pid);
  appendf(out, "Threads:\t%u\n", proc.thread_count);
  appendf(out, "VmSize:\t%8" PRIu64 " kB\n", vm_size >> 10);
  appendf(out, "VmData:\t%8" PRIu64 " kB\n", vm_data >> 10);
  appendf(out, "VmStk:\t%8" PRIu64 " kB\n", vm_stk >> 10);
  appendf(out, "VmExe:\t%8" PRIu64 " kB\n", vm_exe >> 10);
  appendf(out, "VmLib:\t%8" PRIu64 " kB\n", vm_lib >> 10);
  appendf(out, "VmStored:\t%8" PRIu64 " kB\n", stored >> 10);
  appendf(out, "SigBlk:\t%016" PRIx64 "\n", blocked);
  appendf(out, "SigIgn:\t%016" PRIx64 "\n", ignored);
  appendf(out, "SigCgt:\t%016" PRIx64 "\n", caught);
  appendf(out, "Kernel:\t%s\n", blob_string(v, proc.kernel_release).c_str());
  return out;
}

std::string render_stat(const InfoView& v, uint32_t p, int pages_fd) {
  const ProcessRecord& proc = v.process(p);
  uint64_t vsize = 0, stored = 0;
  for (uint32_t i = 0; i < proc.mapping_count; ++i) {
    const MappingRecord& m = mapping_of(v, p, i);
    vsize += m.end - m.start;
    stored += stored_bytes(v, m, pages_fd);
  }
  uint64_t ignored, caught;
  signal_masks(v, p, &ignored, &caught);
  uint64_t blocked = 0, rsp = 0, rip = 0;
  if (proc.thread_count) {
    const ThreadRecord& t = v.thread(main_thread(v, p));
    blocked = t.sigmask;
    rsp = t.regs[kRsp];
    rip = t.regs[kRip];
  }
  const MmLayout& mm = proc.mm;
  std::string out;
  // 1 pid .. 9 flags
  appendf(out, "%u (%s) t 0 0 0 0 -1 0 ", proc.pid, comm_of(proc).c_str());
  // 10 minflt .. 17 cstime, 18 priority, 19 nice, 20 num_threads, 21 itrealvalue, 22 starttime
  appendf(out, "0 0 0 0 0 0 0 0 20 0 %u 0 0 ", proc.thread_count);
  // 23 vsize, 24 rss (pages), 25 rsslim, 26 startcode, 27 endcode, 28 startstack, 29 kstkesp, 30 kstkeip
  appendf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " ",
          vsize, stored / kPageSize, proc.rlimits[5].cur, mm.start_code, mm.end_code, mm.start_stack, rsp, rip);
  // 31 signal, 32 blocked, 33 sigignore, 34 sigcatch (decimal, obsolete but there)
  appendf(out, "0 %" PRIu64 " %" PRIu64 " %" PRIu64 " ", blocked, ignored, caught);
  // 35 wchan .. 44 cguest_time (38 exit_signal = SIGCHLD)
  out += "0 0 0 17 0 0 0 0 0 0 ";
  // 45 start_data .. 51 env_end, 52 exit_code
  appendf(out,
          "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0\n",
          mm.start_data, mm.end_data, mm.start_brk, mm.arg_start, mm.arg_end, mm.env_start, mm.env_end);
  return out;
}

std::string render_limits(const InfoView& v, uint32_t p) {
  static constexpr const char* kNames[kRlimitCount][2] = {
      {"Max cpu time", "seconds"},      {"Max file size", "bytes"},        {"Max data size", "bytes"},
      {"Max stack size", "bytes"},      {"Max core file size", "bytes"},   {"Max resident set", "bytes"},
      {"Max processes", "processes"},   {"Max open files", "files"},       {"Max locked memory", "bytes"},
      {"Max address space", "bytes"},   {"Max file locks", "locks"},       {"Max pending signals", "signals"},
      {"Max msgqueue size", "bytes"},   {"Max nice priority", nullptr},    {"Max realtime priority", nullptr},
      {"Max realtime timeout", "us"}};
  const ProcessRecord& proc = v.process(p);
  std::string out;
  appendf(out, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
  for (uint32_t i = 0; i < kRlimitCount; ++i) {
    appendf(out, "%-25s ", kNames[i][0]);
    for (uint64_t value : {proc.rlimits[i].cur, proc.rlimits[i].max}) {
      if (value == ~0ull) {
        appendf(out, "%-20s ", "unlimited");
      } else {
        appendf(out, "%-20" PRIu64 " ", value);
      }
    }
    if (kNames[i][1]) appendf(out, "%-10s", kNames[i][1]);
    out += '\n';
  }
  return out;
}

std::string render_regs(const InfoView& v, uint32_t t) {
  const ThreadRecord& thread = v.thread(t);
  std::string out;
  for (uint32_t r = 0; r < kRegCount; ++r) appendf(out, "%s 0x%016" PRIx64 "\n", kRegNames[r], thread.regs[r]);
  return out;
}

std::string render_fpregs(const InfoView& v, uint32_t t) {
  std::string x = blob_bytes(v, v.thread(t).xsave);
  std::string out;
  if (x.size() < 512) return out;  // no FPU state recorded
  appendf(out, "fcw 0x%04x\n", load<uint16_t>(x, 0));
  appendf(out, "fsw 0x%04x\n", load<uint16_t>(x, 2));
  appendf(out, "ftw 0x%02x\n", load<uint8_t>(x, 4));
  appendf(out, "fop 0x%04x\n", load<uint16_t>(x, 6));
  appendf(out, "fip 0x%016" PRIx64 "\n", load<uint64_t>(x, 8));
  appendf(out, "fdp 0x%016" PRIx64 "\n", load<uint64_t>(x, 16));
  appendf(out, "mxcsr 0x%08x\n", load<uint32_t>(x, 24));
  appendf(out, "mxcsr_mask 0x%08x\n", load<uint32_t>(x, 28));
  for (int i = 0; i < 8; ++i) appendf(out, "st%d %s\n", i, hex_le(x, 32 + 16 * i, 10).c_str());
  for (int i = 0; i < 16; ++i) appendf(out, "xmm%d %s\n", i, hex_le(x, 160 + 16 * i, 16).c_str());
  // The AVX component (XCR0 bit 2) at its standard offset 576; a clear
  // XSTATE_BV bit means it is in its initial state (zero).
  constexpr size_t kAvxOffset = 576, kAvxSize = 256;
  if ((v.header().xcr0 & 4) && x.size() >= kAvxOffset + kAvxSize) {
    bool in_use = (load<uint64_t>(x, 512) & 4) != 0;
    for (int i = 0; i < 16; ++i) {
      appendf(out, "ymm%dh %s\n", i,
              in_use ? hex_le(x, kAvxOffset + 16 * i, 16).c_str() : "0x00000000000000000000000000000000");
    }
  }
  return out;
}

std::string fd_target(const InfoView& v, uint32_t f) {
  const FdRecord& fd = v.fd(f);
  switch (fd.kind) {
    case kFdFile:
      return blob_string(v, v.file(fd_file(fd)).path);
    case kFdEpoll:
      return "anon_inode:[eventpoll]";
    case kFdUnixSocket:
      return "socket:[0]";
    case kFdPipeRead:
    case kFdPipeWrite: {
      uint64_t inode = 0;
      const uint8_t* blob = v.blob(pipe_inode(fd));
      for (int i = 7; i >= 0; --i) inode = inode << 8 | blob[i];
      return "pipe:[" + std::to_string(inode) + "]";
    }
    case kFdEventfd:
      return "anon_inode:[eventfd]";
    case kFdCallerStatus:  // not an fd of the snapshot (snapfs lists none)
      return "caller's fd";
  }
  return "anon_inode:[unknown]";
}

}  // namespace snappy
