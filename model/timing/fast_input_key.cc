// The fast-mode input key (see the header).
#include "model/timing/fast_input_key.h"

#include "model/support/fnv1a.h"

namespace pietune::model {
namespace {

void add_buffer(Fnv1a64& hash, const std::optional<BufferPlacement>& buffer) {
  if (!buffer) {
    hash.add(std::uint64_t{0xff});
    return;
  }
  hash.add(static_cast<std::uint64_t>(buffer->region)).add(static_cast<std::uint64_t>(buffer->size_bytes));
  hash.add(buffer->warm ? 1u : 0u);
}

}  // namespace

std::uint64_t fast_input_key(const Function& function, const FastOptions& options) {
  Fnv1a64 hash;
  hash.add_field("pietune-fast-input-v2").add_field(function.name).add(static_cast<std::uint64_t>(function.align_bytes));
  hash.add(function.iram ? 1u : 0u);
  hash.add(static_cast<std::uint64_t>(function.insns.size()));
  for (const Insn& insn : function.insns) {
    // The mnemonic, not the opcode's enum value: a row added to the ISA table renumbers opcodes.
    hash.add_field(insn.desc().mnemonic).add(static_cast<std::uint64_t>(insn.operand_count));
    for (std::size_t i = 0; i < insn.operand_count; ++i)
      hash.add(static_cast<std::uint64_t>(insn.operands[i].kind))
          .add(static_cast<std::uint64_t>(static_cast<std::int64_t>(insn.operands[i].value)));
    hash.add(static_cast<std::uint64_t>(insn.trip_count));
  }
  hash.add(static_cast<std::uint64_t>(function.label_defs.size()));
  for (const LabelDef& label : function.label_defs)
    hash.add(static_cast<std::uint64_t>(label.id)).add(static_cast<std::uint64_t>(label.position));
  for (const std::optional<BufferPlacement>& arg : options.args) add_buffer(hash, arg);
  for (const auto& table : options.indirect) {
    hash.add(static_cast<std::uint64_t>(table.size()));
    for (const std::optional<BufferPlacement>& word : table) add_buffer(hash, word);
  }
  hash.add(options.cold_code ? 1u : 0u);
  return hash.value();
}

}  // namespace pietune::model
