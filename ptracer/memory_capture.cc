#include "ptracer/memory_capture.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <sstream>
#include <utility>

#include "common/hex_text.h"

namespace snappy {

namespace {

constexpr uint64_t kPage = format::kPageSize;

std::string where(const ProcMapsEntry& e) {
  return hex(e.start) + "-" + hex(e.end) + (e.path.empty() ? "" : " " + e.path);
}

// A mapping of an unlinked file: restore reopens backing files by path, and
// that path now names another file or none.
std::string deleted_file_error(const ProcMapsEntry& e) {
  std::string name = e.file_name();
  struct stat st;
  if (::stat(name.c_str(), &st) == 0) {
    return name + ": mapped file was deleted and another file now has its name; it cannot be reopened at restore";
  }
  return name + ": mapped file was deleted; it cannot be reopened at restore";
}

// What a recording does with a mapping of class `cls` other than storing
// it: refuse it (CaptureError) or, for anything with a name in the file
// system (files, memfd, SysV, hugetlbfs), check that restore can reopen it.
void refuse_unrestorable(const ProcMapsEntry& e, MappingClass cls) {
  switch (cls) {
    case MappingClass::kVdso:
    case MappingClass::kVvar:
    case MappingClass::kAnonPrivate:
      return;
    case MappingClass::kOutside:
      throw CaptureError("mapping at " + where(e) + ": outside the memory a snapshot holds");
    case MappingClass::kAnonShared:
      // Shared anonymous memory shows as "/dev/zero (deleted)" (or
      // "[anon_shmem:NAME]" when named): no file to reopen, and sharing
      // cannot be restored. A memfd is a (deleted) file, refused below.
      if (!e.path.starts_with("/memfd:")) throw CaptureError("shared anonymous mapping at " + where(e) + ": not supported");
      break;
    case MappingClass::kSpecial:
      throw CaptureError("unknown special mapping at " + where(e));
    default:
      break;
  }
  if (e.deleted) throw CaptureError(deleted_file_error(e));
  if (!e.is_file()) throw CaptureError("mapping at " + where(e) + ": not backed by a regular file");
  if (e.shared && e.writable) throw CaptureError("shared writable file mapping at " + hex(e.start) + ": " + e.path);
}

}  // namespace

Capturer::Capturer(pid_t source, pid_t process, const CapturePolicy& policy, Snapshot& snapshot, FileTable& files,
                   AtomicFile& pages)
    : Capturer(source, process, policy, snapshot, files, pages, read_vmflags(process)) {}

Capturer::Capturer(pid_t source, pid_t process, const CapturePolicy& policy, Snapshot& snapshot, FileTable& files,
                   AtomicFile& pages, std::map<uint64_t, VmFlags> vm)
    : source_(source),
      process_(process),
      policy_(policy),
      snapshot_(snapshot),
      files_(files),
      pages_(snapshot, pages, policy.live),
      vm_(std::move(vm)) {
  if (source != process) {
    for (const ProcMapsEntry& e : read_proc_maps(source)) in_source_.insert(e.start);
  }
}

void Capturer::file_reference(const ProcMapsEntry& e, format::MappingRecord& rec) {
  // maps shows the device as major:minor of st_dev (proc(5)).
  rec.file_index = files_.intern(e.path, makedev(e.dev_major, e.dev_minor), e.inode);
  rec.base = format::kBaseFile;
  rec.file_offset = e.offset;
}

format::MappingRecord Capturer::recorded(const ProcMapsEntry& e, MappingClass cls) {
  refuse_unrestorable(e, cls);
  format::MappingRecord rec{};
  rec.first_run = static_cast<uint32_t>(snapshot_.runs.size());
  PageSource self{source_, source_};
  switch (cls) {
    case MappingClass::kVdso: pages_.hash_vdso(e, source_, rec); break;
    case MappingClass::kVvar: rec.base = format::kBaseVvar; break;
    case MappingClass::kAnonPrivate: pages_.store_nonzero(e, self, rec); break;
    default:
      try {
        file_reference(e, rec);
      } catch (const std::runtime_error& err) {
        throw CaptureError("mapping at " + hex(e.start) + ": " + err.what());
      }
      if (!e.shared) pages_.store_written(e, self, rec);  // read-only shared: the file is the whole truth
  }
  return rec;
}

bool Capturer::wanted(MappingClass cls, const ProcMapsEntry& e, const VmFlags& vm) const {
  if (!policy_.ignore_filter && (vm.mapping_flags & format::kMappingDontDump)) return false;
  auto filt = [&](int bit) { return policy_.ignore_filter || (policy_.coredump_filter >> bit & 1); };
  uint32_t classes = policy_.classes;
  switch (cls) {
    case MappingClass::kAnonPrivate: return (classes & kClassAnonPrivate) && filt(0);
    case MappingClass::kAnonShared: return (classes & kClassAnonShared) && filt(1);
    case MappingClass::kShm: return (classes & kClassShm) && filt(1);
    // Written pages of a private file mapping are anonymous memory: the
    // kernel dumps them under bit 0 as well as bit 2.
    case MappingClass::kFilePrivate: return (classes & kClassFilePrivate) && (filt(0) || filt(2));
    case MappingClass::kFileShared: return (classes & kClassFileShared) && filt(3);
    case MappingClass::kHuge: return (classes & kClassHuge) && filt(e.shared ? 6 : 5);
    case MappingClass::kSpecial: return true;
    default: return false;
  }
}

bool Capturer::live(const ProcMapsEntry& e, MappingClass cls, const VmFlags& vm, format::MappingRecord& rec) {
  if (cls == MappingClass::kOutside) return false;
  // Memory the frozen copy does not have (MADV_DONTFORK) or has zeroed
  // (MADV_WIPEONFORK) is read from the running process: not frozen.
  pid_t src = source_;
  if (src != process_ && (!in_source_.count(e.start) || (vm.mapping_flags & format::kMappingWipeOnFork))) src = process_;
  bool kernel = cls == MappingClass::kVdso || cls == MappingClass::kVvar;
  bool want = wanted(cls, e, vm);
  bool regular_file = e.is_file() && !e.deleted;
  bool file_class = cls == MappingClass::kFilePrivate || cls == MappingClass::kFileShared;
  rec.first_run = static_cast<uint32_t>(snapshot_.runs.size());
  PageCapture::Mark before = pages_.mark();
  std::string failure;  // why a wanted mapping could not be read
  try {
    if (cls == MappingClass::kVdso) {
      pages_.hash_vdso(e, src, rec);
    } else if (cls == MappingClass::kVvar) {
      rec.base = format::kBaseVvar;
    } else if (want && cls == MappingClass::kFilePrivate && regular_file) {
      file_reference(e, rec);
      pages_.store_written(e, {src, src}, rec);
    } else if (want && cls == MappingClass::kAnonPrivate) {
      pages_.store_nonzero(e, {src, src}, rec);
    } else if (want) {
      // No file to name (shared memory, deleted or special files,
      // hugetlb), or a shared file's pages asked for: its pages, as
      // anonymous memory. Which exist, the process says (PageSource).
      pages_.store_nonzero(e, {src, process_}, rec);
    } else if (regular_file && file_class) {
      file_reference(e, rec);  // not stored: the mapping still names its file
    }
    return true;
  } catch (const WriteError&) {
    throw;  // NAME.pages cannot be written (a full disk): the snapshot fails
  } catch (const std::exception& error) {
    failure = error.what();
    pages_.rollback(before);
  }
  rec.base = format::kBaseZero;
  rec.file_index = 0;
  rec.file_offset = 0;
  rec.pages_offset = 0;
  if (!kernel && regular_file && file_class) {
    // A private file mapping whose pages could not be read (the file
    // changed) still names its file.
    try {
      file_reference(e, rec);
      return true;
    } catch (const std::exception& error) {
      failure = error.what();
    }
  }
  // Kept as a mapping without data, said so that no one takes it for an
  // excluded one.
  std::ostringstream line;
  line << std::hex << e.start << "-" << e.end << (e.path.empty() ? "" : " ") << e.path << ": " << failure;
  unreadable_.push_back(line.str());
  return true;
}

void Capturer::capture(const ProcMapsEntry& e) {
  if (e.start >= e.end || e.start % kPage != 0 || e.end % kPage != 0)
    throw CaptureError("malformed mapping " + where(e));
  auto found = vm_.find(e.start);
  VmFlags vm = found == vm_.end() ? VmFlags{} : found->second;
  MappingClass cls = classify(e, vm.hugetlb);
  format::MappingRecord rec{};
  if (policy_.live) {
    if (!live(e, cls, vm, rec)) return;
  } else {
    rec = recorded(e, cls);
  }
  rec.start = e.start;
  rec.end = e.end;
  rec.prot = static_cast<uint32_t>(e.prot());
  rec.flags = (e.shared ? uint32_t{format::kMappingShared} : 0u) | vm.mapping_flags;
  rec.run_count = static_cast<uint32_t>(snapshot_.runs.size()) - rec.first_run;
  if (!e.path.empty()) rec.name = snapshot_.add_string(e.path);
  snapshot_.mappings.push_back(rec);
  ++mappings_;
}

MemoryCaptureStats Capturer::finish() {
  PageCaptureStats pages = pages_.finish();
  return {mappings_, pages.bytes_stored, pages.zero_pages_skipped, pages.pages_size};
}

MemoryCaptureStats capture_memory(pid_t pid, const std::vector<ProcMapsEntry>& entries,
                                  format::ProcessRecord& process, Snapshot& snapshot,
                                  FileTable& files, AtomicFile& pages, std::map<uint64_t, VmFlags> vm) {
  // What madvise, mlock and mmap flags made of each mapping: the process
  // is stopped, so smaps lists the mappings maps did.
  Capturer capturer(pid, pid, CapturePolicy{}, snapshot, files, pages, std::move(vm));
  process.first_mapping = static_cast<uint32_t>(snapshot.mappings.size());
  for (const ProcMapsEntry& e : entries) capturer.capture(e);
  process.mapping_count = static_cast<uint32_t>(snapshot.mappings.size()) - process.first_mapping;
  return capturer.finish();
}

}  // namespace snappy
