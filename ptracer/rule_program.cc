#include "ptracer/rule_program.h"

namespace snappy {

std::span<const sock_filter> precompiled_rule_program() {
  static constexpr sock_filter kProgram[] = {
#include "rule_program.inc"
  };
  return kProgram;
}

}  // namespace snappy
