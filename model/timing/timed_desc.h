// TimedDesc: an ISA row resolved against one machine description (stages with the machine's
// overrides applied, unit uses), built once per Machine and cached, as MCA's InstrDesc.
#pragma once

#include <cstdint>
#include <vector>

#include "model/ir/program.h"
#include "model/isa/func_units.h"
#include "model/isa/insn_desc.h"
#include "model/timing/machine.h"

namespace pietune::model {

// Scoreboard register ids: a0..a15, q0..q7, the special registers, then the MAC16 m0..m3.
inline constexpr int kFirstQ = 16;
inline constexpr int kFirstSpecial = 24;
inline constexpr int kFirstM = kFirstSpecial + static_cast<int>(SpecialReg::kCount);
inline constexpr int kRegIdCount = kFirstM + 4;
// The pipeline keeps the ids an instruction reads as a bit mask (Pipeline::reads_of).
static_assert(kRegIdCount <= 64, "scoreboard ids must fit the pipeline's 64-bit read masks");

struct RegUse {
  std::int8_t operand;  // operand index, or -1 for a special register
  std::int8_t reg_id;   // operand uses: the id of register 0 of its file (a0, q0, m0); else the fixed id
  std::int8_t stage;

  // The scoreboard id this use names in `insn`.
  int id(const Insn& insn) const { return operand >= 0 ? reg_id + insn.operands[operand].value : reg_id; }
};

struct TimedDesc {
  std::vector<RegUse> reads;
  std::vector<RegUse> writes;
  std::span<const UnitUse> units;
  std::uint16_t flags = 0;
  std::uint8_t macs = 0;
};

class TimedDescTable {
 public:
  explicit TimedDescTable(const Machine& machine);
  const TimedDesc& operator[](Opcode opcode) const { return rows_[static_cast<std::size_t>(opcode)]; }

 private:
  std::vector<TimedDesc> rows_;
};

std::string reg_name(int reg_id);

}  // namespace pietune::model
