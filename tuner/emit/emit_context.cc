// Provenance text for the emitters.
#include "tuner/emit/emit_context.h"

#include <fmt/format.h>

#include "tuner/tune/provenance.h"

namespace pietune::tuner {

std::string provenance_line(const EmitContext& c) {
  const std::string commit = *git_commit() ? fmt::format(" (commit {})", git_commit()) : "";
  return fmt::format("pietune {}{}, machine {} ({}), {}", tool_version(), commit, c.machine_name,
                     c.result.machine_hash, c.date);
}

}  // namespace pietune::tuner
