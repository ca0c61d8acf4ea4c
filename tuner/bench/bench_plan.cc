// Planning a device bench (see the header).
#include "tuner/bench/bench_plan.h"

#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "kernels/kernel_runner.h"
#include "kernels/layout_order.h"
#include "kernels/verify.h"
#include "model/support/error.h"
#include "model/support/fnv1a.h"
#include "model/timing/fast_model.h"
#include "tuner/bench/bench_input.h"
#include "tuner/search/estimate.h"

namespace pietune::tuner {
namespace {

// The ranking positions a layer's bench measures, rank 0 first: the chosen variant, then the
// runner-ups in ranking order that pass verification (those ranked above the choice failed it).
std::vector<std::size_t> bench_ranks(const kernels::Layer& layer, const LayerResult& lr, const TuneOptions& options,
                                     BenchVariants variants, std::vector<std::string>& skipped) {
  std::vector<std::size_t> ranks;
  if (!lr.chosen) return ranks;
  ranks.push_back(*lr.chosen);
  const std::size_t wanted = variants.all ? lr.tuning.ranked.size() : static_cast<std::size_t>(variants.top);
  const kernels::Layer with_data = kernels::with_random_constants(layer, options.seed);
  for (std::size_t c = *lr.chosen + 1; c < lr.tuning.ranked.size() && ranks.size() < wanted; ++c) {
    const kernels::Variant& v = lr.tuning.ranked[c].variant;
    const kernels::Verdict verdict = kernels::verify_variant(with_data, v, {.cases = options.verify_cases, .seed = options.seed});
    if (verdict.passed())
      ranks.push_back(c);
    else
      skipped.push_back(fmt::format("layer {}: {} failed verification; not benched", layer.index, v.name()));
  }
  return ranks;
}

// "kws.tflite" -> "kws_r2.tflite": the name that gives rank k's files and symbols their own prefix.
std::string rank_model_name(const std::string& model_name, int rank) {
  if (rank == 0) return model_name;
  const std::filesystem::path p(model_name);
  return p.stem().string() + fmt::format("_r{}", rank) + p.extension().string();
}

struct InstanceData {
  std::string expected_hash;
  std::vector<std::uint32_t> seeds;
};

// The kernel on the bench input in the emulator: the input bytes as the board fills its buffers
// (in the kernel's layout), the layer's constants as emitted.
std::string expected_output_hash(const kernels::Layer& layer, const kernels::GeneratedKernel& kernel,
                                 const std::vector<std::uint32_t>& seeds) {
  const kernels::Layer with_data = kernels::with_random_constants(layer, 1);  // as build_model_kernels emits them
  const std::vector<std::size_t> arguments = kernels::kernel_argument_inputs(layer);
  std::vector<std::vector<std::uint8_t>> inputs(layer.inputs.size());
  for (std::size_t i = 0; i < layer.inputs.size(); ++i) {
    const kernels::TensorDesc& t = with_data.inputs[i];
    if (t.data) inputs[i] = *t.data;
  }
  for (std::size_t a = 0; a < arguments.size(); ++a) {
    const kernels::TensorDesc& t = layer.inputs[arguments[a]];
    const std::vector<std::uint8_t> bytes = bench_input_bytes(seeds[a], static_cast<std::size_t>(t.size_bytes()));
    inputs[arguments[a]] = kernels::layout_to_nhwc(bytes, t.shape, kernel.layout);
  }
  const kernels::KernelRun run = kernels::run_kernel(layer, kernel, inputs);
  if (run.fault) throw InputError(fmt::format("layer {}: {}: the emulator stopped on the bench input: {}", layer.index,
                                              kernel.symbol, *run.fault));
  return bench_output_hash(kernels::nhwc_to_layout(run.output, layer.output().shape, kernel.layout));
}

}  // namespace

BenchVariants parse_bench_variants(std::string_view text) {
  if (text == "chosen") return {};
  if (text == "all") return {.all = true};
  int k = 0;
  if (text.starts_with("top-")) {
    const std::string_view digits = text.substr(4);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (ec == std::errc() && end == digits.data() + digits.size() && k >= 1 && k <= 1000) return {.top = k};
  }
  throw InputError(fmt::format("--variants: {}: expected chosen, all or top-K (K from 1 to 1000)", text));
}

BenchPlan plan_bench(const kernels::Model& model, const std::string& model_name, const TuneResult& tuned,
                     const TuneOptions& options, const model::Machine& machine, BenchVariants variants,
                     const BenchProtocol& protocol, const std::function<void(const Progress&)>& progress) {
  BenchPlan plan;
  plan.protocol = protocol;
  plan.placement = options.placement;
  plan.placement.warm_inputs = true;  // warm-up calls leave the data and the code in the caches
  plan.placement.cold_code = false;

  std::vector<std::vector<std::size_t>> ranks(model.layers.size());
  std::size_t rank_count = 0;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    ranks[i] = bench_ranks(model.layers[i], tuned.layers[i], options, variants, plan.skipped);
    rank_count = std::max(rank_count, ranks[i].size());
    if (progress)
      progress({.layers_done = static_cast<int>(i) + 1, .layers_total = static_cast<int>(model.layers.size()),
                .estimates = 0, .computed = 0, .elapsed_seconds = 0, .phase = "bench"});
  }

  const model::FastModel fast(machine);
  Fnv1a64 id;
  id.add_field(tuned.model_hash).add_field(machine.hash_hex()).add_field(plan.placement.text());
  id.add(static_cast<std::uint64_t>(protocol.warmup)).add(static_cast<std::uint64_t>(protocol.runs)).add(std::uint64_t{protocol.seed});
  for (std::size_t r = 0; r < rank_count; ++r) {
    BenchComponent& component = plan.components.emplace_back();
    component.rank = static_cast<int>(r);
    component.model_name = rank_model_name(model_name, component.rank);
    component.result = tuned;
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
      LayerResult& lr = component.result.layers[i];
      lr.chosen = r < ranks[i].size() ? std::optional<std::size_t>(ranks[i][r]) : std::nullopt;
      if (r > 0 && lr.chosen)
        lr.verifications.push_back({.variant = lr.chosen_estimate()->variant.name(), .passed = true,
                                    .cases = options.verify_cases, .seed = options.seed, .mismatches = 0,
                                    .max_abs_diff = 0, .detail = ""});
    }
    component.kernels = build_model_kernels(model, component.model_name, component.result, options.placement);
    component.folder = component.kernels.prefix;

    for (const LayerKernel& lk : component.kernels.layers) {
      const kernels::Layer& layer = model.layers[lk.position];
      const VariantEstimate& chosen = *component.result.layers[lk.position].chosen_estimate();
      BenchInstance& bi = plan.instances.emplace_back();
      bi.instance = static_cast<int>(plan.instances.size()) - 1;
      bi.layer_index = layer.index;
      bi.position = lk.position;
      bi.rank = component.rank;
      bi.op = layer.op_name;
      bi.family = chosen.variant.family;
      bi.variant = lk.variant;
      bi.component = plan.components.size() - 1;
      bi.function = lk.function;
      bi.call_block = lk.call_block;
      const std::vector<std::size_t> arguments = kernels::kernel_argument_inputs(layer);
      bi.two_inputs = arguments.size() > 1;
      bi.input_bytes = static_cast<std::uint32_t>(layer.inputs[arguments[0]].size_bytes());
      if (bi.two_inputs) bi.input2_bytes = static_cast<std::uint32_t>(layer.inputs[arguments[1]].size_bytes());
      bi.output_bytes = static_cast<std::uint32_t>(layer.output().size_bytes());
      bi.overread_bytes = lk.kernel.input_overread_bytes;
      // One input per layer whatever the rank, so every rank of a layer must give the same hash.
      bi.input_seed = protocol.seed * 0x10001u + static_cast<std::uint32_t>(layer.index) * 2u;
      bi.input2_seed = bi.input_seed + 1;
      std::vector<std::uint32_t> seeds = {bi.input_seed};
      if (bi.two_inputs) seeds.push_back(bi.input2_seed);
      bi.expected_hash = expected_output_hash(layer, lk.kernel, seeds);
      bi.predicted_cycles =
          estimate_variant(fast, kernels::with_random_constants(layer, 1), chosen.variant, plan.placement).cost.cycles;
      id.add(static_cast<std::uint64_t>(bi.layer_index)).add_field(bi.variant).add_field(bi.expected_hash);
    }
  }
  plan.id = fmt::format("{:016x}", id.value());
  return plan;
}

}  // namespace pietune::tuner
