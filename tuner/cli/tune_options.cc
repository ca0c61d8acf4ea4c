// Shared search options and database opening (see the header).
#include "tuner/cli/tune_options.h"

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "model/support/error.h"
#include "tuner/cli/progress_bar.h"
#include "tuner/cli/seed_option.h"

namespace pietune::tuner::cli {
namespace {

constexpr double kMaxTimeLimitSeconds = 7 * 24 * 3600;

// "256K", "1M", "65536" -> bytes.
std::uint32_t parse_bytes(const std::string& text, const char* option) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: {}: expected a byte count such as 65536, 256K or 1M", option, text));
  }
  const std::string unit = text.substr(used);
  const unsigned long long scale = unit.empty() ? 1 : unit == "K" || unit == "k" ? 1024 : unit == "M" ? 1024 * 1024 : 0;
  if (scale == 0 || value * scale > 0xFFFFFFFFull)
    throw InputError(fmt::format("{}: {}: expected a byte count such as 65536, 256K or 1M", option, text));
  return static_cast<std::uint32_t>(value * scale);
}

}  // namespace

void add_placement_options(CLI::App* command, std::string& activations, std::string& weights, std::string& sram_limit) {
  command->add_option("--activations", activations, "where the tensor arena lives: sram or psram")
      ->capture_default_str();
  command->add_option("--weights", weights, "where the weights live: flash, sram or psram")->capture_default_str();
  command->add_option("--sram-limit", sram_limit, "largest scratch buffer a kernel may take in SRAM (bytes, K, M)")
      ->capture_default_str();
}

void add_search_options(CLI::App* command, TuneCliOptions& o) {
  command->add_option("--db", o.db, "the cost database (created when missing)")->capture_default_str();
  command->add_option("--machine", o.machine, "a machine description (default: the bundled ESP32-S3)");
  add_placement_options(command, o.activations, o.weights, o.sram_limit);
  command->add_option("--code", o.code, "where pietune's kernels live: iram (.iram1 sections) or flash (.text)")
      ->check(CLI::IsMember({"iram", "flash"}))
      ->capture_default_str();
  command->add_option("--icache", o.icache,
                      "code in flash at entry: warm (in the instruction cache) or cold (every line filled once)")
      ->check(CLI::IsMember({"warm", "cold"}))
      ->capture_default_str();
  command->add_option("--budget", o.budget, "estimates per layer; above it a seeded local search")->capture_default_str();
  add_seed_option(command, "--seed", o.seed, "seed of the local search (and of tune's verification data)")
      ->capture_default_str();
}

void add_tune_options(CLI::App* command, TuneCliOptions& o) {
  add_search_options(command, o);
  command->add_option("--time-limit", o.time_limit, "seconds for the whole search (0: none; at most 604800)");
  command->add_option("--jobs", o.jobs, "worker threads (0: every core)");
  command->add_option("--verify-cases", o.verify_cases, "random inputs per verification")->capture_default_str();
}

void add_layouts_option(CLI::App* command, TuneCliOptions& o) {
  command
      ->add_option("--layouts", o.layouts,
                   "nhwc: every layer in NHWC; plan: each layer in NHWC or NCHW, with the transposes between them, "
                   "chosen for the whole model's cycles (a .tflite model)")
      ->check(CLI::IsMember({"nhwc", "plan"}))
      ->capture_default_str();
  command
      ->add_option("--input-layout", o.input_layout,
                   "the layout the application gives the model's inputs in: nhwc, or nchw (e.g. a camera or a "
                   "PyTorch pipeline); the plan converts where its layers need the other")
      ->check(CLI::IsMember({"nhwc", "nchw"}))
      ->capture_default_str();
  command
      ->add_option("--output-layout", o.output_layout, "the layout the application wants the model's outputs in")
      ->check(CLI::IsMember({"nhwc", "nchw"}))
      ->capture_default_str();
}

kernels::Model model_to_tune(const kernels::Model& model, const TuneCliOptions& cli, const TuneOptions& options,
                             const model::Machine& machine, costdb::Database& db,
                             std::optional<LayoutSearch>& search) {
  const auto layout = [](const std::string& name) {
    return name == "nchw" ? ActivationLayout::kNchw : ActivationLayout::kNhwc;
  };
  const BoundaryLayouts boundary{.input = layout(cli.input_layout), .output = layout(cli.output_layout)};
  const bool plan = cli.layouts == "plan";
  if (!plan && boundary.input == ActivationLayout::kNhwc && boundary.output == ActivationLayout::kNhwc) return model;
  search = search_layouts(model, options, machine, db, boundary, plan);
  return search->planned;
}

TuneOptions tune_options(const TuneCliOptions& o) {
  TuneOptions t;
  t.placement.activations = parse_region(o.activations, "--activations", false);
  t.placement.weights = parse_region(o.weights, "--weights", true);
  t.placement.code_in_iram = o.code == "iram";
  t.placement.cold_code = o.icache == "cold";
  t.sram_limit_bytes = parse_bytes(o.sram_limit, "--sram-limit");
  if (o.budget < 1) throw InputError(fmt::format("--budget: {}: must be at least 1", o.budget));
  t.budget = o.budget;
  // Written this way round so nan fails too; a finite bound keeps the stored options plain numbers.
  if (!(o.time_limit >= 0 && o.time_limit <= kMaxTimeLimitSeconds))
    throw InputError(
        fmt::format("--time-limit: {}: expected seconds from 0 (no limit) to {:.0f} (a week)", o.time_limit, kMaxTimeLimitSeconds));
  if (o.time_limit > 0) t.time_limit_seconds = o.time_limit;
  if (o.jobs < 0) throw InputError(fmt::format("--jobs: {}: must not be negative", o.jobs));
  t.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  t.seed = o.seed;
  if (o.verify_cases < 1) throw InputError(fmt::format("--verify-cases: {}: must be at least 1", o.verify_cases));
  t.verify_cases = o.verify_cases;
  return t;
}

costdb::Database open_database(const std::string& path, costdb::Access access) {
  // Only the default's folder (results/, relative to where pietune runs) is made; a --db naming a
  // folder that does not exist is a mistake to report, not a folder to create.
  if (path == TuneCliOptions{}.db && access != costdb::Access::kReadOnly) {
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  }
  try {
    return costdb::Database::open(path, access);
  } catch (const costdb::Error& e) {
    throw InputError(e.what());
  }
}

TuneResult tune_with_progress(const kernels::Model& model, const std::string& model_path, const TuneOptions& options,
                              const model::Machine& machine, costdb::Database& db, const RunRecorder& run) {
  try {
    ProgressBar bar;
    return tune_model(model, options, machine, db, run, [&](const Progress& p) { bar.update(p); });
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", model_path, e.what()));
  }
}

}  // namespace pietune::tuner::cli
