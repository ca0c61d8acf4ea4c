// Program IR queries: label positions, sizes, offsets, lookup by name.
#include "model/ir/program.h"

namespace pietune::model {

std::optional<std::uint32_t> Function::label_position(std::uint32_t id) const {
  for (const LabelDef& def : label_defs)
    if (def.id == id) return def.position;
  return std::nullopt;
}

std::uint32_t Function::size_bytes() const {
  std::uint32_t total = 0;
  for (const Insn& insn : insns) total += insn.desc().size_bytes;
  return total;
}

const Function* Program::find(std::string_view name) const {
  for (const Function& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::uint32_t> insn_offsets(const Function& function) {
  std::vector<std::uint32_t> offsets;
  offsets.reserve(function.insns.size() + 1);
  std::uint32_t offset = 0;
  for (const Insn& insn : function.insns) {
    offsets.push_back(offset);
    offset += insn.desc().size_bytes;
  }
  offsets.push_back(offset);
  return offsets;
}

}  // namespace pietune::model
