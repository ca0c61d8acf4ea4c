// Functional-unit usage of each UnitGroup: which shared units an instruction holds at which stage
// (OVL funcUnits / *_funcUnit_uses, facts §5.3). Two instructions conflict when they hold the same
// unit in the same cycle; with single issue that only happens when an earlier instruction uses a
// unit at M (2) and the next one uses it at E (1): e.g. SRCMB or SRS.ACCX right after any MAC.
#pragma once

#include <cstdint>
#include <span>

#include "model/isa/insn_desc.h"

namespace pietune::model {

// One bit per unit (ranges of unit copies that every user claims together share a bit).
using UnitMask = std::uint32_t;

struct UnitUse {
  std::int8_t stage;
  UnitMask units;
};

std::span<const UnitUse> unit_uses(UnitGroup group);
const char* to_string(UnitGroup group);

}  // namespace pietune::model
