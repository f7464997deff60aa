#include "ptracer/process_state.h"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <cstring>
#include <string>

#include "ptracer/memory_capture.h"
#include "ptracer/proc_files.h"

namespace snappy {

void read_process_state(pid_t pid, Missing missing, format::ProcessRecord& p, Snapshot& s) {
  bool refuse = missing == Missing::kRefuse;
  std::string cwd_link = proc_path(pid, "cwd");
  std::string cwd = read_link(cwd_link);
  if (cwd.empty() && refuse) throw CaptureError("cannot read link " + cwd_link);
  p.cwd = s.add_string(cwd.empty() ? "/" : cwd);
  std::string auxv = refuse ? read_text(proc_path(pid, "auxv")) : read_text_or_empty(proc_path(pid, "auxv"));
  auxv.resize(auxv.size() / 16 * 16);  // whole (type, value) pairs
  p.auxv = s.add_blob(auxv.data(), auxv.size());
  utsname uts;
  uname(&uts);
  p.kernel_release = s.add_string(uts.release);
  std::string comm = refuse ? read_text(proc_path(pid, "comm")) : read_text_or_empty(proc_path(pid, "comm"));
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  std::strncpy(p.comm, comm.c_str(), sizeof(p.comm) - 1);
  for (uint32_t r = 0; r < format::kRlimitCount; ++r) {
    struct rlimit64 lim{};
    if (prlimit64(pid, static_cast<__rlimit_resource>(r), nullptr, &lim) == 0) {
      p.rlimits[r] = {lim.rlim_cur, lim.rlim_max};
    } else if (refuse) {
      throw CaptureError("cannot read rlimits");
    }
  }
}

}  // namespace snappy
