// estimate_key_test: what an estimate is keyed by. The key is a hash of the generated program and
// its buffers (tuner/search/estimate.h, model/timing/fast_input_key.h), so
// - two layers whose keys are equal generate the identical program with identical buffers and get
//   the identical estimate (checked over every family on many random layers that share shapes
//   but not quantization), and
// - two layers with one timing signature whose code differs (rqvec: a slot per distinct shift)
//   never share a number: person_detect's layers 13 and 15 (issue 12 item 1).
#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_printer.h"
#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "model/timing/fast_input_key.h"
#include "model/timing/machine.h"
#include "tests/kernels/kernel_testers.h"
#include "tuner/model_loader.h"
#include "tuner/search/estimate.h"
#include "tuner/search/estimate_cache.h"

namespace pietune::tuner {
namespace {

using kernels::testing::ConvTester;
using kernels::testing::DepthwiseTester;
using kernels::testing::FullyConnectedTester;

// Everything a fast estimate reads, as text: equal keys must mean equal texts.
std::string estimate_input_text(const EstimateInput& input) {
  std::string text = emu::print_assembly(input.kernel.program.functions.front());
  const auto buffer = [&](const std::optional<model::BufferPlacement>& b) {
    text += b ? fmt::format(" {}:{}:{}", static_cast<int>(b->region), b->size_bytes, b->warm) : std::string(" -");
  };
  for (const auto& arg : input.options.args) buffer(arg);
  for (const auto& table : input.options.indirect) {
    text += " |";
    for (const auto& word : table) buffer(word);
  }
  return text + (input.options.cold_code ? " cold-code" : "");
}

struct KeyCheck {
  int inputs = 0, shared_keys = 0, split_signatures = 0;
};

// Keys every legal variant of each layer; a key seen before must come with the same program text
// and, when timed, the same cycles.
void check_layers(const std::vector<kernels::Layer>& layers, KeyCheck& check) {
  const model::FastModel fast(model::default_machine());
  std::map<std::string, std::string> text_by_key;
  std::map<std::string, double> cycles_by_key;
  std::map<std::string, std::uint64_t> signature_by_variant_key;  // "variant/key" seen for a signature
  std::map<std::pair<std::uint64_t, std::string>, std::string> key_by_signature_and_variant;
  for (const kernels::Layer& layer : layers) {
    for (const kernels::Variant& variant : kernels::enumerate_variants(layer).legal) {
      const EstimateInput input = estimate_input(layer, variant, Placement{});
      ++check.inputs;
      const std::string text = estimate_input_text(input);
      auto [it, inserted] = text_by_key.emplace(input.key, text);
      if (!inserted) {
        ++check.shared_keys;
        ASSERT_EQ(it->second, text) << "key " << input.key << " names two programs: " << variant.name();
        // One in four shared keys is timed again: the number must not depend on the layer.
        if (check.shared_keys % 4 == 1) {
          EXPECT_EQ(cycles_by_key.at(input.key), estimate_prepared(fast, input).cost.cycles) << variant.name();
        }
      } else {
        cycles_by_key[input.key] = estimate_prepared(fast, input).cost.cycles;
      }
      auto [sig, first] = key_by_signature_and_variant.emplace(std::pair{layer.timing_signature(), variant.name()}, input.key);
      if (!first && sig->second != input.key) ++check.split_signatures;
    }
  }
}

TEST(EstimateKey, EqualKeysMeanIdenticalProgramsAndEstimatesOverEveryFamily) {
  KeyCheck check;
  for (int i = 0; i < 12; ++i) {
    std::mt19937_64 rng(77 + i);
    std::uniform_int_distribution<int> channel_pick(0, 5);
    constexpr int kChannels[] = {3, 8, 15, 16, 17, 32};
    const int c = kChannels[channel_pick(rng)];
    std::vector<kernels::Layer> layers;
    // The same shapes with other scales (seeds) and other shift ranges: one timing signature,
    // code that may or may not differ.
    for (int q = 0; q < 3; ++q) {
      const int lo = q == 2 ? -3 : -12;
      ConvTester conv;
      conv.in_channels(c).out_channels(8 + (i % 3) * 4).input_size(4, 5).kernel(1 + i % 3, 1 + i % 3)
          .input_zero_point(-128).multiplier_exponents(lo, lo + 6).per_channel(i % 2 == 0)
          .seed(static_cast<std::uint64_t>(100 * i + q));
      layers.push_back(conv.layer());
      DepthwiseTester dw;
      dw.channels(c).input_size(5, 4).kernel(3, 3).input_zero_point(3).multiplier_exponents(lo, lo + 6)
          .per_channel(true).seed(static_cast<std::uint64_t>(100 * i + q));
      layers.push_back(dw.layer());
      FullyConnectedTester fc;
      fc.depth(c * 2).units(8 + i % 4).multiplier_exponents(lo, lo + 6).seed(static_cast<std::uint64_t>(100 * i + q));
      layers.push_back(fc.layer());
    }
    check_layers(layers, check);
    if (::testing::Test::HasFatalFailure()) return;
  }
  RecordProperty("estimate_inputs", check.inputs);
  // The test means something only if keys are shared (reuse still happens across layers) and
  // signatures are split (the old key would have mixed those up).
  EXPECT_GT(check.shared_keys, 0);
  EXPECT_GT(check.split_signatures, 0);
}

TEST(EstimateKey, KeyChangesWithAnyInstructionOperandTripCountOrBuffer) {
  ConvTester conv;
  const kernels::Layer layer = conv.in_channels(16).out_channels(16).input_size(3, 3).kernel(1, 1).seed(5).layer();
  const kernels::Variant variant = kernels::enumerate_variants(layer).legal.front();
  const EstimateInput input = estimate_input(layer, variant, Placement{});
  const model::Function& f = input.kernel.program.functions.front();
  const std::uint64_t key = model::fast_input_key(f, input.options);
  EXPECT_EQ(estimate_key_hex(input.kernel, input.options), fmt::format("{:016x}", key));

  model::Function changed = f;
  for (model::Insn& insn : changed.insns)
    if (insn.operand_count > 0) {
      insn.operands[insn.operand_count - 1].value ^= 1;
      break;
    }
  EXPECT_NE(model::fast_input_key(changed, input.options), key);
  changed = f;
  for (model::Insn& insn : changed.insns)
    if (insn.trip_count > 0) {
      ++insn.trip_count;
      break;
    }
  EXPECT_NE(model::fast_input_key(changed, input.options), key);
  model::FastOptions options = input.options;
  options.args[0]->region = model::MemRegion::kPsram;
  EXPECT_NE(model::fast_input_key(f, options), key);
  options = input.options;
  options.args[1]->size_bytes += 1;
  EXPECT_NE(model::fast_input_key(f, options), key);
  options = input.options;
  options.args[0]->warm = true;
  EXPECT_NE(model::fast_input_key(f, options), key);
  options = input.options;
  options.cold_code = true;
  EXPECT_NE(model::fast_input_key(f, options), key);
  changed = f;
  changed.iram = !changed.iram;
  EXPECT_NE(model::fast_input_key(changed, input.options), key);
  changed = f;
  changed.insns.front().source_line = 99;  // where a parsed line came from does not change what runs
  EXPECT_EQ(model::fast_input_key(changed, input.options), key);
}

// Issue 12 item 1: layers 13 and 15 share a timing signature, and rqvec generates different code
// for their scales. The estimate of 15 must be 15's own, whatever was estimated before it.
TEST(EstimateKey, PersonDetectLayers13And15DoNotShareAnEstimate) {
  const kernels::Model model = load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/person_detect.tflite");
  const kernels::Layer& l13 = model.layers.at(13);
  const kernels::Layer& l15 = model.layers.at(15);
  ASSERT_EQ(l13.timing_signature(), l15.timing_signature());
  const std::optional<kernels::Variant> v = kernels::parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_vwiden_rqvec");
  ASSERT_TRUE(v);
  const model::FastModel fast(model::default_machine());
  const double own13 = estimate_variant(fast, l13, *v, Placement{}).cost.cycles;
  const double own15 = estimate_variant(fast, l15, *v, Placement{}).cost.cycles;
  ASSERT_NE(own13, own15);  // different code, different numbers

  EstimateCache cache(nullptr, model::default_machine(), Placement{});
  EXPECT_EQ(cache.get(l13, *v).cost.cycles, own13);
  const VariantEstimate second = cache.get(l15, *v);
  EXPECT_FALSE(second.reused);
  EXPECT_EQ(second.cost.cycles, own15);
}

}  // namespace
}  // namespace pietune::tuner
