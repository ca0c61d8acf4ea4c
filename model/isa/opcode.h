// Opcode: one enumerator per row of the ISA table (model/isa/*_rows.def).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pietune::model {

enum class Opcode : std::uint16_t {
#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) k##id,
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN
};

inline constexpr std::size_t kOpcodeCount = 0
#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) +1
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN
    ;

}  // namespace pietune::model
