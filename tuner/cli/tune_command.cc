// `pietune tune MODEL [--out DIR] [--db FILE] [--json] [search options]`: tunes every layer,
// verifies the winners and writes <model>_pietune.h, <model>_pietune.S, report.json and
// report.html to DIR (default results/<model>/) as one set, then prints the per-layer table (or,
// with --json, the run id, the output paths and the totals).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/support/atomic_files.h"
#include "model/support/error.h"
#include "model/timing/machine.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/tune_options.h"
#include "tuner/emit/output_set.h"
#include "tuner/emit/report_json.h"
#include "tuner/emit/report_text.h"
#include "tuner/model_loader.h"
#include "tuner/tune/provenance.h"

namespace pietune::tuner::cli {
namespace {

struct TuneCommandOptions {
  std::string model;
  std::string out;
  TuneCliOptions tune;
  bool quiet = false;
  bool json = false;
};

int tuned_layers(const TuneResult& result) {
  int n = 0;
  for (const LayerResult& l : result.layers) n += l.chosen_estimate() != nullptr ? 1 : 0;
  return n;
}

nlohmann::ordered_json summary_json(const TuneCommandOptions& o, const TuneResult& result, const OutputPaths& paths,
                                    const nlohmann::ordered_json& report) {
  return {{"run_id", result.run_id},
          {"db", o.tune.db},
          {"model", o.model},
          {"outputs",
           {{"header", paths.header}, {"assembly", paths.assembly}, {"report_json", paths.report_json},
            {"report_html", paths.report_html}, {"component_cmake", paths.component_cmake},
            {"component_manifest", paths.component_manifest}, {"tflm_header", paths.tflm_header},
            {"tflm_source", paths.tflm_source}}},
          {"layers", result.layers.size()},
          {"layers_tuned", tuned_layers(result)},
          {"totals", report.at("totals")},
          {"verifications_run", result.verifications_run},
          {"verifications_reused", result.verifications_reused}};
}

int run_tune(const TuneCommandOptions& o) {
  const TuneOptions options = tune_options(o.tune);
  const kernels::Model loaded = load_model(o.model);
  const model::Machine machine = load_machine_option(o.tune.machine);
  const std::string id = model_identifier(o.model);
  const std::string out_dir = o.out.empty() ? "results/" + id : o.out;
  require_writable_folder(out_dir, "--out");  // before the work, not after it
  require_replaceable_component_files(output_paths(out_dir, id));
  costdb::Database db = open_database(o.tune.db);
  std::optional<LayoutSearch> layout;
  const kernels::Model model = model_to_tune(loaded, o.tune, options, machine, db, layout);
  const std::string model_name = std::filesystem::path(o.model).filename().string();

  RunRecorder run(db, model, model_name, options, machine);
  const TuneResult result = tune_with_progress(model, o.model, options, machine, db, run);
  if (tuned_layers(result) == 0) {
    fmt::print(stderr, "pietune: {}: no layer could be tuned ({} layers: no kernel family covers them or every "
               "variant was rejected; `pietune explain {} --layer N` says why); nothing written\n",
               o.model, model.layers.size(), o.model);
    return kExitCheckFailed;
  }
  const ModelKernels kernels = build_model_kernels(model, o.model, result, options.placement);
  const ModelLatency latency = model_latency(model, result, machine);
  const EmitContext context{.model = model, .model_name = model_name, .options = options, .result = result,
                            .kernels = kernels, .latency = latency, .machine = machine, .machine_name = machine.name,
                            .clock_hz = machine.clock_hz,
                            .db_path = o.tune.db, .date = utc_now(), .layout = layout ? &*layout : nullptr};
  const nlohmann::ordered_json report = report_json(context);
  const OutputPaths paths = output_paths(out_dir, id);
  write_files_atomically(tune_output_files(context, paths, report));
  run.finish();

  if (o.json) {
    std::fputs((summary_json(o, result, paths, report).dump(2) + "\n").c_str(), stdout);
  } else if (!o.quiet) {
    std::fputs(report_table(report).c_str(), stdout);
  }
  fmt::print(stderr, "tuned {} of {} layers in {:.2f}s: {} estimates computed, {} reused; {} verifications run, {} "
             "reused; wrote {}, {}, {}, {}, the component's {}, {} and the TFLite Micro hook {}, {} (run {} in {})\n",
             tuned_layers(result), model.layers.size(), result.seconds, result.computed, result.reused,
             result.verifications_run, result.verifications_reused, paths.header, paths.assembly, paths.report_json,
             paths.report_html, paths.component_cmake, paths.component_manifest, paths.tflm_header, paths.tflm_source,
             result.run_id, o.tune.db);
  for (const LayerResult& l : result.layers)
    for (const VerificationOutcome& v : l.verifications)
      if (!v.passed)
        fmt::print(stderr, "warning: layer {}: {} failed verification ({}); not emitted\n", l.tuning.layer_index,
                   v.variant, v.detail);
  return kExitOk;
}

}  // namespace

void register_tune_command(CLI::App& app) {
  auto options = std::make_shared<TuneCommandOptions>();
  CLI::App* command = add_command(app, "tune",
                                  "Tune every layer of a model: search the kernel variants, verify the winners "
                                  "bit-exact, and write the config header, the kernels (.S) and the reports",
                                  [options] { return run_tune(*options); });
  command->add_option("MODEL", options->model, "a .tflite model or a JSON layer file")->required();
  command->add_option("--out", options->out, "output directory (default results/<model>/)");
  command->add_flag("--quiet", options->quiet, "do not print the per-layer table");
  command->add_flag("--json", options->json,
                    "print the run id, the output paths and the totals as JSON instead of the table");
  add_tune_options(command, options->tune);
  add_layouts_option(command, options->tune);
}

}  // namespace pietune::tuner::cli
