// `pietune variants MODEL [--layer N] [--activations R] [--weights R] [--json]`: for each layer with
// a variant family, the legal variants with their fast-mode cycle estimate (buffers placed as
// `tune` places them) and the rejected ones with the rule and the reason.
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/enumerate.h"
#include "kernels/layer.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/model_loader.h"
#include "tuner/search/placement.h"

namespace pietune::tuner::cli {
namespace {

struct VariantsOptions {
  std::string model;
  std::optional<int> layer;
  std::string activations = "sram";
  std::string weights = "flash";
  bool json = false;
};

bool has_family(kernels::OpKind op) {
  for (const kernels::FamilySpec& f : kernels::all_families())
    if (f.op == op) return true;
  return false;
}

// "CONV_2D 1x5x5x3 -> 1x5x5x4".
std::string layer_title(const kernels::Layer& layer) {
  return fmt::format("layer {} {} {} -> {}", layer.index, layer.op_name, kernels::shape_to_string(layer.input().shape),
                     kernels::shape_to_string(layer.output().shape));
}

// Fast-mode estimate of a legal variant's kernel with the buffers where `placement` puts them.
// Layers without constant data (JSON layer files) are generated with seeded random constants: the
// code does not depend on the values.
model::Cost estimate(const kernels::Layer& layer, const kernels::Variant& variant, const Placement& placement) {
  static const model::FastModel fast(model::default_machine());
  const kernels::Layer with_data = kernels::with_random_constants(layer, 1);
  const kernels::GeneratedKernel kernel = kernels::find_family(variant.family)->generate(with_data, variant);
  return fast.estimate(kernel.program.functions.front(), fast_options(with_data, kernel, placement));
}

int run_variants(const VariantsOptions& options) {
  Placement placement;
  placement.activations = parse_region(options.activations, "--activations", false);
  placement.weights = parse_region(options.weights, "--weights", true);
  const kernels::Model model = load_model(options.model);
  std::vector<const kernels::Layer*> layers;
  if (options.layer) {
    const kernels::Layer& layer = layer_with_index(model, *options.layer, options.model, "--layer");
    if (!has_family(layer.op))
      throw InputError(fmt::format("{}: layer {}: no variant family for {}", options.model, *options.layer, layer.op_name));
    layers.push_back(&layer);
  } else {
    for (const kernels::Layer& layer : model.layers)
      if (has_family(layer.op)) layers.push_back(&layer);
  }

  nlohmann::json doc = nlohmann::json::array();
  std::string text;
  for (const kernels::Layer* layer : layers) {
    kernels::Enumeration e;
    try {
      e = kernels::enumerate_variants(*layer);
    } catch (const InputError& err) {
      throw InputError(fmt::format("{}: layer {}: {}", options.model, layer->index, err.what()));
    }
    if (options.json) {
      nlohmann::json legal = nlohmann::json::array(), rejected = nlohmann::json::array();
      for (const kernels::Variant& v : e.legal) {
        nlohmann::json entry = kernels::variant_to_json(v);
        entry["est_cycles"] = estimate(*layer, v, placement).cycles;
        legal.push_back(entry);
      }
      for (const kernels::RejectedVariant& r : e.rejected)
        rejected.push_back({{"variant", kernels::variant_to_json(r.variant)},
                            {"rule", r.rejection.rule},
                            {"reason", r.rejection.reason}});
      doc.push_back({{"layer", layer->index}, {"op", layer->op_name}, {"legal", legal}, {"rejected", rejected}});
      continue;
    }
    text += fmt::format("{}: {} legal, {} rejected\n", layer_title(*layer), e.legal.size(), e.rejected.size());
    for (const kernels::Variant& v : e.legal) {
      const double cycles = estimate(*layer, v, placement).cycles;
      text += fmt::format("  legal     {:<50} {:>12.0f} cycles {:6.2f} MAC/cycle\n", v.name(), cycles,
                          cycles > 0 ? static_cast<double>(layer->macs()) / cycles : 0.0);
    }
    for (const kernels::RejectedVariant& r : e.rejected)
      text += fmt::format("  rejected  {}  [{}] {}\n", r.variant.name(), r.rejection.rule, r.rejection.reason);
  }
  if (options.json) {
    text = doc.dump(2) + "\n";
  } else {
    std::set<std::string> others;
    for (const kernels::Layer& layer : model.layers)
      if (!has_family(layer.op)) others.insert(layer.op_name);
    if (!options.layer && !others.empty()) {
      std::string names;
      for (const std::string& n : others) names += (names.empty() ? "" : ", ") + n;
      text += fmt::format("{} of {} layers have no variant family ({})\n", model.layers.size() - layers.size(),
                          model.layers.size(), names);
    }
  }
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

void register_variants_command(CLI::App& app) {
  auto options = std::make_shared<VariantsOptions>();
  CLI::App* command = add_command(app, "variants",
                                  "List the kernel variants of each layer: the legal ones and the rejected ones with "
                                  "the rule that failed and its numbers",
                                  [options] { return run_variants(*options); });
  command->add_option("MODEL", options->model, "a JSON layer file or a .tflite model")->required();
  command->add_option("--layer", options->layer, "only the layer with this index");
  command->add_option("--activations", options->activations, "where the tensor arena lives: sram or psram")
      ->capture_default_str();
  command->add_option("--weights", options->weights, "where the weights live: flash, sram or psram")
      ->capture_default_str();
  command->add_flag("--json", options->json, "print JSON: per layer {layer, op, legal: [variant + est_cycles], "
                                             "rejected: [{variant, rule, reason}]}");
}

}  // namespace pietune::tuner::cli
