// elf_loader [--no-vdso] [--argv0 NAME] [--execfn PATH] PROG ARGS...
//
// Runs PROG as execve(PROG, [PROG, ARGS...], environ) would, but maps PROG
// and its PT_INTERP itself (elf_image.h), builds the program's stack in a
// region of its own (initial_stack.h) and tells the kernel about the new
// layout with PR_SET_MM_MAP, so that a recorded process has no part of the
// kernel's original stack or of the loader's arguments in use. The loader
// stays mapped in its fixed window, which snapshots exclude (docs/DESIGN.md).
//
// --no-vdso hides AT_SYSINFO_EHDR, so libc makes real system calls instead
// of vDSO calls and the snapshot does not depend on this kernel's vDSO.
// --argv0 NAME gives the program NAME as argv[0] (bash's `exec -a`), as
// execvp does for a command typed without its directory: execve gets the
// path found in PATH (AT_EXECFN, the process's name), argv[0] the name.
// --execfn PATH is the file execve was given when it is not PROG: a `#!`
// script run through its interpreter PROG, whose AT_EXECFN and comm the
// kernel takes from the script (binfmt_script keeps bprm->filename).
//
// Exit codes (README "Exit codes"): 2 usage (`elf_loader: what; see
// elf_loader --help`); 127 PROG or its interpreter cannot be loaded
// (die.h, like a shell); otherwise the program's own.
#include "common/raw_syscall.h"
#include "common/snapshot_format.h"
#include "elf_loader/die.h"
#include "elf_loader/elf.h"
#include "elf_loader/elf_image.h"
#include "elf_loader/initial_stack.h"
#include "common/freestanding_text.h"

namespace snappy {
namespace {

// struct prctl_mm_map (include/uapi/linux/prctl.h).
struct PrctlMmMap {
  uint64_t start_code, end_code, start_data, end_data;
  uint64_t start_brk, brk, start_stack;
  uint64_t arg_start, arg_end, env_start, env_end;
  uint64_t auxv;
  uint32_t auxv_size;
  uint32_t exe_fd;
};
static_assert(sizeof(PrctlMmMap) == 104, "struct prctl_mm_map layout");

constexpr int kPrSetName = 15;
constexpr int kUsageStatus = 2;

// A usage error: `elf_loader: <what><arg>; see elf_loader --help`, exit 2.
[[noreturn]] void usage_error(const char* what, const char* arg = "") {
  const sys::IoVec parts[] = {{"elf_loader: ", 12}, {what, cstr::length(what)}, {arg, cstr::length(arg)},
                              {"; see elf_loader --help\n", 24}};
  sys::writev(2, parts, 4);
  sys::exit_group(kUsageStatus);
}

// --help: on stdout, exit 0.
[[noreturn]] void help() {
  static const char text[] =
      "usage: elf_loader [--no-vdso] [--argv0 NAME] [--execfn PATH] [--] PROG ARGS...\n"
      "  runs PROG like execve would, mapping PROG and its interpreter itself;\n"
      "  --no-vdso hides the vDSO from the program\n"
      "  --argv0 NAME gives the program NAME as argv[0] instead of PROG\n"
      "  --execfn PATH: AT_EXECFN and the process name from PATH (a #! script's)\n"
      "exit: 2 usage; 127 PROG cannot be loaded (one line on stderr); else PROG's\n";
  sys::write(1, text, sizeof(text) - 1);
  sys::exit_group(0);
}
constexpr uint32_t kKeepExeFile = ~uint32_t{0};

// Points mm's code/data/brk/stack/arg/env/auxv fields at the program
// instead of the loader. PR_SET_MM_MAP is unprivileged as long as exe_fd is
// left alone (kernel/sys.c prctl_set_mm_map, CONFIG_CHECKPOINT_RESTORE);
// the per-field PR_SET_MM_* need CAP_SYS_RESOURCE, which even root lacks
// here. The program runs the same without it: a failure only leaves
// /proc/PID/cmdline, environ and auxv showing the loader's view and brk
// after the loader, so it is not fatal.
void set_mm_map(const ElfImage& exe, const InitialStack& st) {
  PrctlMmMap map{};
  map.start_code = exe.start_code;
  map.end_code = exe.end_code;
  map.start_data = exe.start_data;
  map.end_data = exe.end_data;
  map.start_brk = map.brk = exe.brk;
  map.start_stack = st.sp;
  map.arg_start = st.arg_start;
  map.arg_end = st.arg_end;
  map.env_start = st.env_start;
  map.env_end = st.env_end;
  map.auxv = reinterpret_cast<uint64_t>(st.auxv);
  map.auxv_size = st.auxv_bytes;
  map.exe_fd = kKeepExeFile;
  sys::prctl(sys::kPrSetMm, sys::kPrSetMmMap, reinterpret_cast<long>(&map),
             sizeof(map), 0);
}

// The rest of the fixed window, reserved PROT_NONE for the program's whole
// life, so that the kernel never places one of the program's own mappings
// there (a runtime that mmaps at random hints, like V8, would otherwise
// land in the window now and then, and the snapshot is refused). A
// MAP_FIXED mapping there still replaces it and is refused by the
// recorder's model. NORESERVE and PROT_NONE: it costs no memory.
extern "C" char _end[];
void reserve_rest_of_window() {
  uint64_t image_end = (reinterpret_cast<uint64_t>(_end) + 4095) & ~uint64_t{4095};
  uint64_t window_end = format::kWindowStart + format::kWindowSize;
  if (image_end >= window_end) return;
  // Failure changes nothing for the program: it is only less protected.
  sys::mmap(image_end, window_end - image_end, sys::kProtNone,
            sys::kMapPrivate | sys::kMapAnonymous | sys::kMapNoreserve | sys::kMapFixedNoreplace, -1, 0);
}

}  // namespace

extern "C" [[noreturn]] void enter_program(uint64_t entry, uint64_t sp);

// Called from _start with the kernel's initial stack pointer. Runs with no
// libc and no TLS; static data is usable (the kernel mapped and zeroed it).
extern "C" [[noreturn]] void loader_main(uint64_t* kernel_sp) {
  int argc = static_cast<int>(kernel_sp[0]);
  char** argv = reinterpret_cast<char**>(kernel_sp + 1);
  char** envp = argv + argc + 1;
  char** end_of_env = envp;
  while (*end_of_env) ++end_of_env;
  const uint64_t* auxv = reinterpret_cast<uint64_t*>(end_of_env + 1);

  int first = 1;
  bool hide_vdso = false;
  char* argv0 = nullptr;
  const char* execfn = nullptr;
  // Options up to PROG; "--" ends them (for a PROG that starts with '-').
  for (; first < argc && argv[first][0] == '-' && argv[first][1]; ++first) {
    if (cstr::equal(argv[first], "--no-vdso")) {
      hide_vdso = true;
    } else if (cstr::equal(argv[first], "--argv0")) {
      if (first + 1 >= argc) usage_error("--argv0 needs a NAME");
      argv0 = argv[++first];
    } else if (cstr::equal(argv[first], "--execfn")) {
      if (first + 1 >= argc) usage_error("--execfn needs a PATH");
      execfn = argv[++first];
    } else if (cstr::equal(argv[first], "--help") || cstr::equal(argv[first], "-h")) {
      help();
    } else if (cstr::equal(argv[first], "--")) {
      ++first;
      break;
    } else {
      usage_error("unknown option ", argv[first]);
    }
  }
  if (first >= argc) usage_error("no program given");
  const char* prog = argv[first];

  static char interp_path[4096];
  ElfImage exe = load_elf(prog, interp_path, sizeof(interp_path));
  ElfImage interp;
  if (interp_path[0]) interp = load_elf(interp_path, nullptr, 0);

  StackRequest request;
  request.argc = argc - first;
  request.execfn = execfn ? execfn : prog;
  if (argv0) argv[first] = argv0;  // the kernel's stack is the loader's own to rewrite
  request.argv = argv + first;
  request.envp = envp;
  request.kernel_auxv = auxv;
  request.exe = &exe;
  // The base of a loaded ET_DYN: its first page (p_vaddr 0) is at the bias.
  request.interp_base = interp_path[0] ? interp.bias : 0;
  request.hide_vdso = hide_vdso;
  InitialStack stack = build_initial_stack(request);

  reserve_rest_of_window();
  set_mm_map(exe, stack);
  // The name the kernel gives a process at exec (comm, shown by ps and
  // matched by pgrep): the basename, which prctl truncates to 15 bytes.
  sys::prctl(kPrSetName, reinterpret_cast<long>(cstr::base_name(request.execfn)), 0, 0, 0);
  enter_program(interp_path[0] ? interp.entry : exe.entry, stack.sp);
}

}  // namespace snappy
