#include "common/info_reader.h"

#include "common/checksum.h"
#include "common/fd_record.h"

namespace snappy {

using namespace format;

namespace {

bool fail(InfoError* error, const char* what) {
  error->what = what;
  error->has_value = false;
  return false;
}

bool fail(InfoError* error, const char* what, uint64_t value) {
  error->what = what;
  error->value = value;
  error->has_value = true;
  return false;
}

char* append(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

char* append_decimal(char* out, uint64_t v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *out++ = digits[--n];
  return out;
}

// Another format version is named as such, in the same words by every
// tool: both numbers in decimal, no value in hex after them.
bool fail_version(InfoError* error, uint32_t recorded) {
  char* out = append(error->text, "recorded by format ");
  out = append_decimal(out, recorded);
  out = append(out, ", this build reads ");
  out = append_decimal(out, kVersion);
  *out = 0;
  return fail(error, error->text);
}

// a + b <= limit, without overflow.
bool fits(uint64_t a, uint64_t b, uint64_t limit) {
  return a <= limit && b <= limit - a;
}

bool page_aligned(uint64_t v) { return (v & (kPageSize - 1)) == 0; }

bool overlaps_window(uint64_t start, uint64_t end) {
  return start < kWindowEnd && end > kWindowStart;
}

// Index range [first, first + n) inside [0, total).
bool in_range(uint32_t first, uint32_t n, uint32_t total) {
  return fits(first, n, total);
}

}  // namespace

bool InfoView::open(const void* data, uint64_t size, uint64_t pages_size,
                    InfoError* error) {
  data_ = static_cast<const uint8_t*>(data);
  size_ = size;
  pages_size_ = pages_size;
  header_ = reinterpret_cast<const Header*>(data_);

  if (size < sizeof(Header)) return fail(error, "file too short for a header", size);
  for (size_t i = 0; i < sizeof(kInfoMagic); ++i) {
    if (header_->magic[i] != kInfoMagic[i]) return fail(error, "not a snapshot (bad magic)");
  }
  // Before the checksum: a snapshot of another format is named as such, not
  // as corrupt (the header's layout may differ in that version).
  if (header_->version != kVersion) return fail_version(error, header_->version);
  if (header_->header_checksum != checksum64(data_, offsetof(Header, header_checksum))) {
    return fail(error, "header checksum mismatch");
  }
  if (header_->arch != kArchX86_64) return fail(error, "snapshot for another architecture (ELF machine)", header_->arch);
  if (header_->header_size != sizeof(Header)) return fail(error, "bad header size", header_->header_size);
  // Shorter or longer: a truncated copy and an appended one are different
  // accidents; the value is the size found.
  if (header_->info_size > size) {
    return fail(error, "info file size differs from its header: shorter than recorded (truncated?)", size);
  }
  if (header_->info_size < size) return fail(error, "info file size differs from its header: longer than recorded", size);
  if (size > kMaxInfoSize) return fail(error, "info file too large", size);
  if (header_->pages_size > pages_size) {
    return fail(error, "pages file size differs from the info: shorter than recorded (truncated?)", pages_size);
  }
  if (header_->pages_size < pages_size) {
    return fail(error, "pages file size differs from the info: longer than recorded", pages_size);
  }
  if (header_->body_checksum != checksum64(data_ + sizeof(Header), size - sizeof(Header))) {
    return fail(error, "checksum mismatch in the info file body");
  }
  if (!check_sections(error)) return false;
  for (uint32_t i = 0; i < count(kProcesses); ++i) {
    if (!check_process(process(i), error)) return false;
  }
  if (count(kProcesses) == 0) return fail(error, "snapshot holds no process");
  return check_all_runs(error) && check_learned(error);
}

// The learned working set is advice, but restore acts on it after its
// point of no return, so a run it could not apply, or one for other pages,
// is corrupt like any other record: refused, never half applied.
bool InfoView::check_learned(InfoError* error) const {
  const Header& h = *header_;
  if (h.training_runs == 0) {
    if (count(kLearnedRuns) != 0 || h.learned_pages_id != 0) return fail(error, "learned set without training runs");
    return true;
  }
  if (h.pages_id == 0 || h.learned_pages_id != h.pages_id) {
    return fail(error, "learned set recorded against other pages (NAME.pages changed since learning)");
  }
  uint32_t previous_mapping = 0;
  uint64_t page_floor = 0;
  for (uint32_t i = 0; i < count(kLearnedRuns); ++i) {
    const LearnedRunRecord& r = learned(i);
    if (r.mapping >= count(kMappings)) return fail(error, "learned run names no mapping, run", i);
    if (r.kind != kLearnedWrite && r.kind != kLearnedRead) return fail(error, "unknown kind of learned run", i);
    const MappingRecord& m = mapping(r.mapping);
    uint64_t pages = (m.end - m.start) / kPageSize;
    if (r.page_count == 0 || !fits(r.first_page, r.page_count, pages)) return fail(error, "learned run outside its mapping, run", i);
    if (i > 0 && (r.mapping < previous_mapping || (r.mapping == previous_mapping && r.first_page < page_floor))) {
      return fail(error, "learned runs unsorted or overlapping at run", i);
    }
    bool private_memory = !(m.flags & kMappingShared) && (m.base == kBaseZero || m.base == kBaseFile || m.base == kBasePages);
    if (r.kind == kLearnedWrite && (!private_memory || !(m.prot & 2 /* PROT_WRITE */))) {
      return fail(error, "learned write run in memory restore cannot write, run", i);
    }
    if (r.kind == kLearnedRead && m.base != kBaseFile && m.base != kBasePages) {
      return fail(error, "learned read run in memory without a file, run", i);
    }
    previous_mapping = r.mapping;
    page_floor = r.first_page + r.page_count;
  }
  return true;
}

bool InfoView::check_all_runs(InfoError* error) const {
  // Every run, whether or not a mapping claims it: `restore --verify` and
  // snapinfo walk them all.
  for (uint32_t i = 0; i < count(kPageRuns); ++i) {
    const PageRunRecord& r = run(i);
    if (!page_aligned(r.start) || !page_aligned(r.size) || !page_aligned(r.pages_offset) || r.size == 0) {
      return fail(error, "page run not page-aligned at", r.start);
    }
    if (!fits(r.pages_offset, r.size, pages_size_)) return fail(error, "page run points outside the pages file at", r.start);
  }
  return true;
}

bool InfoView::check_sections(InfoError* error) const {
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    const SectionRef& ref = header_->sections[s];
    if (ref.record_size != kRecordSize[s]) return fail(error, "bad record size in section", s);
    if (ref.offset % 8 != 0 || ref.offset < sizeof(Header)) return fail(error, "misplaced section", s);
    uint64_t bytes = uint64_t(ref.count) * ref.record_size;
    if (!fits(ref.offset, bytes, size_)) return fail(error, "section runs past the end of the file", s);
  }
  for (uint32_t i = 0; i < count(kFiles); ++i) {
    if (!check_string(file(i).path)) return fail(error, "file path outside the string table for file", i);
  }
  for (uint32_t i = 0; i < count(kOutputs); ++i) {
    const OutputRecord& o = output(i);
    if (!check_blob(o.data)) return fail(error, "output data outside the blob for output", i);
    if (o.fd != 1 && o.fd != 2) return fail(error, "output replay for an fd other than 1 or 2", o.fd);
  }
  for (uint32_t i = 0; i < count(kFds); ++i) {
    const FdRecord& f = fd(i);
    if (f.fd < 0 || f.kind >= kFdKindCount || (f.kind == kFdFile && fd_file(f) >= count(kFiles)) ||
        (f.kind == kFdEpoll && !check_blob(epoll_registrations(f))) ||
        (is_pipe_end(f) && (pipe_data(f).size > kMaxPipeData || !check_blob(pipe_blob(f)))) ||
        (f.kind == kFdCallerStatus &&
         (f.fd > 2 || caller_status_changed(f) == 0 || (caller_status_changed(f) & ~kCallerStatusBits) ||
          (f.open_flags & ~caller_status_changed(f)) || f.offset || f.fd_flags || f.description))) {
      return fail(error, "bad fd record", i);
    }
  }
  for (uint32_t i = 0; i < count(kSigactions); ++i) {
    uint32_t signo = sigaction(i).signo;
    if (signo < 1 || signo > 64 || signo == 9 || signo == 19) return fail(error, "bad signal number", signo);
  }
  for (uint32_t i = 0; i < count(kThreads); ++i) {
    const ThreadRecord& t = thread(i);
    if (!check_blob(t.xsave) || t.xsave.size > kMaxXsaveSize || t.xsave.size < 576) {
      return fail(error, "bad xsave area for thread", i);
    }
  }
  return true;
}

bool InfoView::check_blob(const BlobRef& ref) const {
  return fits(ref.offset, ref.size, header_->sections[kBlob].count);
}

bool InfoView::check_string(const BlobRef& ref) const {
  return ref.size > 0 && check_blob(ref) && blob(ref)[ref.size - 1] == 0;
}

bool InfoView::check_process(const ProcessRecord& p, InfoError* error) const {
  if (!in_range(p.first_thread, p.thread_count, count(kThreads)) || p.thread_count == 0) {
    return fail(error, "bad thread range for process", p.pid);
  }
  if (!in_range(p.first_mapping, p.mapping_count, count(kMappings))) return fail(error, "bad mapping range for process", p.pid);
  if (!in_range(p.first_fd, p.fd_count, count(kFds))) return fail(error, "bad fd range for process", p.pid);
  if (!in_range(p.first_sigaction, p.sigaction_count, count(kSigactions))) {
    return fail(error, "bad signal handler range for process", p.pid);
  }
  if (!in_range(p.first_output, p.output_count, count(kOutputs))) return fail(error, "bad output range for process", p.pid);
  if (!in_range(p.first_timer, p.timer_count, count(kTimers)) || p.timer_count > kMaxTimers) {
    return fail(error, "bad timer range for process", p.pid);
  }
  if (!check_string(p.exe) || !check_string(p.cwd) || !check_string(p.kernel_release)) {
    return fail(error, "process string outside the string table", p.pid);
  }
  if (!check_blob(p.argv) || !check_blob(p.envp) || !check_blob(p.auxv) || p.auxv.size % 16 != 0) {
    return fail(error, "process blob outside the blob section", p.pid);
  }
  // argv and envp are NUL-terminated strings back to back (or empty).
  if ((p.argv.size && blob(p.argv)[p.argv.size - 1] != 0) || (p.envp.size && blob(p.envp)[p.envp.size - 1] != 0)) {
    return fail(error, "argv or environment not NUL-terminated for process", p.pid);
  }
  if (p.flags & ~uint32_t{kProcessKnownFlags}) return fail(error, "unknown flags for process", p.pid);
  if ((p.flags & kProcessLockFutureOnFault) && !(p.flags & kProcessLockFuture)) return fail(error, "MCL_ONFAULT without MCL_FUTURE for process", p.pid);
  if (p.rlimits_set >> kRlimitCount) return fail(error, "unknown resource among the limits set by process", p.pid);
  // restore writes the value into /proc/self/coredump_filter only with the
  // flag; without it the field must be empty, and no kernel shows bits
  // beyond MMF_DUMP_FILTER_BITS.
  if ((p.coredump_filter & ~kCoredumpFilterBits) ||
      (!(p.flags & kProcessCoredumpFilter) && p.coredump_filter != 0) || p.reserved0 != 0) {
    return fail(error, "bad coredump_filter for process", p.pid);
  }
  if (p.trigger.kind > kTriggerI386) return fail(error, "unknown trigger kind", p.trigger.kind);
  if (p.trigger.thread >= p.thread_count) return fail(error, "trigger thread out of range", p.trigger.thread);
  return check_timers(p, error) && check_mappings(p, error);
}

// restore creates every timer after the irreversible step, so each must be
// one it can create: a fresh id (sorted, hence distinct), a clock and a
// notification the kernel takes, a thread of this process to signal.
bool InfoView::check_timers(const ProcessRecord& p, InfoError* error) const {
  int64_t previous_id = -1;
  if (p.next_timer_id < 0 || p.reserved1) return fail(error, "bad next timer id for process", p.pid);
  for (uint32_t i = p.first_timer; i < p.first_timer + p.timer_count; ++i) {
    const TimerRecord& t = timer(i);
    if (t.id < 0 || t.id <= previous_id) return fail(error, "timer ids unsorted or repeated at timer", i);
    if (t.id >= p.next_timer_id) return fail(error, "timer id not below the next timer id", uint64_t(uint32_t(t.id)));
    previous_id = t.id;
    if (!is_timer_clock(t.clock)) return fail(error, "unknown clock for timer", uint64_t(uint32_t(t.id)));
    bool to_thread = t.notify == (kSigevThreadId | kSigevSignal);
    if (t.notify != kSigevSignal && t.notify != kSigevNone && t.notify != kSigevThread && !to_thread) {
      return fail(error, "unknown notification for timer", uint64_t(uint32_t(t.id)));
    }
    if (t.notify != kSigevNone && (t.signo < 1 || t.signo > 64)) return fail(error, "bad signal number for timer", t.signo);
    if ((to_thread ? t.thread >= p.thread_count : t.thread != 0) || t.reserved0) {
      return fail(error, "bad thread for timer", uint64_t(uint32_t(t.id)));
    }
    if (t.remaining_ns == 0 && t.interval_ns != 0) return fail(error, "interval for a disarmed timer", uint64_t(uint32_t(t.id)));
  }
  return true;
}

bool InfoView::check_mappings(const ProcessRecord& p, InfoError* error) const {
  uint64_t previous_start = 0, previous_end = 0;
  for (uint32_t i = p.first_mapping; i < p.first_mapping + p.mapping_count; ++i) {
    const MappingRecord& m = mapping(i);
    if (!page_aligned(m.start) || !page_aligned(m.end) || m.start >= m.end) return fail(error, "mapping not page-aligned", m.start);
    if (m.start < previous_start) return fail(error, "mappings unsorted (not in address order) at", m.start);
    if (m.start < previous_end) return fail(error, "mappings overlap at", m.start);
    if (m.end > kUserAddressEnd) return fail(error, "mapping outside user space at", m.start);
    if (overlaps_window(m.start, m.end)) return fail(error, "mapping inside restore's reserved window at", m.start);
    if (m.prot & ~7u) return fail(error, "bad protection for mapping at", m.start);
    if (m.flags & ~uint32_t{kMappingKnownFlags}) return fail(error, "unknown flags for mapping at", m.start);
    // Only the kernel's combinations: MLOCK_ONFAULT is a kind of lock, and
    // MAP_DROPPABLE makes private anonymous memory only.
    if ((m.flags & kMappingLockOnFault) && !(m.flags & kMappingLocked)) return fail(error, "lock-on-fault without a lock for mapping at", m.start);
    if ((m.flags & kMappingDroppable) && ((m.flags & kMappingShared) || (m.base != kBaseZero && m.base != kBasePages)))
      return fail(error, "droppable mapping not private anonymous memory at", m.start);
    if (m.name.size != 0 && !check_string(m.name)) return fail(error, "mapping name outside the string table", m.start);
    previous_start = m.start;
    previous_end = m.end;
    uint64_t size = m.end - m.start;
    switch (m.base) {
      case kBaseZero:
      case kBaseVvar:
      case kBaseVdso:
        break;
      case kBaseFile:
        if (m.file_index >= count(kFiles) || !page_aligned(m.file_offset) || (file(m.file_index).mode & 0170000) != 0100000) {
          return fail(error, "bad file for mapping at", m.start);
        }
        break;
      case kBasePages:
        if (!page_aligned(m.pages_offset) || !fits(m.pages_offset, size, pages_size_)) {
          return fail(error, "mapping points outside the pages file at", m.start);
        }
        break;
      default:
        return fail(error, "unknown base for mapping at", m.start);
    }
    if (m.run_count != 0 && (m.base == kBaseVvar || m.base == kBaseVdso)) {
      return fail(error, "stored pages for a kernel mapping at", m.start);
    }
    if (!in_range(m.first_run, m.run_count, count(kPageRuns))) return fail(error, "bad page run range for mapping at", m.start);
    uint64_t run_floor = m.start;
    for (uint32_t r = m.first_run; r < m.first_run + m.run_count; ++r) {
      const PageRunRecord& run = this->run(r);
      if (!page_aligned(run.start) || !page_aligned(run.size) || !page_aligned(run.pages_offset) || run.size == 0) {
        return fail(error, "page run not page-aligned at", run.start);
      }
      if (run.start < run_floor || !fits(run.start, run.size, m.end)) return fail(error, "page run outside its mapping at", run.start);
      if (!fits(run.pages_offset, run.size, pages_size_)) return fail(error, "page run points outside the pages file at", run.start);
      if (m.base == kBasePages && run.pages_offset != m.pages_offset + (run.start - m.start)) {
        return fail(error, "page run disagrees with its mapping at", run.start);
      }
      run_floor = run.start + run.size;
    }
  }
  return true;
}

}  // namespace snappy
