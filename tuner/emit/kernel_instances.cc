// Per-layer kernel instances with shared code (see the header).
#include "tuner/emit/kernel_instances.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "emu_bridge/asm/asm_printer.h"
#include "kernels/verify.h"

namespace pietune::tuner {
namespace {

// Renames the function and the local labels the builder derived from its name.
void rename_function(model::Function& f, const std::string& name) {
  const std::string old_prefix = ".L" + f.name;
  for (std::string& label : f.label_names)
    if (label.starts_with(old_prefix)) label = ".L" + name + label.substr(old_prefix.size());
  f.name = name;
}

}  // namespace

std::string model_identifier(const std::string& model_name) {
  std::string stem = std::filesystem::path(model_name).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  if (stem.empty() || std::isdigit(static_cast<unsigned char>(stem.front()))) stem = "m_" + stem;
  return stem;
}

const LayerKernel* find_layer_kernel(const ModelKernels& kernels, int layer_index) {
  for (const LayerKernel& l : kernels.layers)
    if (l.layer_index == layer_index) return &l;
  return nullptr;
}

ModelKernels build_model_kernels(const kernels::Model& model, const std::string& model_name, const TuneResult& result,
                                 const Placement& placement) {
  ModelKernels out;
  out.prefix = "pietune_" + model_identifier(model_name);
  std::map<std::string, std::string> function_by_code;  // code printed under a neutral name -> symbol
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const VariantEstimate* chosen = result.layers[i].chosen_estimate();
    if (chosen == nullptr) continue;
    const kernels::Layer& layer = model.layers[i];
    LayerKernel lk;
    lk.layer_index = layer.index;
    lk.position = i;
    lk.variant = chosen->variant.name();
    lk.call_block = fmt::format("{}_l{}_call_block", out.prefix, layer.index);
    const kernels::Layer with_data = kernels::with_random_constants(layer, 1);
    lk.kernel = kernels::find_family(chosen->variant.family)->generate(with_data, chosen->variant);
    place_code(lk.kernel, placement);
    model::Function& f = lk.kernel.program.functions.front();
    model::Function neutral = f;
    rename_function(neutral, "pietune_kernel");
    const std::string code = emu::print_assembly(neutral);
    auto [it, inserted] = function_by_code.emplace(code, fmt::format("{}_l{}", out.prefix, layer.index));
    lk.function = it->second;
    lk.owns_function = inserted;
    rename_function(f, lk.function);
    lk.kernel.symbol = lk.function;
    out.scratch_bytes = std::max(out.scratch_bytes, lk.kernel.scratch_bytes);
    out.layers.push_back(std::move(lk));
  }
  out.distinct_functions = static_cast<int>(function_by_code.size());
  return out;
}

}  // namespace pietune::tuner
