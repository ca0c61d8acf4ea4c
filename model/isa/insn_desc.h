// The ISA table: one immutable InsnDesc per instruction, the single source of truth for the
// assembler parser, the printer, the emulator's dispatch and the timing model.
//
// Rows are written in model/isa/pie_rows.def and base_rows.def (an X-macro list, our TableGen);
// each row gives the mnemonic, size, operands in assembler order with their kinds, immediate
// ranges, roles and pipeline stages, the implicit special registers with their stages, the
// functional-unit group and flags. Stages: 0 = R, 1 = E, 2 = M, 3 = W (TRM Table 1.7-2 numbering).
// The row's semantics is emu::semantics(opcode) in emu_bridge/, indexed by the same Opcode.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/isa/opcode.h"

namespace pietune::model {

enum class OperandKind : std::uint8_t {
  kAr,     // a0..a15
  kQr,     // q0..q7
  kImm,    // immediate, checked against ImmRange (also a MAC16 data register: OperandDesc::mreg)
  kLabel,  // branch, jump or loop target
};

enum class Role : std::uint8_t { kIn, kOut, kInOut };

// Accepted immediate values: min, min+step, ..., max; or an explicit set (Xtensa b4const tables).
struct ImmRange {
  std::int32_t min = 0;
  std::int32_t max = 0;
  std::int32_t step = 1;
  std::span<const std::int32_t> set;  // non-empty: only these values

  bool contains(std::int64_t value) const;
};

inline constexpr std::int8_t kNoStage = -1;

struct OperandDesc {
  std::string_view name;  // TRM role name: "qu", "as", "imm16", ...
  OperandKind kind = OperandKind::kAr;
  Role role = Role::kIn;
  std::int8_t use_stage = kNoStage;  // stage at which the operand is read (kNoStage: not read)
  std::int8_t def_stage = kNoStage;  // stage at the end of which it is written (kNoStage: not written)
  ImmRange imm;                      // kImm only
  // A MAC16 data register m0..m3 (ImmRange: the register numbers the encoding allows, e.g. m0..m1
  // for MUL.DA's mx). Stored as a kImm whose value is the register number and spelled "m<n>" in
  // assembly; the scoreboard follows it (ids kFirstM.., model/timing/timed_desc.h).
  bool mreg = false;

  bool reads() const { return use_stage != kNoStage; }
  bool writes() const { return def_stage != kNoStage; }
};

// Implicit architectural state an instruction reads or writes.
enum class SpecialReg : std::uint8_t {
  kAccx,
  kQaccL,
  kQaccH,
  kSar,
  kSarByte,
  kAcc,  // MAC16 ACC: ACCHI (8 bits) : ACCLO (32 bits)
  kCount,
};

struct StateAccess {
  SpecialReg reg = SpecialReg::kAccx;
  std::int8_t use_stage = kNoStage;
  std::int8_t def_stage = kNoStage;
};

// Functional-unit usage groups of the S3 core (OVL funcUnits, facts §5.3). Every PIE op of a group
// claims the same units at the same stages; see func_units.h for the unit-level table.
enum class UnitGroup : std::uint8_t {
  kNone,          // scalar ops and PIE ops that use no shared unit
  kMemory,        // G0: standalone PIE loads and stores
  kVector,        // G1: VMULAS, VSMULAS, VMUL, VADDS/VSUBS/VMAX/VMIN, VCMP, VRELU, VPRELU
  kSrcmb,         // G2: SRCMB.S8/S16.QACC
  kSrs,           // G3: SRS.ACCX
  kFunnel,        // G4: SRC.Q forms, SLCI/SRCI.2Q, SRCQ.128.ST.INCP, VSL/VSR.32
};

enum InsnFlag : std::uint16_t {
  kFlagLoad = 1u << 0,         // reads data memory
  kFlagStore = 1u << 1,        // writes data memory
  kFlagBranch = 1u << 2,       // conditional branch to its label operand
  kFlagJump = 1u << 3,         // unconditional jump
  kFlagLoop = 1u << 4,         // LOOP / LOOPNEZ / LOOPGTZ: label operand is the loop end
  kFlagEntry = 1u << 5,        // windowed function entry
  kFlagReturn = 1u << 6,       // windowed return
  kFlagPie = 1u << 7,          // PIE (coprocessor 3) instruction
  kFlagCall = 1u << 8,         // CALL0/4/8/12 (label names a function) and CALLX0/4/8/12
};

struct InsnDesc {
  Opcode opcode{};
  std::string_view mnemonic;  // lower case, as GNU as prints it
  std::uint8_t size_bytes = 3;
  std::vector<OperandDesc> operands;  // assembler order
  std::vector<StateAccess> states;
  UnitGroup units = UnitGroup::kNone;
  std::uint16_t flags = 0;
  std::uint8_t macs = 0;  // multiply-accumulates per execution (16 for an 8-bit VMULAS)

  bool has(InsnFlag flag) const { return (flags & flag) != 0; }
  // Index of the label operand, if any (branch, jump and loop instructions, and l32r).
  std::optional<std::size_t> label_operand() const;
  // The label operand names a literal of the pool (l32r), not an instruction of the function.
  bool label_is_literal() const {
    return label_operand().has_value() && (flags & (kFlagBranch | kFlagJump | kFlagLoop | kFlagCall)) == 0;
  }
  // The label operand names a function of the program (call0/call4/call8/call12 FUNCTION).
  bool label_is_function() const { return label_operand().has_value() && (flags & kFlagCall) != 0; }
};

// The row for an opcode. Built once from the .def rows on first use; never changes.
const InsnDesc& insn_desc(Opcode opcode);
// Case-insensitive lookup by mnemonic ("EE.VLD.128.IP" or "ee.vld.128.ip").
std::optional<Opcode> find_opcode(std::string_view mnemonic);
// Every row, in Opcode order.
std::span<const InsnDesc> all_insns();

const char* to_string(SpecialReg reg);

}  // namespace pietune::model
