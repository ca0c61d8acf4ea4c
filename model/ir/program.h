// The program IR: functions made of ISA-table instructions and labels, with timing annotations.
//
// A Program is what generators build (through FunctionBuilder), what the assembly parser produces
// and the printer prints, what the emulator runs and what the timing model scores. Operands are
// stored in assembler order, exactly as the ISA row lists them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/isa/insn_desc.h"

namespace pietune::model {

inline constexpr std::size_t kMaxOperands = 7;  // EE.VMULAS.*.LD.IP.QUP has seven

struct Operand {
  OperandKind kind = OperandKind::kImm;
  std::int32_t value = 0;  // register index, immediate value, or label id

  friend bool operator==(const Operand&, const Operand&) = default;
};

inline Operand a(int index) { return {OperandKind::kAr, index}; }
inline Operand q(int index) { return {OperandKind::kQr, index}; }
inline Operand imm(std::int32_t value) { return {OperandKind::kImm, value}; }

struct Label {
  std::uint32_t id = 0;
};
inline Operand target(Label label) { return {OperandKind::kLabel, static_cast<std::int32_t>(label.id)}; }

inline constexpr std::int64_t kUnknownTrips = -1;

struct Insn {
  Opcode opcode{};
  std::uint8_t operand_count = 0;
  std::array<Operand, kMaxOperands> operands{};
  // Timing annotation on a LOOP* instruction or on the backward branch of a counted loop: how
  // many times the body runs. Printed as "# trips=N" and parsed back.
  std::int64_t trip_count = kUnknownTrips;
  std::uint32_t source_line = 0;  // 1-based line in the parsed file, 0 if built in code

  const InsnDesc& desc() const { return insn_desc(opcode); }
  const Operand& operand(std::size_t i) const { return operands[i]; }
};

// A label bound before the instruction at `position` (== insns.size(): the end of the function).
struct LabelDef {
  std::uint32_t id = 0;
  std::uint32_t position = 0;
};

struct Function {
  std::string name;
  bool global = true;
  std::uint32_t align_bytes = 4;
  // Where the code lives: IRAM (`.iram1*`, fetched without a cache) or flash (`.text*`, fetched
  // through the instruction cache), as ESP-IDF's linker places those sections. The assembler sets
  // it from the section; code built in process (pietune's generators) starts in IRAM, where tune
  // emits it by default.
  bool iram = true;
  std::vector<Insn> insns;
  std::vector<std::string> label_names;  // indexed by label id
  std::vector<LabelDef> label_defs;      // in definition order (the order they are printed)

  // Instruction index a label is bound to; nullopt if the label was never bound.
  std::optional<std::uint32_t> label_position(std::uint32_t id) const;
  // Byte size of the function body (sum of instruction sizes).
  std::uint32_t size_bytes() const;
};

// Data the assembler places (emu_bridge/asm): the literal pool (".literal", loaded by l32r) and the
// .rodata*/.data*/.bss*/.dram* sections. Where each goes is the emulator's layout (emulator.h).
struct DataSymbol {
  std::string name;
  std::uint32_t offset = 0;

  friend bool operator==(const DataSymbol&, const DataSymbol&) = default;
};
// A 32-bit little-endian word at `offset` whose value is `symbol`'s address plus `addend` (".word
// table + 4", ".literal .LC0, table"); its bytes hold 0 until the emulator places the program.
struct DataReloc {
  std::uint32_t offset = 0;
  std::string symbol;
  std::int32_t addend = 0;

  friend bool operator==(const DataReloc&, const DataReloc&) = default;
};
struct DataSection {
  std::string name;               // as written: ".literal", ".rodata", ".data", ".bss.buf", ".dram0.data"
  std::uint32_t align_bytes = 4;  // the largest alignment asked for inside it
  std::vector<std::uint8_t> bytes;
  std::vector<DataSymbol> symbols;  // in offset order
  std::vector<DataReloc> relocs;    // in offset order

  friend bool operator==(const DataSection&, const DataSection&) = default;
};
inline constexpr std::string_view kLiteralSection = ".literal";

struct Program {
  std::vector<Function> functions;
  std::vector<DataSection> data;  // in order of first appearance

  const Function* find(std::string_view name) const;
};

// Byte offset of every instruction from the function start, plus one entry for the end.
std::vector<std::uint32_t> insn_offsets(const Function& function);

}  // namespace pietune::model
