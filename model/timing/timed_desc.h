// TimedDesc: an ISA row resolved against one machine description (stages with the machine's
// overrides applied, unit uses), built once per Machine and cached, as MCA's InstrDesc.
#pragma once

#include <cstdint>
#include <vector>

#include "model/isa/func_units.h"
#include "model/isa/insn_desc.h"
#include "model/timing/machine.h"

namespace pietune::model {

// Scoreboard register ids: a0..a15, q0..q7, then the special registers.
inline constexpr int kFirstQ = 16;
inline constexpr int kFirstSpecial = 24;
inline constexpr int kRegIdCount = kFirstSpecial + static_cast<int>(SpecialReg::kCount);
// The pipeline keeps the ids an instruction reads as a bit mask in a std::uint32_t (Pipeline::reads_of,
// same_state's (1u << kRegIdCount) - 1): ids must stay below 31. The MAC16 m0..m3 operands have no
// ids for that reason (OperandDesc::mreg).
static_assert(kRegIdCount <= 31, "scoreboard ids must fit the pipeline's 32-bit read masks");

struct RegUse {
  std::int8_t operand;  // operand index, or -1 for a special register
  std::int8_t reg_id;   // fixed id for special registers
  std::int8_t stage;
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
