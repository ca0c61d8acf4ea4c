// Fast mode with a generated kernel's real placement: constants in flash reached through the call
// block (FastOptions::indirect), input and output in PSRAM, the scratch in SRAM when it fits, as
// verify_kernel places them for its detailed-mode timing. Conv and depthwise layers shaped like the
// bundled models' (some fit the 32 KB data cache, some stream through it), every legal variant:
// fast mode within 10% of detailed mode.
#include <gtest/gtest.h>

#include <cstdio>

#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using model::BufferPlacement;
using model::MemRegion;
using testing::ConvTester;
using testing::DepthwiseTester;

// verify.cc: scratch up to 256 KB sits in SRAM, larger in PSRAM.
constexpr std::uint32_t kSramScratchLimit = 256u << 10;

// The placement verify_kernel times: a2 = input (PSRAM, with the bytes the kernel may read past
// it), a3 = output (PSRAM), a4 = call block (SRAM) whose words point at the constants (flash) and
// the scratch.
model::FastOptions verify_placement(const Layer& layer, const GeneratedKernel& k) {
  model::FastOptions o;
  const auto in_bytes = static_cast<std::uint32_t>(layer.input().size_bytes());
  o.args[0] = BufferPlacement{MemRegion::kPsram, in_bytes + k.input_overread_bytes};
  o.args[1] = BufferPlacement{MemRegion::kPsram, static_cast<std::uint32_t>(layer.output().size_bytes())};
  o.args[2] = BufferPlacement{MemRegion::kSram, k.call_block_bytes()};
  for (const ConstantBuffer& c : k.constants)
    o.indirect[2].push_back(BufferPlacement{MemRegion::kFlash, static_cast<std::uint32_t>(c.bytes.size())});
  if (k.scratch_bytes == 0)
    o.indirect[2].push_back(std::nullopt);
  else
    o.indirect[2].push_back(
        BufferPlacement{k.scratch_bytes <= kSramScratchLimit ? MemRegion::kSram : MemRegion::kPsram, k.scratch_bytes});
  return o;
}

std::vector<Layer> layers() {
  return {
      // person_detect-like depthwise: 18 KB in + 18 KB out, more than the cache holds.
      DepthwiseTester().input_size(48, 48).channels(8).kernel(3, 3).seed(11).layer(),
      DepthwiseTester().input_size(24, 24).channels(32).kernel(3, 3).stride(2).seed(12).layer(),
      DepthwiseTester().input_size(12, 12).channels(64).kernel(3, 3).padding(Padding::kValid).seed(13).layer(),
      // Pointwise and 3x3 convs: small weights with large activations, and 8-18 KB of weights.
      ConvTester().input_size(24, 24).in_channels(16).out_channels(32).kernel(1, 1).seed(14).layer(),
      ConvTester().input_size(12, 12).in_channels(64).out_channels(128).kernel(1, 1).seed(15).layer(),
      ConvTester().input_size(48, 48).in_channels(3).out_channels(8).kernel(3, 3).stride(2).seed(16).layer(),
      ConvTester().input_size(10, 10).in_channels(32).out_channels(32).kernel(3, 3).seed(17).layer(),
      // More than the cache: 36 KB of weights re-read per pixel, a 36 KB input, a 36 KB output.
      ConvTester().input_size(6, 6).in_channels(64).out_channels(64).kernel(3, 3).seed(18).layer(),
      DepthwiseTester().input_size(48, 48).channels(16).kernel(3, 3).stride(2).seed(19).layer(),
      ConvTester().input_size(12, 12).in_channels(32).out_channels(256).kernel(1, 1).seed(20).layer(),
  };
}

TEST(FastPlacement, FlashWeightsPsramActivationsWithin10PercentOfDetailed) {
  const model::FastModel fast(model::default_machine());
  int timed = 0, staged = 0;
  for (const Layer& plain : layers()) {
    const Layer layer = with_random_constants(plain, 1);
    for (const Variant& v : enumerate_variants(layer).legal) {
      SCOPED_TRACE(v.name());
      const GeneratedKernel k = find_family(v.family)->generate(layer, v);
      const Verdict verdict = verify_kernel(layer, k, {.cases = 1, .seed = 1, .time_last_case = true});
      ASSERT_TRUE(verdict.passed());
      ASSERT_TRUE(verdict.detailed_cycles);
      const model::Cost est = fast.estimate(k.program.functions.front(), verify_placement(layer, k));
      const double detailed = *verdict.detailed_cycles;
      std::printf("%-52s fast %10.0f detailed %10.0f (%+.2f%%)\n", v.name().c_str(), est.cycles, detailed,
                  100 * (est.cycles - detailed) / detailed);
      EXPECT_NEAR(est.cycles, detailed, 0.10 * detailed) << "fast " << est.cycles << " vs detailed " << detailed;
      ++timed;
      staged += k.input_overread_bytes > 0;
    }
  }
  EXPECT_GE(timed, 40);
  // Detailed mode finishes on the kernels with the 16-byte staging copy too (it used to spin on
  // resource waits below the resolution of its fractional issue cycle).
  EXPECT_GE(staged, 3);
}

}  // namespace
}  // namespace pietune::kernels
