// `pietune tune MODEL [--out DIR] [--db FILE] [search options]`: tunes every layer, verifies the
// winners and writes <model>_pietune.h, <model>_pietune.S, report.json and report.html to DIR
// (default results/<model>/), then prints the per-layer table.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "model/support/error.h"
#include "model/timing/machine.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/progress_bar.h"
#include "tuner/cli/tune_options.h"
#include "tuner/emit/asm_emitter.h"
#include "tuner/emit/header_emitter.h"
#include "tuner/emit/report_html.h"
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
};

int run_tune(const TuneCommandOptions& o) {
  const TuneOptions options = tune_options(o.tune);
  const kernels::Model model = load_model(o.model);
  const model::Machine machine = load_machine_option(o.tune.machine);
  const std::string id = model_identifier(o.model);
  const std::string out_dir = o.out.empty() ? "results/" + id : o.out;
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError(fmt::format("--out: {}: cannot create: {}", out_dir, ec.message()));
  costdb::Database db = open_database(o.tune.db);

  TuneResult result;
  {
    ProgressBar bar;
    result = tune_model(model, std::filesystem::path(o.model).filename().string(), options, machine, db,
                        [&](const Progress& p) { bar.update(p); });
  }
  const ModelKernels kernels = build_model_kernels(model, o.model, result);
  const EmitContext context{.model = model, .model_name = std::filesystem::path(o.model).filename().string(),
                            .options = options, .result = result, .kernels = kernels, .machine_name = machine.name,
                            .clock_hz = machine.clock_hz, .db_path = o.tune.db, .date = utc_now()};
  const nlohmann::ordered_json report = report_json(context);
  const std::string base = out_dir + "/" + id + "_pietune";
  write_file_atomically(base + ".h", emit_header(context));
  write_file_atomically(base + ".S", emit_assembly(context));
  write_file_atomically(out_dir + "/report.json", report.dump(2) + "\n");
  write_file_atomically(out_dir + "/report.html", report_html(report));
  if (!o.quiet) std::fputs(report_table(report).c_str(), stdout);
  fmt::print(stderr, "tuned {} layers in {:.2f}s: {} estimates computed, {} reused; {} verifications run, {} reused; "
             "wrote {}.h, {}.S, report.json, report.html (run {} in {})\n",
             model.layers.size(), result.seconds, result.computed, result.reused, result.verifications_run,
             result.verifications_reused, base, base, result.run_id, o.tune.db);
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
  add_tune_options(command, options->tune);
}

}  // namespace pietune::tuner::cli
