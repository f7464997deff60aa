// Turning the command line a user gives ptracer into what elf_loader runs,
// as execvp(3) and the kernel would: PROG looked up in PATH, and a `#!`
// script replaced by its interpreter (binfmt_script: the interpreter, its
// one optional argument, the script's path, then the arguments).
#pragma once

#include <string>
#include <vector>

namespace snappy {

// PROG as execvp finds it: a name without '/' is looked up in PATH. "" if
// there is no such executable file.
std::string resolve_program(const std::string& prog);

// Rewrites argv (argv[0] already resolved) while it names a `#!` script.
// `#!/usr/bin/env NAME` is resolved here rather than left to env, which
// would exec NAME inside the recording (an exec ends it). Throws
// std::runtime_error naming a missing or unusable interpreter.
void expand_interpreter(std::vector<std::string>& argv);

}  // namespace snappy
