// `pietune verify MODEL` (see the header).
#include "tuner/cli/verify_model.h"

#include <cstdio>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/reference/run_model.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/progress_bar.h"
#include "tuner/emit/kernel_instances.h"
#include "tuner/model_loader.h"
#include "tuner/verify/model_verify.h"

namespace pietune::tuner::cli {

int run_verify_model(const VerifyModelOptions& o) {
  if (o.cases < 1) throw InputError(fmt::format("--cases: {}: must be at least 1", o.cases));
  const TuneOptions options = tune_options(o.tune);
  const kernels::Model loaded = load_model(o.model);
  try {
    kernels::reference::check_model_supported(loaded);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", o.model, e.what()));
  }
  const model::Machine machine = load_machine_option(o.tune.machine);
  costdb::Database db = open_database(o.tune.db);
  std::optional<LayoutSearch> layout;
  const kernels::Model model = model_to_tune(loaded, o.tune, options, machine, db, layout);
  RunRecorder run(db, model, std::filesystem::path(o.model).filename().string(), options, machine);
  TuneResult result;
  {
    ProgressBar bar;
    result = tune_model(model, options, machine, db, run, [&](const Progress& p) { bar.update(p); });
  }
  run.finish();
  const ModelKernels built = build_model_kernels(model, o.model, result, options.placement);
  std::vector<std::optional<kernels::GeneratedKernel>> per_layer(model.layers.size());
  std::vector<std::string> names(model.layers.size());
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    if (const LayerKernel* l = find_layer_kernel(built, model.layers[i].index)) {
      per_layer[i] = l->kernel;
      names[i] = l->variant;
    }
  const ModelCheck check = verify_model(model, per_layer, names, o.cases, o.seed);

  nlohmann::ordered_json j = {{"model", o.model}, {"cases", check.cases}, {"passed", check.passed()},
                              {"layers", nlohmann::ordered_json::array()}};
  std::string text = fmt::format("{}: {} random inputs (seed {}), chosen kernels in the emulator vs reference ops\n",
                                 o.model, check.cases, o.seed);
  text += fmt::format("{:>3}  {:<17}  {:<48}  {:>9}  {:>10}  {:>8}  {:>12}\n", "#", "op", "kernel", "outputs",
                      "mismatches", "max diff", "chain diffs");
  for (const LayerCheck& l : check.layers) {
    j["layers"].push_back({{"layer", l.layer}, {"op", l.op}, {"variant", l.variant}, {"outputs", l.outputs},
                           {"mismatches", l.mismatches}, {"max_abs_diff", l.max_abs_diff},
                           {"chain_differences", l.chain_differences}, {"chain_max_abs_diff", l.chain_max_abs_diff},
                           {"fault", l.fault ? *l.fault : ""}});
    text += fmt::format("{:>3}  {:<17}  {:<48}  {:>9}  {:>10}  {:>8}  {:>12}{}\n", l.layer, l.op,
                        l.variant.empty() ? "(reference op)" : l.variant, l.variant.empty() ? "-" : std::to_string(l.outputs),
                        l.variant.empty() ? "-" : std::to_string(l.mismatches),
                        l.variant.empty() ? "-" : std::to_string(l.max_abs_diff), l.chain_differences,
                        l.fault ? "  fault: " + *l.fault : "");
  }
  j["output_values"] = check.output_values;
  j["output_differences"] = check.output_differences;
  j["output_max_abs_diff"] = check.output_max_abs_diff;
  text += fmt::format("model outputs: {} of {} values differ (max abs diff {}): {}\n", check.output_differences,
                      check.output_values, check.output_max_abs_diff, check.passed() ? "PASS" : "FAIL");
  std::fputs(o.json ? (j.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return check.passed() ? kExitOk : kExitCheckFailed;
}

}  // namespace pietune::tuner::cli
