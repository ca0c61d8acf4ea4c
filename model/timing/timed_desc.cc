// Resolves ISA rows into TimedDesc rows for one machine.
#include "model/timing/timed_desc.h"

#include <fmt/format.h>

namespace pietune::model {

TimedDescTable::TimedDescTable(const Machine& machine) {
  rows_.reserve(kOpcodeCount);
  for (const InsnDesc& desc : all_insns()) {
    TimedDesc t;
    t.units = unit_uses(desc.units);
    t.flags = desc.flags;
    t.macs = desc.macs;
    for (std::size_t i = 0; i < desc.operands.size(); ++i) {
      const OperandDesc& op = desc.operands[i];
      const int base = op.kind == OperandKind::kAr ? 0 : op.kind == OperandKind::kQr ? kFirstQ : op.mreg ? kFirstM : -1;
      if (base < 0) continue;  // an immediate or a label
      if (op.reads()) t.reads.push_back({static_cast<std::int8_t>(i), static_cast<std::int8_t>(base), op.use_stage});
      if (op.writes()) t.writes.push_back({static_cast<std::int8_t>(i), static_cast<std::int8_t>(base), op.def_stage});
    }
    // RUR/WUR stages are undocumented; the machine description decides them (gap §10.1).
    const bool rur = desc.mnemonic.starts_with("rur.");
    const bool wur = desc.mnemonic.starts_with("wur.");
    for (const StateAccess& s : desc.states) {
      const auto id = static_cast<std::int8_t>(kFirstSpecial + static_cast<int>(s.reg));
      std::int8_t use = s.use_stage, def = s.def_stage;
      if (rur && use != kNoStage) use = static_cast<std::int8_t>(machine.rur_use_stage);
      if (wur && def != kNoStage) def = static_cast<std::int8_t>(machine.wur_def_stage);
      if (use != kNoStage) t.reads.push_back({-1, id, use});
      if (def != kNoStage) t.writes.push_back({-1, id, def});
    }
    rows_.push_back(std::move(t));
  }
}

std::string reg_name(int reg_id) {
  if (reg_id < kFirstQ) return fmt::format("a{}", reg_id);
  if (reg_id < kFirstSpecial) return fmt::format("q{}", reg_id - kFirstQ);
  if (reg_id >= kFirstM) return fmt::format("m{}", reg_id - kFirstM);
  return to_string(static_cast<SpecialReg>(reg_id - kFirstSpecial));
}

}  // namespace pietune::model
