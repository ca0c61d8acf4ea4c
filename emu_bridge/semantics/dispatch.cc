// The dispatch table: one handler per ISA row, in Opcode order, built at compile time.
#include "emu_bridge/semantics/dispatch.h"

#include "model/support/error.h"

namespace pietune::emu {
namespace {

constexpr Handler kHandlers[] = {
#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) &execute<model::Opcode::k##id>,
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN
};
static_assert(std::size(kHandlers) == model::kOpcodeCount, "one handler per ISA row");

}  // namespace

Handler semantics(model::Opcode opcode) {
  const auto index = static_cast<std::size_t>(opcode);
  PIETUNE_CHECK(index < model::kOpcodeCount) << "opcode " << index;
  return kHandlers[index];
}

}  // namespace pietune::emu
