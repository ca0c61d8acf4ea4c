// asm round trip: print -> parse -> print gives identical text, and the parsed program is the built one.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "model/ir/builder.h"
#include "tests/emu_bridge/asm_random_helpers.h"

namespace pietune::emu {
namespace {

using model::Opcode;

constexpr std::uint32_t kRandomPrograms = 60;

TEST(AsmRoundTrip, RandomProgramsOverEveryOpcode) {
  std::vector<int> used(model::kOpcodeCount, 0);
  for (std::uint32_t seed = 0; seed < kRandomPrograms; ++seed) {
    const model::Program built = testing::random_program(seed);
    const std::string text = print_assembly(built);
    const model::Program parsed = parse_assembly(text, "random.S");
    ASSERT_EQ(print_assembly(parsed), text) << "seed " << seed;
    ASSERT_EQ(testing::describe(parsed), testing::describe(built)) << "seed " << seed;
    for (const model::Function& f : parsed.functions)
      for (const model::Insn& insn : f.insns) ++used[static_cast<std::size_t>(insn.opcode)];
  }
  for (const model::InsnDesc& d : model::all_insns())
    EXPECT_GT(used[static_cast<std::size_t>(d.opcode)], 0) << d.mnemonic << " never round-tripped";
}

// Every immediate value of every row survives the trip (not only random samples): one function per
// immediate operand, one instruction per accepted value.
TEST(AsmRoundTrip, EveryImmediateValueOfEveryRow) {
  for (const model::InsnDesc& d : model::all_insns()) {
    for (std::size_t i = 0; i < d.operands.size(); ++i) {
      const model::ImmRange& range = d.operands[i].imm;
      if (d.operands[i].kind != model::OperandKind::kImm) continue;
      std::vector<std::int32_t> values(range.set.begin(), range.set.end());
      if (values.empty())
        for (std::int64_t v = range.min; v <= range.max; v += range.step) values.push_back(static_cast<std::int32_t>(v));
      model::Function f;
      f.name = "imm_sweep";
      f.label_names.push_back(".Limm_sweep_self");
      f.label_defs.push_back({0, 0});
      for (std::int32_t v : values) {
        model::Insn insn;
        insn.opcode = d.opcode;
        insn.operand_count = static_cast<std::uint8_t>(d.operands.size());
        for (std::size_t k = 0; k < d.operands.size(); ++k) {
          const model::OperandDesc& od = d.operands[k];
          switch (od.kind) {
            case model::OperandKind::kAr: insn.operands[k] = model::a(static_cast<int>(k + 2)); break;
            case model::OperandKind::kQr: insn.operands[k] = model::q(static_cast<int>(k)); break;
            case model::OperandKind::kLabel: insn.operands[k] = model::target(model::Label{0}); break;
            case model::OperandKind::kImm:
              insn.operands[k] = model::imm(k == i ? v : (od.imm.set.empty() ? od.imm.max : od.imm.set[0]));
              break;
          }
        }
        f.insns.push_back(insn);
      }
      model::Program program;
      program.functions.push_back(f);
      const std::string text = print_assembly(program);
      const model::Program parsed = parse_assembly(text, "sweep.S");
      ASSERT_EQ(print_assembly(parsed), text) << d.mnemonic;
      ASSERT_EQ(parsed.functions[0].insns.size(), values.size()) << d.mnemonic;
      for (std::size_t n = 0; n < values.size(); ++n)
        ASSERT_EQ(parsed.functions[0].insns[n].operand(i).value, values[n]) << d.mnemonic << " operand " << i;
    }
  }
}

}  // namespace
}  // namespace pietune::emu
