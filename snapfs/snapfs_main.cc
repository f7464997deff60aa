// snapfs [-m MOUNTPOINT] [-f] NAME...: serves snapshots read-only through
// FUSE as /proc-like directories, one per recorded process:
//
//   PID/maps smaps status stat limits comm cmdline environ auxv
//       regs fpregs mem core exe cwd fd/N task/TID/{regs,fpregs}
//
// Directories are named by the recorded pid; when two processes of the
// snapshots given share a pid, each of them is named BASENAME-PID instead
// (BASENAME: the last path component of its NAME; a further ".2", ".3"
// if even that clashes). The text files are rendered once at mount time
// from NAME.info (snapfs/proc_view.h); `mem` reads recorded memory at
// virtual addresses (EIO outside mappings, like /proc/PID/mem; direct I/O
// with size 0, so reads at any offset reach us); `core` is the ELF core of
// snapfs/core_image.h, laid out on first use and never stored. A file that
// vanishes under a mounted snapshot makes reads fail with EIO.
//
// The default mount point is ./snapfs-mnt, created if missing. Without -f
// snapfs daemonizes once mounted. SIGINT, SIGTERM and SIGHUP (libfuse's
// handlers) and `fusermount3 -u MOUNTPOINT` unmount it; it then exits 0.
//
// Exit codes (common/command_line.h): 0 unmounted cleanly; 1 a snapshot
// or the mount point refused, the mount or the connection failed; 2 bad
// usage.
//
// The loop is single-threaded: SnapshotFile opens backing files lazily
// (mutable state) and CoreImage objects are created on demand.
#define FUSE_USE_VERSION 35
#include <fuse.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/command_line.h"
#include "common/snapshot_format.h"
#include "snapfs/core_image.h"
#include "snapfs/proc_view.h"
#include "snapfs/snapshot_file.h"

namespace snappy {
namespace {

using namespace format;

struct Process {
  const SnapshotFile* snapshot;
  uint32_t index;  // into the snapshot's processes
  std::unique_ptr<CoreImage> core;
  std::string core_error;  // why the core could not be laid out, once known
};

struct Node {
  enum Kind { kDir, kFile, kLink } kind = kDir;
  enum Special { kText, kMem, kCore } special = kText;
  mode_t mode = 0555;
  std::string content;  // kFile/kText: the bytes; kLink: the target
  Process* process = nullptr;
  timespec time{};
  std::map<std::string, std::unique_ptr<Node>> children;  // kDir

  Node* add(const std::string& name, Kind k, mode_t m, std::string c = "") {
    auto node = std::make_unique<Node>();
    node->kind = k;
    node->mode = m;
    node->content = std::move(c);
    node->time = time;
    Node* raw = node.get();
    children[name] = std::move(node);
    return raw;
  }
};

struct State {
  std::vector<std::unique_ptr<SnapshotFile>> snapshots;
  std::vector<std::unique_ptr<Process>> processes;
  Node root;
};

State* state() { return static_cast<State*>(fuse_get_context()->private_data); }

Node* lookup(const char* path) {
  Node* node = &state()->root;
  std::string p = path;
  size_t pos = 0;
  while (pos < p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    if (slash > pos) {
      if (node->kind != Node::kDir) return nullptr;
      auto it = node->children.find(p.substr(pos, slash - pos));
      if (it == node->children.end()) return nullptr;
      node = it->second.get();
    }
    pos = slash + 1;
  }
  return node;
}

// The process's core, laid out on first use; nullptr (and why, in
// core_error) if it cannot be.
CoreImage* core_of(Process* process) {
  if (!process->core) {
    try {
      process->core = std::make_unique<CoreImage>(*process->snapshot, process->index);
      process->core_error.clear();
    } catch (const std::exception& e) {
      process->core_error = e.what();
      return nullptr;
    }
  }
  return process->core.get();
}

// ---- FUSE operations ----

void* op_init(fuse_conn_info*, fuse_config* cfg) {
  cfg->use_ino = 0;
  cfg->nullpath_ok = 0;
  // The tree never changes while mounted.
  cfg->entry_timeout = 60;
  cfg->attr_timeout = 60;
  cfg->negative_timeout = 60;
  return state();
}

int op_getattr(const char* path, struct stat* st, fuse_file_info*) {
  Node* node = lookup(path);
  if (!node) return -ENOENT;
  std::memset(st, 0, sizeof *st);
  st->st_uid = getuid();
  st->st_gid = getgid();
  st->st_atim = st->st_mtim = st->st_ctim = node->time;
  st->st_blksize = 4096;
  switch (node->kind) {
    case Node::kDir:
      st->st_mode = S_IFDIR | node->mode;
      st->st_nlink = 2;
      break;
    case Node::kLink:
      st->st_mode = S_IFLNK | 0777;
      st->st_nlink = 1;
      st->st_size = static_cast<off_t>(node->content.size());
      break;
    case Node::kFile:
      st->st_mode = S_IFREG | node->mode;
      st->st_nlink = 1;
      if (node->special == Node::kText) {
        st->st_size = static_cast<off_t>(node->content.size());
      } else if (node->special == Node::kCore) {
        // Size 0 if it cannot be laid out now (open then says EIO).
        CoreImage* core = core_of(node->process);
        st->st_size = core ? static_cast<off_t>(core->size()) : 0;
      }  // mem: 0, like /proc/PID/mem
      st->st_blocks = (st->st_size + 511) / 512;
      break;
  }
  return 0;
}

int op_readlink(const char* path, char* buf, size_t size) {
  Node* node = lookup(path);
  if (!node) return -ENOENT;
  if (node->kind != Node::kLink) return -EINVAL;
  if (size == 0) return -EINVAL;
  size_t n = std::min(size - 1, node->content.size());
  std::memcpy(buf, node->content.data(), n);
  buf[n] = '\0';
  return 0;
}

int op_readdir(const char* path, void* buf, fuse_fill_dir_t filler, off_t, fuse_file_info*, fuse_readdir_flags) {
  Node* node = lookup(path);
  if (!node) return -ENOENT;
  if (node->kind != Node::kDir) return -ENOTDIR;
  filler(buf, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buf, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  for (auto& [name, child] : node->children) {
    if (filler(buf, name.c_str(), nullptr, 0, static_cast<fuse_fill_dir_flags>(0))) break;
  }
  return 0;
}

int op_open(const char* path, fuse_file_info* fi) {
  Node* node = lookup(path);
  if (!node) return -ENOENT;
  if (node->kind == Node::kDir) return -EISDIR;
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
  switch (node->special) {
    case Node::kText:
      fi->keep_cache = 1;
      break;
    case Node::kMem:
      fi->direct_io = 1;  // size 0: the kernel must neither cache nor clip
      break;
    case Node::kCore:
      if (!core_of(node->process)) return -EIO;
      break;
  }
  fi->fh = reinterpret_cast<uint64_t>(node);
  return 0;
}

// /proc/PID/mem semantics: the bytes up to the first address outside the
// mappings; EIO if that is the first one.
int read_mem(Process* process, char* buf, size_t size, off_t offset) {
  if (offset < 0) return -EIO;
  const SnapshotFile& s = *process->snapshot;
  uint64_t address = static_cast<uint64_t>(offset), done = 0;
  try {
    while (done < size) {
      const MappingRecord* m = s.mapping_at(process->index, address);
      if (!m || m->base == kBaseVvar) break;
      uint64_t chunk = std::min<uint64_t>(size - done, m->end - address);
      if (!s.read_memory(process->index, address, buf + done, chunk)) break;
      done += chunk;
      address += chunk;
    }
  } catch (const std::exception&) {
    // A backing file vanished (SnapshotError), or no memory.
  }
  return done ? static_cast<int>(done) : -EIO;
}

int op_read(const char* path, char* buf, size_t size, off_t offset, fuse_file_info* fi) {
  Node* node = fi ? reinterpret_cast<Node*>(fi->fh) : lookup(path);
  if (!node || node->kind != Node::kFile) return -ENOENT;
  if (offset < 0) return -EINVAL;
  switch (node->special) {
    case Node::kText: {
      const std::string& c = node->content;
      if (static_cast<uint64_t>(offset) >= c.size()) return 0;
      size_t n = std::min(size, c.size() - static_cast<size_t>(offset));
      std::memcpy(buf, c.data() + offset, n);
      return static_cast<int>(n);
    }
    case Node::kMem:
      return read_mem(node->process, buf, size, offset);
    case Node::kCore: {
      CoreImage* core = core_of(node->process);
      if (!core) return -EIO;
      try {
        return static_cast<int>(core->read(static_cast<uint64_t>(offset), buf, size));
      } catch (const std::exception&) {
        return -EIO;
      }
    }
  }
  return -EIO;
}

int op_statfs(const char*, struct statvfs* st) {
  std::memset(st, 0, sizeof *st);
  st->f_bsize = st->f_frsize = 4096;
  st->f_namemax = 255;
  st->f_flag = ST_RDONLY;
  return 0;
}

// ---- the tree ----

std::string basename_of(const std::string& name) {
  size_t end = name.find_last_not_of('/');
  if (end == std::string::npos) return name;
  size_t slash = name.rfind('/', end);
  return name.substr(slash == std::string::npos ? 0 : slash + 1, end - (slash == std::string::npos ? 0 : slash + 1) + 1);
}

void add_thread_files(Node* dir, const InfoView& v, uint32_t t) {
  dir->add("regs", Node::kFile, 0444, render_regs(v, t));
  dir->add("fpregs", Node::kFile, 0444, render_fpregs(v, t));
}

void build_tree(State& st) {
  // How many processes claim each pid, to name clashing ones NAME-PID.
  std::map<uint32_t, int> pid_count;
  for (auto& s : st.snapshots) {
    for (uint32_t p = 0; p < s->view().count(kProcesses); ++p) ++pid_count[s->view().process(p).pid];
  }
  std::set<std::string> taken;
  for (auto& s : st.snapshots) {
    const InfoView& v = s->view();
    timespec time{};
    time.tv_sec = static_cast<time_t>(v.header().created_unix_ns / 1000000000);
    time.tv_nsec = static_cast<long>(v.header().created_unix_ns % 1000000000);
    for (uint32_t p = 0; p < v.count(kProcesses); ++p) {
      const ProcessRecord& proc = v.process(p);
      std::string name = std::to_string(proc.pid);
      if (pid_count[proc.pid] > 1) name = basename_of(s->name()) + "-" + name;
      std::string unique = name;
      for (int k = 2; taken.count(unique); ++k) unique = name + "." + std::to_string(k);
      taken.insert(unique);

      auto process = std::make_unique<Process>();
      process->snapshot = s.get();
      process->index = p;
      Process* pr = process.get();
      st.processes.push_back(std::move(process));

      st.root.time = time;
      Node* dir = st.root.add(unique, Node::kDir, 0555);
      dir->add("maps", Node::kFile, 0444, render_maps(v, p));
      dir->add("smaps", Node::kFile, 0444, render_smaps(v, p, s->pages_fd()));
      dir->add("status", Node::kFile, 0444, render_status(v, p, s->pages_fd()));
      dir->add("stat", Node::kFile, 0444, render_stat(v, p, s->pages_fd()));
      dir->add("limits", Node::kFile, 0444, render_limits(v, p));
      dir->add("comm", Node::kFile, 0444,
               std::string(proc.comm, strnlen(proc.comm, sizeof proc.comm)) + "\n");
      dir->add("cmdline", Node::kFile, 0444, blob_bytes(v, proc.argv));
      dir->add("environ", Node::kFile, 0400, blob_bytes(v, proc.envp));
      dir->add("auxv", Node::kFile, 0400, blob_bytes(v, proc.auxv));
      if (proc.thread_count) add_thread_files(dir, v, main_thread(v, p));
      Node* mem = dir->add("mem", Node::kFile, 0400);
      mem->special = Node::kMem;
      mem->process = pr;
      Node* core = dir->add("core", Node::kFile, 0400);
      core->special = Node::kCore;
      core->process = pr;
      dir->add("exe", Node::kLink, 0777, blob_string(v, proc.exe));
      dir->add("cwd", Node::kLink, 0777, blob_string(v, proc.cwd));
      Node* fd = dir->add("fd", Node::kDir, 0500);
      for (uint32_t f = 0; f < proc.fd_count; ++f) {
        const FdRecord& r = v.fd(proc.first_fd + f);
        if (r.kind == kFdCallerStatus) continue;  // the caller's fd, not the snapshot's
        fd->add(std::to_string(r.fd), Node::kLink, 0777, fd_target(v, proc.first_fd + f));
      }
      Node* task = dir->add("task", Node::kDir, 0555);
      for (uint32_t t = 0; t < proc.thread_count; ++t) {
        Node* tdir = task->add(std::to_string(v.thread(proc.first_thread + t).tid), Node::kDir, 0555);
        add_thread_files(tdir, v, proc.first_thread + t);
      }
    }
  }
}

// Runs fuse_mount with stderr captured, so that libfuse's and fusermount3's
// complaints become one `snapfs: MOUNTPOINT: cannot mount: why` line.
bool mount_quietly(fuse* f, const std::string& mountpoint, std::string* why) {
  std::FILE* capture = std::tmpfile();
  int saved = capture ? dup(2) : -1;
  if (saved >= 0) {
    std::fflush(stderr);
    dup2(fileno(capture), 2);
  }
  int res = fuse_mount(f, mountpoint.c_str());
  if (saved >= 0) {
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
  }
  if (res != 0 && capture) {
    std::string text;
    std::rewind(capture);
    char line[1024];
    while (std::fgets(line, sizeof line, capture)) {
      std::string l = line;
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      if (!l.empty()) text = l;  // the last complaint is the real one
    }
    *why = text.empty() ? "mount failed" : text;
  }
  if (capture) std::fclose(capture);
  return res == 0;
}

int fail(const std::string& what, const std::string& why) {
  std::fprintf(stderr, "snapfs: %s: %s\n", what.c_str(), why.c_str());
  return 1;
}

int run(int argc, char** argv) {
  CLI::App app{"Mount snapshots read-only as /proc-like directories, one per recorded process (FUSE).", "snapfs"};
  app.set_version_flag("--version", "snapfs (snappy-start) snapshot format v" + std::to_string(snappy::format::kVersion));
  std::string mountpoint;
  bool foreground = false, debug = false;
  std::vector<std::string> names;
  app.add_option("-m,--mountpoint", mountpoint, "where to mount (default ./snapfs-mnt, created if missing)");
  app.add_flag("-f,--foreground", foreground, "stay in the foreground (default: daemonize once mounted)");
  app.add_flag("-d,--debug", debug, "log every FUSE request (implies -f)");
  app.add_option("NAME", names, "snapshot NAME (NAME.info and NAME.pages)");
  app.footer(
      "Each process gets a directory named by its recorded pid (BASENAME-PID when pids clash) with maps,\n"
      "smaps, status, stat, limits, comm, cmdline, environ, auxv, regs, fpregs, mem, core, exe, cwd, fd/,\n"
      "task/TID/. Unmount with `fusermount3 -u MOUNTPOINT` or SIGINT/SIGTERM.");
  int parsed = parse_command_line(app, "snapfs", argc, argv);
  if (parsed >= 0) return parsed;
  if (names.empty()) return usage_error("snapfs", "no snapshot NAME given");
  for (const std::string& name : names) {
    if (name.empty()) return usage_error("snapfs", "empty snapshot NAME");
  }
  if (app.count("--mountpoint") && mountpoint.empty()) return usage_error("snapfs", "empty -m MOUNTPOINT");
  if (debug) foreground = true;

  auto st = std::make_unique<State>();
  for (const std::string& name : names) {
    try {
      st->snapshots.push_back(std::make_unique<SnapshotFile>(name));
    } catch (const SnapshotError& e) {
      return fail(name, e.what());
    }
  }

  bool default_mountpoint = mountpoint.empty();
  if (default_mountpoint) mountpoint = "snapfs-mnt";
  struct stat sb;
  if (::stat(mountpoint.c_str(), &sb) != 0) {
    if (errno == ENOENT && default_mountpoint) {
      if (::mkdir(mountpoint.c_str(), 0755) != 0) return fail(mountpoint, std::strerror(errno));
    } else {
      return fail(mountpoint, std::strerror(errno));
    }
  } else if (!S_ISDIR(sb.st_mode)) {
    return fail(mountpoint, "not a directory");
  }
  char* absolute = ::realpath(mountpoint.c_str(), nullptr);
  if (!absolute) return fail(mountpoint, std::strerror(errno));
  mountpoint = absolute;
  std::free(absolute);

  try {
    build_tree(*st);
  } catch (const std::exception& e) {
    return fail("building the tree", e.what());
  }

  fuse_operations ops{};
  ops.init = op_init;
  ops.getattr = op_getattr;
  ops.readlink = op_readlink;
  ops.readdir = op_readdir;
  ops.open = op_open;
  ops.read = op_read;
  ops.statfs = op_statfs;

  std::vector<std::string> args = {"snapfs", "-o", "ro,default_permissions,fsname=snapfs,subtype=snapfs"};
  if (debug) args.push_back("-d");
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  fuse_args fargs = FUSE_ARGS_INIT(static_cast<int>(cargs.size()), cargs.data());
  fuse* f = fuse_new(&fargs, &ops, sizeof ops, st.get());
  if (!f) return fail("fuse", "cannot set up the file system");
  std::string why;
  if (!mount_quietly(f, mountpoint, &why)) {
    fuse_destroy(f);
    return fail(mountpoint, "cannot mount: " + why);
  }
  if (fuse_daemonize(foreground ? 1 : 0) != 0) {
    fuse_unmount(f);
    fuse_destroy(f);
    return fail("daemonize", std::strerror(errno));
  }
  fuse_session* se = fuse_get_session(f);
  if (fuse_set_signal_handlers(se) != 0) {
    fuse_unmount(f);
    fuse_destroy(f);
    return fail("signal handlers", "cannot install");
  }
  // Returns 0 after `fusermount3 -u`, the signal's number after SIGINT or
  // SIGTERM (both clean ends), negative on an error of the connection.
  int res = fuse_loop(f);
  fuse_remove_signal_handlers(se);
  fuse_unmount(f);
  fuse_destroy(f);
  if (res < 0) return fail(mountpoint, std::strerror(-res));
  return 0;
}

}  // namespace
}  // namespace snappy

int main(int argc, char** argv) { return snappy::run(argc, argv); }
