// FunctionBuilder: how generators write PIE programs. Every emit is checked against the ISA row
// (operand count, kinds, register ranges, immediate ranges): a failure is a generator bug.
//
//   FunctionBuilder b("pietune_dot");
//   b.emit(Opcode::kEntry, {a(1), imm(32)});
//   b.emit(Opcode::kEeZeroAccx, {});
//   b.zero_overhead_loop(Opcode::kLoopgtz, a(4), trips, [&] {
//     b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
//     b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(1), a(3), imm(16), q(0), q(1)});
//   });
//   b.emit(Opcode::kRetwN, {});
//   Function f = std::move(b).finish();
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "model/ir/program.h"

namespace pietune::model {

class FunctionBuilder {
 public:
  explicit FunctionBuilder(std::string name);

  // A fresh label; its printed name is ".L<function>_<hint><id>" unless `exact` is set.
  Label new_label(std::string_view hint);
  Label named_label(std::string name);
  // Binds the label before the next emitted instruction.
  void bind(Label label);

  Insn& emit(Opcode opcode, std::initializer_list<Operand> operands);

  // LOOP/LOOPNEZ/LOOPGTZ count, end; body; end: — annotated with the trip count.
  void zero_overhead_loop(Opcode loop_opcode, Operand count_reg, std::int64_t trips,
                          const std::function<void()>& body);
  // top: body; addi count, count, -1; bnez count, top — for nests deeper than the hardware loop.
  void counted_loop(Operand count_reg, std::int64_t trips, const std::function<void()>& body);

  std::size_t insn_count() const { return function_.insns.size(); }
  Function finish() &&;

 private:
  Function function_;
};

// Checks operands against the row; returns an empty string if they fit, else what is wrong
// ("operand 3 (imm16): 2040 out of range -2048..2032 step 16"). Shared by the builder and parser.
std::string check_operands(const InsnDesc& desc, const Operand* operands, std::size_t count);

}  // namespace pietune::model
