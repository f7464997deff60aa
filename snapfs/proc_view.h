// The /proc-like text and binary files snapfs serves for one recorded
// process, rendered from NAME.info alone (no FUSE here, so snapinfo and the
// unit tests can use them too). `p` is an index into the snapshot's
// processes; `t` an index into its threads (absolute, as InfoView takes it).
#pragma once

#include <cstdint>
#include <string>

#include "common/info_reader.h"

namespace snappy {

// A string blob as std::string, without its terminating NUL ("" if empty).
std::string blob_string(const InfoView& v, const format::BlobRef& ref);
// A blob's raw bytes (argv, envp, auxv, xsave).
std::string blob_bytes(const InfoView& v, const format::BlobRef& ref);

// /proc/PID/maps: "start-end perms offset major:minor inode   name".
std::string render_maps(const InfoView& v, uint32_t p);
// smaps-like: each maps line, then Size, Stored (bytes in NAME.pages),
// FileBacked (read from the original file) and Zero (anonymous zero pages
// and holes), in kB, and VmFlags.
// With NAME.pages open (`pages_fd`, e.g. SnapshotFile::pages_fd()), the
// holes of a mapping stored whole do not count as stored; with -1 they do.
std::string render_smaps(const InfoView& v, uint32_t p, int pages_fd = -1);
// /proc/PID/status: Name, Umask, State, Tgid, Pid, Threads, Vm*, VmStored
// (ours: bytes in NAME.pages), SigBlk/SigIgn/SigCgt, Kernel (ours).
std::string render_status(const InfoView& v, uint32_t p, int pages_fd = -1);
// /proc/PID/stat: the 52 fields; what was not recorded is 0 (rss: stored
// pages; kstkesp/kstkeip: the main thread's rsp and rip).
std::string render_stat(const InfoView& v, uint32_t p, int pages_fd = -1);
// /proc/PID/limits from the recorded rlimits.
std::string render_limits(const InfoView& v, uint32_t p);
// One "name 0x%016lx" line per register of user_regs_struct, in
// format::Reg order (r15 ... gs).
std::string render_regs(const InfoView& v, uint32_t t);
// The XSAVE area as text: fcw, fsw, ftw, fop, fip, fdp, mxcsr, mxcsr_mask,
// st0-st7 (80-bit), xmm0-xmm15 and, if the area has the AVX component,
// ymm0h-ymm15h (the upper halves). 128-bit values print as one hex number.
std::string render_fpregs(const InfoView& v, uint32_t t);
// The thread of process `p` that /proc/PID shows: the one whose tid is the
// pid, else the first.
uint32_t main_thread(const InfoView& v, uint32_t p);
// Where fd record `f` links to: the file's path, "anon_inode:[eventpoll]"
// or "socket:[0]".
std::string fd_target(const InfoView& v, uint32_t f);

}  // namespace snappy
