// Whole-model verification (see the header).
#include "tuner/verify/model_verify.h"

#include <cstdlib>
#include <map>

#include "kernels/kernel_runner.h"
#include "kernels/reference/random_inputs.h"
#include "kernels/reference/run_layer.h"
#include "kernels/reference/run_model.h"

namespace pietune::tuner {
namespace {

namespace ref = kernels::reference;

struct Difference {
  std::int64_t count = 0;
  int max_abs = 0;
};

// Element-wise difference of two int8 tensors of equal size (other types compare as bytes).
Difference compare(const ref::Tensor& a, const ref::Tensor& b) {
  Difference d;
  const std::vector<std::uint8_t> x = a.to_bytes(), y = b.to_bytes();
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    const int diff = std::abs(static_cast<std::int8_t>(x[i]) - static_cast<std::int8_t>(y[i]));
    if (diff == 0) continue;
    ++d.count;
    d.max_abs = std::max(d.max_abs, diff);
  }
  return d;
}

}  // namespace

bool ModelCheck::passed() const {
  for (const LayerCheck& l : layers)
    if (l.mismatches > 0 || l.fault) return false;
  return output_differences == 0;
}

ModelCheck verify_model(const kernels::Model& model, const std::vector<std::optional<kernels::GeneratedKernel>>& kernels,
                        const std::vector<std::string>& variant_names, int cases, std::uint64_t seed) {
  ModelCheck check;
  check.cases = cases;
  std::map<int, std::size_t> position;  // layer index -> position
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    position[model.layers[i].index] = i;
    LayerCheck lc;
    lc.layer = model.layers[i].index;
    lc.op = model.layers[i].op_name;
    lc.variant = variant_names[i];
    check.layers.push_back(lc);
  }
  const std::vector<kernels::TensorDesc> input_descs = ref::model_inputs(model);
  for (int c = 0; c < cases; ++c) {
    const std::vector<ref::Tensor> inputs = ref::random_inputs(seed + static_cast<std::uint64_t>(c), input_descs);
    std::vector<std::vector<ref::Tensor>> reference_chain(model.layers.size());
    const std::vector<ref::Tensor> expected = ref::run_model(
        model, inputs, ref::RoundingMode::kDouble,
        [&](const kernels::Layer& layer, std::span<const ref::Tensor> outputs) {
          reference_chain[position.at(layer.index)].assign(outputs.begin(), outputs.end());
        });
    const auto emulate = [&](const kernels::Layer& layer,
                             std::span<const ref::Tensor> in) -> std::optional<std::vector<ref::Tensor>> {
      const std::size_t k = position.at(layer.index);
      if (!kernels[k] || check.layers[k].fault) return std::nullopt;
      LayerCheck& lc = check.layers[k];
      std::vector<std::vector<std::uint8_t>> in_bytes;  // every input of the layer (ADD/MUL: two)
      for (const ref::Tensor& t : in) in_bytes.push_back(t.to_bytes());
      const kernels::KernelRun run = kernels::run_kernel(layer, *kernels[k], in_bytes);
      if (run.fault) {
        lc.fault = run.fault;
        return std::nullopt;
      }
      std::vector<ref::Tensor> out;
      out.push_back(ref::Tensor::from_bytes(layer.output().type, layer.output().shape, run.output, "kernel output"));
      const std::vector<ref::Tensor> want = ref::run_layer(layer, in);
      const Difference d = compare(out[0], want[0]);
      lc.outputs += static_cast<std::int64_t>(run.output.size());
      lc.mismatches += d.count;
      lc.max_abs_diff = std::max(lc.max_abs_diff, d.max_abs);
      return out;
    };
    const std::vector<ref::Tensor> actual = ref::run_model(
        model, inputs, ref::RoundingMode::kDouble,
        [&](const kernels::Layer& layer, std::span<const ref::Tensor> outputs) {
          const std::size_t k = position.at(layer.index);
          if (outputs.empty() || reference_chain[k].empty()) return;
          const Difference d = compare(outputs[0], reference_chain[k][0]);
          check.layers[k].chain_differences += d.count;
          check.layers[k].chain_max_abs_diff = std::max(check.layers[k].chain_max_abs_diff, d.max_abs);
        },
        emulate);
    for (std::size_t i = 0; i < actual.size() && i < expected.size(); ++i) {
      const Difference d = compare(actual[i], expected[i]);
      check.output_values += static_cast<std::int64_t>(actual[i].to_bytes().size());
      check.output_differences += d.count;
      check.output_max_abs_diff = std::max(check.output_max_abs_diff, d.max_abs);
    }
  }
  return check;
}

}  // namespace pietune::tuner
