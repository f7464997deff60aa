// The syscall table's seccomp program as libseccomp compiled it when
// ptracer was built (rule_program_gen), for build_seccomp_filter: the same
// instructions compile_rule_program() gives, without its millisecond.
#pragma once

#include <linux/filter.h>

#include <span>

namespace snappy {

std::span<const sock_filter> precompiled_rule_program();

}  // namespace snappy
