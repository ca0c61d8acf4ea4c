// Checks every zero-overhead loop of a function against the LEND encoding limit.
#include "emu_bridge/asm/loop_body.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::emu {

std::optional<LoopBodyProblem> find_bad_loop_body(const model::Function& function) {
  const std::vector<std::uint32_t> offsets = model::insn_offsets(function);
  for (std::size_t i = 0; i < function.insns.size(); ++i) {
    const model::Insn& insn = function.insns[i];
    const model::InsnDesc& desc = insn.desc();
    if (!desc.has(model::kFlagLoop)) continue;
    const std::optional<std::size_t> label_index = desc.label_operand();
    PIETUNE_CHECK(label_index.has_value()) << desc.mnemonic << " has no label operand";
    const auto label_id = static_cast<std::uint32_t>(insn.operand(*label_index).value);
    const std::optional<std::uint32_t> end = function.label_position(label_id);
    PIETUNE_CHECK(end.has_value()) << function.name << ": unbound loop label " << label_id;
    const std::string& end_name = function.label_names[label_id];
    if (*end <= i) {
      return LoopBodyProblem{i, fmt::format("loop end label '{}' is not after the loop instruction", end_name)};
    }
    const std::uint32_t body_bytes = offsets[*end] - offsets[i + 1];
    if (body_bytes == 0) return LoopBodyProblem{i, fmt::format("loop body is empty (end label '{}')", end_name)};
    if (body_bytes > kMaxLoopBodyBytes) {
      return LoopBodyProblem{
          i, fmt::format("loop body is {} bytes, more than {} (end label '{}')", body_bytes, kMaxLoopBodyBytes, end_name)};
    }
  }
  return std::nullopt;
}

}  // namespace pietune::emu
