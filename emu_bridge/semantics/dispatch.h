// The dispatch entry of every ISA row: execute<Opcode::kX> is row kX's semantics, and
// semantics(opcode) returns it. Each row's specialisation is declared here from the .def lists
// and defined (with PIETUNE_SEMANTICS) in the family file under emu_bridge/semantics/, so a row
// without semantics is a link error, not a run-time surprise.
#pragma once

#include "emu_bridge/cpu.h"
#include "model/isa/opcode.h"

namespace pietune::emu {

template <model::Opcode kOpcode>
void execute(Cpu& cpu, const Decoded& d);

#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) \
  template <>                                                                 \
  void execute<model::Opcode::k##id>(Cpu & cpu, const Decoded & d);
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN

// Defines the semantics of row `id`: PIETUNE_SEMANTICS(EeZeroAccx) { cpu.st.accx = 0; }
#define PIETUNE_SEMANTICS(id) \
  template <>                 \
  void execute<model::Opcode::k##id>([[maybe_unused]] Cpu & cpu, [[maybe_unused]] const Decoded & d)

// The handler for a row; never null for an Opcode of the table.
Handler semantics(model::Opcode opcode);

}  // namespace pietune::emu
