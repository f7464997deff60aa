#include "snapfs/snapshot_report.h"

#include <cstdio>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <ctime>
#include <optional>
#include <sstream>
#include <vector>

#include "common/checksum.h"
#include "common/hex_text.h"
#include "common/mapping_flag_words.h"
#include "common/pages_extents.h"
#include "common/recorded_file.h"
#include "common/syscall_decode.h"
#include "common/syscall_table.h"

namespace snappy {

using namespace format;

namespace {


std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::vector<std::string> split_nul(const uint8_t* data, uint64_t size) {
  std::vector<std::string> out;
  std::string cur;
  for (uint64_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  return out;
}

const char* base_name(uint32_t base) {
  switch (base) {
    case kBaseZero: return "zero";
    case kBaseFile: return "file";
    case kBasePages: return "pages";
    case kBaseVvar: return "vvar";
    case kBaseVdso: return "vdso";
  }
  return "?";
}

uint64_t stored_bytes(const InfoView& v, const MappingRecord& m) {
  uint64_t n = 0;
  for (uint32_t r = 0; r < m.run_count; ++r) n += v.run(m.first_run + r).size;
  return n;
}

std::string perms(const MappingRecord& m) {
  std::string p = "---p";
  if (m.prot & 1) p[0] = 'r';
  if (m.prot & 2) p[1] = 'w';
  if (m.prot & 4) p[2] = 'x';
  if (m.flags & kMappingShared) p[3] = 's';
  return p;
}

// The smaps VmFlags words of the bits restore re-applies, as the recorded
// process had them ("lo lf wf"), or "".
std::string vm_flag_words(const MappingRecord& m) {
  std::string out;
  for (const MappingFlagWord& w : kMappingFlagWords) {
    if (m.flags & w.bit) out += (out.empty() ? "" : " ") + std::string(w.name);
  }
  return out;
}

std::string time_text(uint64_t unix_ns) {
  time_t t = static_cast<time_t>(unix_ns / 1000000000);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
  return buf;
}

// Why the file at `f`'s path no longer matches, or "".
std::string file_status(const InfoView& v, const FileRecord& f, bool hash) {
  const char* path = v.string(f.path);
  // Each instance's own /proc file (kFileOfProcess): nothing to compare
  // from outside.
  if (f.flags & kFileOfProcess) return "";
  struct stat st;
  if (::stat(path, &st) != 0) return std::strerror(errno);
  // The check restore makes (common/recorded_file.h).
  FileState now{uint64_t(st.st_dev), uint64_t(st.st_ino), uint32_t(st.st_mode), uint64_t(st.st_size),
                uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec),
                uint64_t(st.st_ctim.tv_sec) * 1000000000ull + uint64_t(st.st_ctim.tv_nsec)};
  switch (recorded_file_change(f, now)) {
    case FileChange::kNone: break;
    case FileChange::kReplaced: return "replaced (device or inode differs)";
    case FileChange::kType: return "file type differs";
    case FileChange::kSize: return "size differs";
    case FileChange::kMtime: return "mtime differs";
    case FileChange::kCtime: return "ctime differs";
  }
  bool identity_only = S_ISDIR(f.mode) || S_ISCHR(f.mode) || (f.flags & kFileMayChange);
  if (!identity_only && hash && (f.flags & kFileContentHashed)) {
    FILE* in = std::fopen(path, "rb");
    if (!in) return std::strerror(errno);
    std::vector<uint8_t> content(f.size);
    size_t got = content.empty() ? 0 : std::fread(content.data(), 1, content.size(), in);
    std::fclose(in);
    if (got != content.size() || checksum64(content.data(), content.size()) != f.content_hash) return "content differs";
  }
  return "";
}

// The first offset of NAME.pages that no checksum covers yet holds a
// non-zero byte, or -1. Every non-zero byte the writer puts in NAME.pages is
// in a page run or in the trailer's magic and id; the rest are holes (or
// zeros, after a copy that filled them). restore maps a kBasePages mapping
// in one piece, so a stray byte there would reach the program unchecked.
int64_t unstored_data(const SnapshotFile& s) {
  const InfoView& v = s.view();
  uint64_t size = v.header().pages_size;
  std::vector<std::pair<uint64_t, uint64_t>> covered;  // [begin, end), sorted below
  for (uint32_t i = 0; i < v.count(kPageRuns); ++i) {
    covered.emplace_back(v.run(i).pages_offset, v.run(i).pages_offset + v.run(i).size);
  }
  if (v.header().pages_id) covered.emplace_back(size - kPageSize, size - kPageSize + sizeof(PagesTrailer));
  std::sort(covered.begin(), covered.end());
  std::vector<uint8_t> buf(1 << 20);
  size_t next = 0;  // the first covered range that may lie at or after `at`
  int64_t found = -1;
  // Only the data extents: holes read as zero and need no reading.
  for_each_pages_extent(s.pages_fd(), 0, size, [&](const PagesExtent& e) {
    uint64_t end = e.offset + e.size;
    for (uint64_t at = e.offset; e.data && at < end;) {
      while (next < covered.size() && covered[next].second <= at) ++next;
      if (next < covered.size() && covered[next].first <= at) {
        at = covered[next].second;
        continue;
      }
      uint64_t stop = std::min<uint64_t>({end, next < covered.size() ? covered[next].first : end, at + buf.size()});
      ssize_t n = ::pread(s.pages_fd(), buf.data(), stop - at, static_cast<off_t>(at));
      if (n <= 0) {
        found = static_cast<int64_t>(at);  // shorter than its size: not what was recorded
        return false;
      }
      for (ssize_t k = 0; k < n; ++k) {
        if (buf[k]) {
          found = static_cast<int64_t>(at) + k;
          return false;
        }
      }
      at += static_cast<uint64_t>(n);
    }
    return true;
  });
  return found;
}

const char* clock_name(int32_t clock) {
  switch (clock) {
    case kClockRealtime: return "CLOCK_REALTIME";
    case kClockMonotonic: return "CLOCK_MONOTONIC";
    case kClockProcessCputime:
    case kClockOwnProcessSched: return "CLOCK_PROCESS_CPUTIME_ID";
    case kClockOwnProcessProf: return "process CPU clock (user+system, PROF)";
    case kClockOwnProcessVirt: return "process CPU clock (user, VIRT)";
    case kClockBoottime: return "CLOCK_BOOTTIME";
    case kClockTai: return "CLOCK_TAI";
  }
  return "?";
}

const char* notify_name(uint32_t notify) {
  switch (notify) {
    case kSigevSignal: return "SIGEV_SIGNAL";
    case kSigevNone: return "SIGEV_NONE";
    case kSigevThread: return "SIGEV_THREAD";
    case kSigevThreadId | kSigevSignal: return "SIGEV_THREAD_ID";
  }
  return "?";
}

// SIGVTALRM; real-time signals by number (glibc's SIGRTMIN is not the
// kernel's: it keeps 32 and 33 for itself).
std::string signal_name(uint32_t signo) {
  const char* abbrev = signo < 32 ? sigabbrev_np(static_cast<int>(signo)) : nullptr;
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signo);
}

std::string seconds(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%" PRIu64 ".%09" PRIu64 " s", ns / 1000000000, ns % 1000000000);
  return buf;
}

void report_timers(const InfoView& v, const ProcessRecord& p, bool json, std::ostream& out) {
  if (!json && p.timer_count) out << "  POSIX timers (recreated with their ids):\n";
  for (uint32_t i = 0; i < p.timer_count; ++i) {
    const TimerRecord& t = v.timer(p.first_timer + i);
    bool to_thread = t.notify & kSigevThreadId;
    if (json) {
      out << (i ? ", " : "") << "{\"id\": " << t.id << ", \"clock\": " << json_string(clock_name(t.clock))
          << ", \"notify\": " << json_string(notify_name(t.notify)) << ", \"signo\": " << t.signo
          << ", \"signal\": " << json_string(t.notify == kSigevNone ? "" : signal_name(t.signo))
          << ", \"value\": " << t.value << ", \"thread\": " << (to_thread ? std::to_string(t.thread) : "null")
          << ", \"remaining_ns\": " << t.remaining_ns << ", \"interval_ns\": " << t.interval_ns << "}";
      continue;
    }
    out << "    timer " << t.id << ": " << clock_name(t.clock) << ", " << notify_name(t.notify);
    if (t.notify != kSigevNone) out << " " << signal_name(t.signo);
    if (to_thread) out << " to thread " << t.thread << " (tid " << v.thread(p.first_thread + t.thread).tid << ")";
    out << ", value " << hex(t.value) << ", ";
    if (t.remaining_ns == 0) {
      out << "disarmed\n";
    } else {
      out << "armed: " << seconds(t.remaining_ns) << " left"
          << (t.interval_ns ? ", then every " + seconds(t.interval_ns) : std::string(", once")) << "\n";
    }
  }
}

}  // namespace

// The recorded memory of one process, for the decoder. The fds are not
// named: the snapshot keeps what restore needs of them, not their names as
// /proc showed them.
class RecordedMemory : public DecodeSource {
 public:
  RecordedMemory(const SnapshotFile& s, uint32_t p) : s_(s), p_(p) {}
  std::optional<std::string> string_at(uint64_t address, size_t max) const override {
    std::string out;
    while (out.size() < max) {
      // In small pieces that stay within one page: a string near the end
      // of a mapping must not make the read fail.
      size_t chunk = std::min<size_t>({64, 4096 - address % 4096, max - out.size()});
      char buf[64];
      if (!read(address, buf, chunk)) return out.empty() ? std::nullopt : std::optional<std::string>(out);
      for (size_t i = 0; i < chunk; ++i) {
        if (buf[i] == '\0') return out;
        out.push_back(buf[i]);
      }
      address += chunk;
    }
    return out;
  }
  std::optional<std::vector<uint8_t>> bytes_at(uint64_t address, size_t size) const override {
    std::vector<uint8_t> bytes(size);
    if (!read(address, bytes.data(), size)) return std::nullopt;
    return bytes;
  }
  std::string fd_target(int) const override { return ""; }

 private:
  bool read(uint64_t address, void* out, size_t size) const {
    try {
      return s_.read_memory(p_, address, out, size);
    } catch (const std::exception&) {
      return false;
    }
  }
  const SnapshotFile& s_;
  uint32_t p_;
};

std::string describe_trigger(const Trigger& t, const SnapshotFile* file, uint32_t p) {
  // An i386 call's arguments are in other registers than the x86-64 ones
  // kept here (ebx, ecx, ...): named, not decoded.
  if (t.kind == kTriggerI386) return "int $0x80 " + i386_syscall_name(static_cast<long>(t.nr));
  std::optional<RecordedMemory> memory;
  if (file) memory.emplace(*file, p);
  std::string s = decode_syscall(static_cast<long>(t.nr), t.args, memory ? &*memory : nullptr);
  if (t.kind == kTriggerMarker) s += " [checkpoint marker]";
  if (t.kind == kTriggerAt) s += " [--at]";
  return s;
}

namespace {

// Pages of the learned working set (snapinfo learn) per mapping index:
// [0] written, [1] read.
std::vector<std::array<uint64_t, 2>> learned_pages(const InfoView& v) {
  std::vector<std::array<uint64_t, 2>> pages(v.count(kMappings), {0, 0});
  for (uint32_t i = 0; i < v.count(kLearnedRuns); ++i) {
    const LearnedRunRecord& r = v.learned(i);
    pages[r.mapping][r.kind == kLearnedWrite ? 0 : 1] += r.page_count;
  }
  return pages;
}

}  // namespace

void report_maps(const SnapshotFile& s, bool json, std::ostream& out) {
  const InfoView& v = s.view();
  const Header& h = v.header();
  std::vector<std::array<uint64_t, 2>> learned = learned_pages(v);
  uint64_t learned_written = 0, learned_read = 0;
  for (const auto& l : learned) learned_written += l[0], learned_read += l[1];
  if (json) out << "{\"name\": " << json_string(s.name()) << ", \"format_version\": " << h.version
                << ", \"recorded\": " << json_string(time_text(h.created_unix_ns)) << ", \"learned\": {\"training_runs\": "
                << h.training_runs << ", \"pages_written\": " << learned_written << ", \"pages_read\": " << learned_read
                << ", \"runs\": " << v.count(kLearnedRuns) << "}, \"processes\": [";
  for (uint32_t pi = 0; pi < v.count(kProcesses); ++pi) {
    const ProcessRecord& p = v.process(pi);
    std::vector<std::string> argv = split_nul(v.blob(p.argv), p.argv.size);
    uint64_t total = 0, stored = 0, from_files = 0;
    if (json) {
      out << (pi ? ", " : "") << "{\"pid\": " << p.pid << ", \"exe\": " << json_string(v.string(p.exe))
          << ", \"argv\": [";
      for (size_t i = 0; i < argv.size(); ++i) out << (i ? ", " : "") << json_string(argv[i]);
      out << "], \"kernel\": " << json_string(v.string(p.kernel_release)) << ", \"trigger\": {\"syscall\": "
          << json_string(p.trigger.kind == kTriggerI386 ? i386_syscall_name(static_cast<long>(p.trigger.nr))
                                                        : syscall_name(static_cast<long>(p.trigger.nr)))
          << ", \"args\": [";
      for (int i = 0; i < 6; ++i) out << (i ? ", " : "") << p.trigger.args[i];
      out << "], \"kind\": " << p.trigger.kind << ", \"text\": " << json_string(describe_trigger(p.trigger, &s, pi))
          << "}, \"threads\": " << p.thread_count << ", \"timers\": [";
      report_timers(v, p, true, out);
      out << "], \"mappings\": [";
    } else {
      out << "process " << p.pid << ": " << v.string(p.exe) << "\n  argv:";
      for (const auto& a : argv) out << " " << a;
      out << "\n  " << ((p.flags & kProcessLive) ? "live snapshot (snap): not restorable" : "trigger: " + describe_trigger(p.trigger, &s, pi))
          << "\n  recorded: " << time_text(h.created_unix_ns)
          << " on kernel " << v.string(p.kernel_release) << ", snapshot format " << h.version << "\n"
          << "  threads: " << p.thread_count << ", fds: " << p.fd_count << ", signal handlers: " << p.sigaction_count
          << "\n";
      // Only these are applied by restore; the rest are its caller's.
      static constexpr const char* kLimitNames[kRlimitCount] = {
          "cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
          "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime"};
      // mm->def_flags of the last mlockall: restore sets it again.
      if (p.flags & kProcessLockFuture) {
        out << "  mlockall: MCL_FUTURE" << ((p.flags & kProcessLockFutureOnFault) ? "|MCL_ONFAULT" : "") << "\n";
      }
      if (p.rlimits_set) {
        out << "  limits the program set:";
        for (uint32_t r = 0; r < kRlimitCount; ++r) {
          if (p.rlimits_set & (1u << r)) out << " " << kLimitNames[r];
        }
        out << "\n";
      }
      // Written by restore into /proc/self/coredump_filter; otherwise the
      // instance keeps its caller's.
      if (p.flags & kProcessCoredumpFilter) {
        char hex[16];
        std::snprintf(hex, sizeof(hex), "0x%x", p.coredump_filter);
        out << "  coredump_filter the program set: " << hex << "\n";
      }
      report_timers(v, p, false, out);
      out << "\n";
    }
    for (uint32_t i = 0; i < p.mapping_count; ++i) {
      const MappingRecord& m = v.mapping(p.first_mapping + i);
      uint64_t size = m.end - m.start, bytes = stored_bytes(v, m);
      total += size;
      stored += bytes;
      std::string path = m.name.size ? v.string(m.name) : "";
      uint64_t offset = m.base == kBaseFile ? m.file_offset : 0;
      uint64_t dev = 0, ino = 0;
      if (m.base == kBaseFile) {
        dev = v.file(m.file_index).dev;
        ino = v.file(m.file_index).ino;
        from_files += size - bytes;
      }
      if (json) {
        out << (i ? ", " : "") << "{\"start\": " << m.start << ", \"end\": " << m.end << ", \"perms\": "
            << json_string(perms(m)) << ", \"offset\": " << offset << ", \"path\": " << json_string(path)
            << ", \"source\": " << json_string(base_name(m.base)) << ", \"stored_bytes\": " << bytes
            << ", \"vm_flags\": " << json_string(vm_flag_words(m))
            << ", \"learned_written_pages\": " << learned[p.first_mapping + i][0]
            << ", \"learned_read_pages\": " << learned[p.first_mapping + i][1] << "}";
      } else {
        char line[512];
        std::snprintf(line, sizeof(line), "%012" PRIx64 "-%012" PRIx64 " %s %08" PRIx64 " %02x:%02x %-8" PRIu64
                      " %-6s %8" PRIu64 "K stored  %s",
                      m.start, m.end, perms(m).c_str(), offset, major(dev), minor(dev), ino, base_name(m.base),
                      bytes >> 10, path.c_str());
        out << line;
        // After the name, in smaps' words: "  VmFlags: lo wf".
        if (std::string words = vm_flag_words(m); !words.empty()) out << "  VmFlags: " << words;
        out << "\n";
      }
    }
    if (json) {
      out << "], \"total_bytes\": " << total << ", \"stored_bytes\": " << stored << ", \"file_bytes\": " << from_files
          << "}";
    } else {
      out << "\n  " << p.mapping_count << " mappings, " << (total >> 10) << " KiB mapped: " << (stored >> 10)
          << " KiB stored in " << s.name() << ".pages, " << (from_files >> 10)
          << " KiB from the original files (shared through the page cache), the rest zero\n";
      if (h.training_runs) {
        out << "  learned working set: " << learned_written << " pages written, " << learned_read << " read, from "
            << h.training_runs << " training run" << (h.training_runs == 1 ? "" : "s")
            << " (restore prefaults them; --no-learned ignores them)\n";
      } else {
        out << "  learned working set: none (snapinfo learn " << s.name() << " trains one)\n";
      }
    }
  }
  if (json) out << "]}\n";
}

int report_files(const SnapshotFile& s, bool hash, bool json, std::ostream& out) {
  const InfoView& v = s.view();
  int changed = 0;
  if (json) out << "[";
  for (uint32_t i = 0; i < v.count(kFiles); ++i) {
    const FileRecord& f = v.file(i);
    std::string why = file_status(v, f, hash);
    if (!why.empty()) ++changed;
    if (json) {
      out << (i ? ", " : "") << "{\"path\": " << json_string(v.string(f.path)) << ", \"dev\": " << f.dev
          << ", \"ino\": " << f.ino << ", \"size\": " << f.size << ", \"mtime_ns\": " << f.mtime_ns
          << ", \"ctime_ns\": " << f.ctime_ns
          << ", \"hash\": " << json_string(hex(f.content_hash)) << ", \"matches\": " << (why.empty() ? "true" : "false")
          << ", \"why\": " << json_string(why) << "}";
    } else {
      out << (why.empty() ? "ok       " : "CHANGED  ") << v.string(f.path) << "  (dev " << major(f.dev) << ":"
          << minor(f.dev) << " ino " << f.ino << " size " << f.size << ")" << (why.empty() ? "" : ": " + why)
          << "\n";
    }
  }
  if (json) out << "]\n";
  return changed;
}

std::string verify_snapshot(const SnapshotFile& s, std::ostream& progress) {
  const InfoView& v = s.view();
  progress << "info: header and body checksums ok\n";
  std::vector<uint8_t> buf;
  for (uint32_t i = 0; i < v.count(kPageRuns); ++i) {
    const PageRunRecord& r = v.run(i);
    buf.resize(r.size);
    ssize_t n = ::pread(s.pages_fd(), buf.data(), buf.size(), static_cast<off_t>(r.pages_offset));
    if (n != static_cast<ssize_t>(buf.size()) || checksum64(buf.data(), buf.size()) != r.checksum) {
      return s.name() + ".pages: checksum mismatch in the page run at " + hex(r.start);
    }
  }
  progress << "pages: " << v.count(kPageRuns) << " page runs ok\n";
  int64_t stray = unstored_data(s);
  if (stray >= 0) {
    return s.name() + ".pages: data outside every stored page run at offset " + hex(static_cast<uint64_t>(stray)) +
           " (unstored pages must be zero)";
  }
  progress << "pages: zero outside the page runs\n";
  for (uint32_t i = 0; i < v.count(kFiles); ++i) {
    std::string why = file_status(v, v.file(i), true);
    if (!why.empty()) return std::string(v.string(v.file(i).path)) + ": " + why;
  }
  progress << "files: " << v.count(kFiles) << " backing files ok\n";
  return "";
}

}  // namespace snappy
