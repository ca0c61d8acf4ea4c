// The S3 functional-unit table, coarsened to the unit ranges that matter for conflicts.
#include "model/isa/func_units.h"

namespace pietune::model {
namespace {

enum Unit : UnitMask {
  kMulS8 = 1u << 0,            // mul_s8xs8[0..7]
  kMulS16 = 1u << 1,           // mul_s16xs16[0..7]
  kAddS8 = 1u << 2,            // addsub_s8x2[0..7]
  kAddS16 = 1u << 3,           // addsub_s16x2[0..7]
  kAddS32Slot0 = 1u << 4,      // addsub_s32x2_slot0[*]
  kAddS32Slot1Low = 1u << 5,   // addsub_s32x2_slot1[0..2]
  kAddS32Slot1Hi = 1u << 6,    // addsub_s32x2_slot1[3]
  kShiftS16 = 1u << 7,         // shift_s16rs8[0..15]
  kShiftS32Low = 1u << 8,      // shift_s32rs16[0..3]
  kShiftS32Hi = 1u << 9,       // shift_s32rs16[4..7]
  kAddS40First = 1u << 10,     // addsub_s40x2[0]
  kAddS40Rest = 1u << 11,      // addsub_s40x2[1..7]
  kAddS20End = 1u << 12,       // addsub_s20x2_slot_end[0..3]
  kAddS32Extra = 1u << 13,     // addsub_s32x2_slot1_extra
  kShiftS40First = 1u << 14,   // shift_s40rs_slot_end[0]
  kShiftS40Rest = 1u << 15,    // shift_s40rs_slot_end[1..7]
};

constexpr UnitUse kMemory[] = {{1, kAddS32Slot0 | kAddS32Slot1Hi}};
constexpr UnitUse kVector[] = {
    {1, kMulS8 | kMulS16 | kAddS8 | kAddS16 | kAddS32Slot0 | kAddS32Slot1Hi | kShiftS16 | kShiftS32Hi},
    {2, kAddS40First | kAddS40Rest | kAddS20End | kAddS32Slot1Low | kAddS32Extra | kShiftS32Low},
};
constexpr UnitUse kSrcmb[] = {
    {1, kAddS40First | kAddS40Rest | kAddS20End | kAddS32Slot1Low | kAddS32Slot1Hi | kShiftS40First | kShiftS40Rest}};
constexpr UnitUse kSrs[] = {{1, kAddS40First | kShiftS40First}};
constexpr UnitUse kFunnel[] = {{1, kAddS32Slot1Hi}};

}  // namespace

std::span<const UnitUse> unit_uses(UnitGroup group) {
  switch (group) {
    case UnitGroup::kNone: return {};
    case UnitGroup::kMemory: return kMemory;
    case UnitGroup::kVector: return kVector;
    case UnitGroup::kSrcmb: return kSrcmb;
    case UnitGroup::kSrs: return kSrs;
    case UnitGroup::kFunnel: return kFunnel;
  }
  return {};
}

const char* to_string(UnitGroup group) {
  switch (group) {
    case UnitGroup::kNone: return "none";
    case UnitGroup::kMemory: return "memory";
    case UnitGroup::kVector: return "vector datapath";
    case UnitGroup::kSrcmb: return "SRCMB shifter";
    case UnitGroup::kSrs: return "SRS shifter";
    case UnitGroup::kFunnel: return "funnel shifter";
  }
  return "?";
}

}  // namespace pietune::model
