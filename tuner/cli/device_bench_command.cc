// `pietune device-bench MODEL|LAYERS.json --out DIR [--variants chosen|all|top-K] [--runs N]
// [--warmup N] [tune options]`: tunes the model (reusing the database), then writes an ESP-IDF
// project that times the selected kernel instances on a board (tuner/bench/bench_project.h) and
// records the bench in the database, so `pietune import` can link the board's log to it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "model/support/atomic_files.h"
#include "model/support/error.h"
#include "tuner/bench/bench_plan.h"
#include "tuner/bench/bench_project.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/cli/progress_bar.h"
#include "tuner/cli/tune_options.h"
#include "tuner/emit/output_set.h"
#include "tuner/emit/report_json.h"
#include "kernels/layer_json.h"
#include "tuner/model_loader.h"
#include "tuner/search/estimate.h"
#include "tuner/tune/provenance.h"

namespace pietune::tuner::cli {
namespace {

struct DeviceBenchOptions {
  std::string model;
  std::string out;
  std::string variants = "chosen";
  int runs = 101;
  int warmup = 8;
  TuneCliOptions tune;
};

// The project folder's CMakeLists.txt and the components are replaced only when pietune wrote them.
void require_replaceable_project(const std::string& dir) {
  require_replaceable_files({dir + "/CMakeLists.txt", dir + "/main/CMakeLists.txt"});
}

// Component folders an earlier bench wrote into the same project that this plan lacks (its rank 3
// after `--variants top-4`, then `--variants chosen`): ESP-IDF builds every folder under
// components/, so a stale one would still be compiled. A folder is removed when it holds only the
// files pietune writes there and its CMakeLists.txt is pietune's; any other is left and named.
void remove_stale_components(const std::string& out, const BenchPlan& plan) {
  const std::filesystem::path root = std::filesystem::path(out) / "components";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return;
  std::set<std::string> current;
  for (const BenchComponent& c : plan.components) current.insert(c.folder);
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string folder = entry.path().filename().string();
    if (!entry.is_directory(ec) || current.contains(folder) || !folder.starts_with("pietune_")) continue;
    const OutputPaths paths = output_paths(entry.path().string(), folder.substr(std::string("pietune_").size()));
    const std::set<std::string> ours = {paths.header,        paths.assembly,           paths.report_json,
                                        paths.report_html,   paths.component_cmake,    paths.component_manifest,
                                        paths.tflm_header,   paths.tflm_source};
    bool only_ours = std::filesystem::exists(paths.component_cmake, ec);
    for (const auto& file : std::filesystem::directory_iterator(entry.path(), ec))
      only_ours = only_ours && ours.contains(file.path().string());
    try {
      require_replaceable_component_files(paths);
    } catch (const InputError&) {
      only_ours = false;
    }
    if (!only_ours) {
      std::fprintf(stderr, "device bench: left components/%s, a component this bench does not use: it holds files "
                           "pietune did not write\n", folder.c_str());
      continue;
    }
    std::filesystem::remove_all(entry.path(), ec);
    if (ec) throw InputError(fmt::format("--out: cannot remove the stale component {}: {}", entry.path().string(), ec.message()));
  }
}

costdb::BenchRecord bench_record(const BenchPlan& plan, const std::string& model_name, const TuneResult& result,
                                 const model::Machine& machine) {
  const nlohmann::ordered_json options = {
      {"placement",
       {{"activations", region_name(plan.placement.activations)},
        {"weights", region_name(plan.placement.weights)},
        {"scratch", region_name(plan.placement.scratch)},
        {"code", plan.placement.code_in_iram ? "iram" : "flash"},
        {"warm_inputs", plan.placement.warm_inputs},
        {"cold_code", plan.placement.cold_code}}},
      {"seed", plan.protocol.seed},
      {"warmup", plan.protocol.warmup},
      {"runs", plan.protocol.runs},
      {"components", plan.components.size()}};
  return {.id = plan.id, .model = model_name, .model_hash = result.model_hash, .machine_name = machine.name,
          .machine_hash = machine.hash_hex(), .machine_json = model::machine_json(machine),
          .placement = plan.placement.text(), .options_json = options.dump(), .created_at = ""};
}

std::vector<costdb::BenchInstanceRecord> instance_records(const BenchPlan& plan, const kernels::Model& model) {
  std::vector<costdb::BenchInstanceRecord> records;
  for (const BenchInstance& b : plan.instances) {
    const kernels::Layer& layer = model.layers[b.position];
    records.push_back({.bench_id = plan.id, .instance = b.instance, .layer_index = b.layer_index,
                       .layer_signature = signature_hex(layer), .layer_json = kernels::layer_to_json(layer).dump(),
                       .op = b.op, .family = b.family, .variant = b.variant, .rank = b.rank,
                       .predicted_cycles = b.predicted_cycles, .expected_hash = b.expected_hash});
  }
  return records;
}

int run_device_bench(const DeviceBenchOptions& o) {
  const BenchVariants variants = parse_bench_variants(o.variants);
  if (o.runs < 101 || o.runs > 100001)
    throw InputError(fmt::format("--runs: {}: the protocol times at least 101 runs (at most 100001)", o.runs));
  if (o.warmup < 1 || o.warmup > 1000) throw InputError(fmt::format("--warmup: {}: expected 1 to 1000", o.warmup));
  const TuneOptions options = tune_options(o.tune);
  const kernels::Model model = load_model(o.model);
  const model::Machine machine = load_machine_option(o.tune.machine);
  require_writable_folder(o.out, "--out");
  require_replaceable_project(o.out);
  costdb::Database db = open_database(o.tune.db);
  const std::string model_name = std::filesystem::path(o.model).filename().string();

  RunRecorder run(db, model, model_name, options, machine);
  const TuneResult result = tune_with_progress(model, o.model, options, machine, db, run);
  fmt::print(stderr, "device-bench: planning the instances (runner-ups are verified first)\n");
  BenchPlan plan;
  {
    ProgressBar bar;
    plan = plan_bench(model, model_name, result, options, machine, variants,
                      {.warmup = o.warmup, .runs = o.runs, .seed = static_cast<std::uint32_t>(o.tune.seed)},
                      [&](const Progress& p) { bar.update(p); });
  }
  if (plan.instances.empty())
    throw InputError(fmt::format("{}: no layer could be tuned, so there is nothing to bench", o.model));

  std::vector<OutputFile> files;
  std::string provenance;
  for (const BenchComponent& c : plan.components) {
    const std::string dir = o.out + "/components/" + c.folder;
    const OutputPaths paths = output_paths(dir, model_identifier(c.model_name));
    require_replaceable_component_files(paths);
    const ModelLatency latency = model_latency(model, c.result, machine);
    const EmitContext context{.model = model, .model_name = c.model_name, .options = options, .result = c.result,
                              .kernels = c.kernels, .latency = latency, .machine = machine,
                              .machine_name = machine.name, .clock_hz = machine.clock_hz, .db_path = o.tune.db,
                              .date = utc_now(), .layout = nullptr};
    if (c.rank == 0) provenance = provenance_line(context);
    const std::vector<OutputFile> set = tune_output_files(context, paths, report_json(context));
    files.insert(files.end(), set.begin(), set.end());
  }
  const std::vector<OutputFile> project =
      bench_project_files(o.out, plan, machine, {.model_name = model_name, .provenance = provenance,
                                                 .machine_name = machine.name});
  files.insert(files.end(), project.begin(), project.end());
  for (const OutputFile& f : files) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(f.path).parent_path(), ec);
    if (ec) throw InputError(fmt::format("--out: cannot create {}: {}", std::filesystem::path(f.path).parent_path().string(), ec.message()));
  }
  write_files_atomically(files);
  remove_stale_components(o.out, plan);
  db.put_bench(bench_record(plan, model_name, result, machine), instance_records(plan, model));
  run.finish();

  for (const std::string& s : plan.skipped) fmt::print(stderr, "warning: {}\n", s);
  fmt::print(stderr,
             "device bench {}: {} kernel instances of {} layers in {} components; wrote the ESP-IDF project {} "
             "(recorded in {}). On the board: idf.py set-target esp32s3 && idf.py build flash monitor | tee "
             "bench.log; then: pietune import bench.log --db {}\n",
             plan.id, plan.instances.size(), model.layers.size(), plan.components.size(), o.out, o.tune.db, o.tune.db);
  return kExitOk;
}

}  // namespace

void register_device_bench_command(CLI::App& app) {
  auto options = std::make_shared<DeviceBenchOptions>();
  CLI::App* command = add_command(
      app, "device-bench",
      "Write an ESP-IDF project that times the tuned kernels on a board (median and IQR of CCOUNT over at least 101 "
      "runs, output hashes) and record it in the database for `pietune import`",
      [options] { return run_device_bench(*options); });
  command->add_option("MODEL", options->model, "a .tflite model or a JSON layer file")->required();
  command->add_option("--out", options->out, "the project folder to write")->required();
  command->add_option("--variants", options->variants,
                      "which variants per layer: chosen (tune's), top-K (the chosen and its K-1 runner-ups), all")
      ->capture_default_str();
  command->add_option("--runs", options->runs, "timed runs per instance (at least 101)")->capture_default_str();
  command->add_option("--warmup", options->warmup, "untimed calls before the timed ones")->capture_default_str();
  add_tune_options(command, options->tune);
}

}  // namespace pietune::tuner::cli
