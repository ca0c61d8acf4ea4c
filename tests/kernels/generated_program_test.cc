// Every legal variant of every family on sample layers yields a program that prints as GNU as text
// and parses back to the same instructions (what ships to the device), and that fast mode can
// estimate (every loop carries its trip count): the same instruction count as the emulated run and,
// with every buffer in SRAM, within 2% of detailed mode's cycles.
#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::DepthwiseTester;
using testing::FullyConnectedTester;
using testing::MaxPoolTester;

std::vector<Layer> sample_layers() {
  return {ConvTester().in_channels(3).out_channels(4).kernel(3, 3).stride(2).seed(1).layer(),
          ConvTester().in_channels(32).out_channels(8).kernel(1, 1).padding(Padding::kValid).seed(2).layer(),
          ConvTester().in_channels(16).out_channels(3).kernel(3, 3).dilation(2).input_size(7, 7).seed(3).layer(),
          DepthwiseTester().channels(20).kernel(3, 3).stride(2).seed(4).layer(),
          DepthwiseTester().channels(32).kernel(3, 3).padding(Padding::kValid).seed(5).layer(),
          FullyConnectedTester().depth(40).units(6).batches(2).seed(6).layer(),
          FullyConnectedTester().depth(64).units(3).seed(7).layer(),
          MaxPoolTester().channels(20).kernel(3, 3).stride(2).seed(8).layer(),
          MaxPoolTester().channels(32).kernel(2, 2).padding(Padding::kValid).input_size(6, 6).seed(9).layer()};
}

TEST(GeneratedProgram, PrintsParsesAndEstimates) {
  const model::FastModel fast(model::default_machine());
  int programs = 0, overreading_programs = 0;
  for (const Layer& layer : sample_layers()) {
    for (const Variant& v : enumerate_variants(layer).legal) {
      SCOPED_TRACE(v.name());
      const GeneratedKernel k = find_family(v.family)->generate(layer, v);
      ASSERT_EQ(k.program.functions.size(), 1u);
      const model::Function& f = k.program.functions.front();
      EXPECT_EQ(f.name, k.symbol);
      EXPECT_EQ(k.symbol, v.symbol());
      const std::string text = emu::print_assembly(k.program);
      const model::Program back = emu::parse_assembly(text, v.name() + ".S");
      ASSERT_EQ(back.functions.size(), 1u);
      ASSERT_EQ(back.functions.front().insns.size(), f.insns.size());
      for (std::size_t i = 0; i < f.insns.size(); ++i) {
        EXPECT_EQ(back.functions.front().insns[i].opcode, f.insns[i].opcode) << i;
        EXPECT_EQ(back.functions.front().insns[i].trip_count, f.insns[i].trip_count) << i;
      }
      EXPECT_EQ(emu::print_assembly(back), text);

      const model::Cost cost = fast.estimate(f);
      EXPECT_GT(cost.cycles, 0);
      // Every kernel is timed in detailed mode, those that may read past their input included
      // (the 16-byte staging copy, conv_espnn in place), once left out when the detailed pipeline
      // did not finish on them.
      const Verdict verdict =
          verify_kernel(layer, k, {.cases = 1, .seed = 1, .all_in_sram = true, .time_last_case = true});
      EXPECT_TRUE(verdict.passed());
      // With every buffer in SRAM, fast mode agrees with detailed mode (the estimates
      // `pietune variants` prints are the cycles the emulated run takes).
      ASSERT_TRUE(verdict.detailed_cycles);
      EXPECT_NEAR(cost.cycles, *verdict.detailed_cycles, 0.02 * *verdict.detailed_cycles)
          << "fast " << cost.cycles << " vs detailed " << *verdict.detailed_cycles;
      if (k.input_overread_bytes > 0) ++overreading_programs;
      // Fast mode follows the loop nest with its trip counts: the instruction count it implies
      // matches the executed one exactly (no data-dependent control flow in generated kernels).
      EXPECT_EQ(cost.instructions, verdict.instructions);
      ++programs;
    }
  }
  EXPECT_GE(programs, 20);
  EXPECT_GE(overreading_programs, 10);
}

}  // namespace
}  // namespace pietune::kernels
