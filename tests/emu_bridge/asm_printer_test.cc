// asm_printer: the exact text of a built program, and that a program breaking the table is a bug.
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_printer.h"
#include "model/ir/builder.h"

namespace pietune::emu {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

model::Function dot_function() {
  model::FunctionBuilder b("pietune_dot");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kEeZeroAccx, {});
  b.zero_overhead_loop(Opcode::kLoopgtz, a(4), 8, [&] {
    b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
    b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(1), a(3), imm(-512), q(0), q(1)});
  });
  model::Label skip = b.new_label("skip");
  b.emit(Opcode::kBeqi, {a(2), imm(-1), model::target(skip)});
  b.counted_loop(a(5), 3, [&] { b.emit(Opcode::kNopN, {}); });
  b.bind(skip);
  b.emit(Opcode::kRurAccx0, {a(2)});
  b.emit(Opcode::kRetwN, {});
  model::Label end = b.named_label("pietune_dot_end");
  b.bind(end);
  return std::move(b).finish();
}

TEST(AsmPrinter, PrintsDirectivesLabelsOperandsAndTrips) {
  model::Program p;
  p.functions.push_back(dot_function());
  model::Function local;
  local.name = "helper";
  local.global = false;
  local.align_bytes = 16;
  local.iram = false;  // in flash: printed under .text (built code starts in IRAM)
  p.functions.push_back(local);
  EXPECT_EQ(print_assembly(p),
            "    .section .iram1.pietune_dot,\"ax\"\n"
            "    .align 4\n"
            "    .global pietune_dot\n"
            "    .type pietune_dot, @function\n"
            "pietune_dot:\n"
            "    entry a1, 32\n"
            "    ee.zero.accx\n"
            "    loopgtz a4, .Lpietune_dot_loop_end0  # trips=8\n"
            "    ee.vld.128.ip q0, a2, 16\n"
            "    ee.vmulas.s8.accx.ld.ip q1, a3, -512, q0, q1\n"
            ".Lpietune_dot_loop_end0:\n"
            "    beqi a2, -1, .Lpietune_dot_skip1\n"
            ".Lpietune_dot_loop_top2:\n"
            "    nop.n\n"
            "    addi a5, a5, -1\n"
            "    bnez a5, .Lpietune_dot_loop_top2  # trips=3\n"
            ".Lpietune_dot_skip1:\n"
            "    rur.accx_0 a2\n"
            "    retw.n\n"
            "pietune_dot_end:\n"
            "    .size pietune_dot, .-pietune_dot\n"
            "\n"
            "    .text\n"
            "    .align 16\n"
            "    .type helper, @function\n"
            "helper:\n"
            "    .size helper, .-helper\n");
}

using AsmPrinterDeathTest = ::testing::Test;

TEST_F(AsmPrinterDeathTest, ImmediateOutOfRangeIsABug) {
  model::Function f = dot_function();
  f.insns[3].operands[2] = imm(2040);  // ee.vld.128.ip step is 16
  EXPECT_DEATH(print_assembly(f), "operand 3 \\(imm16\\): 2040 out of range -2048..2032 step 16");
}

TEST_F(AsmPrinterDeathTest, LoopBodyOver256BytesIsABug) {
  model::FunctionBuilder b("long_loop");
  b.zero_overhead_loop(Opcode::kLoop, a(3), 1, [&] {
    for (int i = 0; i < 64; ++i) b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(0), a(2), imm(16), q(0), q(1)});
    b.emit(Opcode::kNopN, {});
  });
  const model::Function f = std::move(b).finish();
  EXPECT_DEATH(print_assembly(f), "loop body is 258 bytes, more than 256");
}

TEST_F(AsmPrinterDeathTest, UnboundLabelAndClashingNamesAreBugs) {
  model::Function f = dot_function();
  f.label_defs.pop_back();
  f.label_defs.erase(f.label_defs.begin());  // the loop end label, still referenced
  EXPECT_DEATH(print_assembly(f), "targets an unbound label");
  model::Program p;
  p.functions.push_back(dot_function());
  p.functions.push_back(dot_function());
  EXPECT_DEATH(print_assembly(p), "symbol defined twice: pietune_dot");
}

}  // namespace
}  // namespace pietune::emu
