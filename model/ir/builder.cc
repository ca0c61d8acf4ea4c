// FunctionBuilder implementation and the operand checker shared with the assembly parser.
#include "model/ir/builder.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::model {

std::string check_operands(const InsnDesc& desc, const Operand* operands, std::size_t count) {
  if (count != desc.operands.size())
    return fmt::format("{} takes {} operands, got {}", desc.mnemonic, desc.operands.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    const OperandDesc& want = desc.operands[i];
    const Operand& got = operands[i];
    if (got.kind != want.kind) return fmt::format("operand {} ({}): wrong kind", i + 1, want.name);
    switch (want.kind) {
      case OperandKind::kAr:
        if (got.value < 0 || got.value > 15) return fmt::format("operand {} ({}): a{} out of range", i + 1, want.name, got.value);
        break;
      case OperandKind::kQr:
        if (got.value < 0 || got.value > 7) return fmt::format("operand {} ({}): q{} out of range", i + 1, want.name, got.value);
        break;
      case OperandKind::kImm:
        if (want.mreg && !want.imm.contains(got.value))
          return fmt::format("operand {} ({}): m{} is not one of m{}..m{}", i + 1, want.name, got.value, want.imm.min,
                             want.imm.max);
        if (!want.imm.contains(got.value)) {
          if (!want.imm.set.empty())
            return fmt::format("operand {} ({}): {} is not one of {}", i + 1, want.name, got.value, fmt::join(want.imm.set, ", "));
          return fmt::format("operand {} ({}): {} out of range {}..{} step {}", i + 1, want.name, got.value, want.imm.min,
                             want.imm.max, want.imm.step);
        }
        break;
      case OperandKind::kLabel:
        break;
    }
  }
  return {};
}

FunctionBuilder::FunctionBuilder(std::string name) { function_.name = std::move(name); }

Label FunctionBuilder::new_label(std::string_view hint) {
  const auto id = static_cast<std::uint32_t>(function_.label_names.size());
  function_.label_names.push_back(fmt::format(".L{}_{}{}", function_.name, hint, id));
  return Label{id};
}

Label FunctionBuilder::named_label(std::string name) {
  const auto id = static_cast<std::uint32_t>(function_.label_names.size());
  function_.label_names.push_back(std::move(name));
  return Label{id};
}

void FunctionBuilder::bind(Label label) {
  PIETUNE_CHECK(label.id < function_.label_names.size()) << "unknown label " << label.id;
  PIETUNE_CHECK(!function_.label_position(label.id)) << "label bound twice: " << function_.label_names[label.id];
  function_.label_defs.push_back({label.id, static_cast<std::uint32_t>(function_.insns.size())});
}

Insn& FunctionBuilder::emit(Opcode opcode, std::initializer_list<Operand> operands) {
  const InsnDesc& desc = insn_desc(opcode);
  PIETUNE_CHECK(operands.size() <= kMaxOperands) << desc.mnemonic;
  const std::string problem = check_operands(desc, operands.begin(), operands.size());
  PIETUNE_CHECK(problem.empty()) << function_.name << ": " << desc.mnemonic << ": " << problem;
  Insn insn;
  insn.opcode = opcode;
  insn.operand_count = static_cast<std::uint8_t>(operands.size());
  std::size_t i = 0;
  for (const Operand& op : operands) {
    if (op.kind == OperandKind::kLabel) {
      PIETUNE_CHECK(static_cast<std::size_t>(op.value) < function_.label_names.size()) << "unknown label";
    }
    insn.operands[i++] = op;
  }
  function_.insns.push_back(insn);
  return function_.insns.back();
}

void FunctionBuilder::zero_overhead_loop(Opcode loop_opcode, Operand count_reg, std::int64_t trips,
                                         const std::function<void()>& body) {
  PIETUNE_CHECK(insn_desc(loop_opcode).has(kFlagLoop)) << insn_desc(loop_opcode).mnemonic << " is not a loop";
  Label end = new_label("loop_end");
  emit(loop_opcode, {count_reg, target(end)}).trip_count = trips;
  body();
  bind(end);
}

void FunctionBuilder::counted_loop(Operand count_reg, std::int64_t trips, const std::function<void()>& body) {
  Label top = new_label("loop_top");
  bind(top);
  body();
  emit(Opcode::kAddi, {count_reg, count_reg, imm(-1)});
  emit(Opcode::kBnez, {count_reg, target(top)}).trip_count = trips;
}

Function FunctionBuilder::finish() && {
  for (std::uint32_t id = 0; id < function_.label_names.size(); ++id)
    PIETUNE_CHECK(function_.label_position(id)) << function_.name << ": label never bound: " << function_.label_names[id];
  return std::move(function_);
}

}  // namespace pietune::model
