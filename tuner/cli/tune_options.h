// Options shared by the commands that search (tune, explain): placement, limits, budget, database.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "costdb/costdb.h"
#include "tuner/tune/layout_search.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner::cli {

struct TuneCliOptions {
  std::string db = "results/costdb.sqlite";
  std::string machine;
  std::string activations = "sram";
  std::string weights = "flash";
  std::string sram_limit = "256K";
  std::string code = "iram";
  std::string icache = "warm";
  int budget = 256;
  double time_limit = 0;
  int jobs = 0;  // 0: every core
  std::uint64_t seed = 1;
  int verify_cases = 2;
  std::string layouts = "nhwc";  // --layouts (tune, verify MODEL): nhwc or plan
  std::string input_layout = "nhwc", output_layout = "nhwc";  // --input-layout, --output-layout
};

// What a search of one layer reads (explain): --db, --machine, placement, --code, --icache,
// --budget, --seed.
void add_search_options(CLI::App* command, TuneCliOptions& options);
// add_search_options plus what only a whole-model run reads: --time-limit, --jobs, --verify-cases.
void add_tune_options(CLI::App* command, TuneCliOptions& options);
// --layouts nhwc|plan, --input-layout and --output-layout nhwc|nchw (tune and verify MODEL).
void add_layouts_option(CLI::App* command, TuneCliOptions& options);
// The model tune runs: `model` itself with --layouts nhwc and NHWC boundaries; else the planned
// model of its layout search (tuner/tune/layout_search.h: every layer NHWC with the boundary
// transposes under --layouts nhwc, the cheapest plan under plan), whose plan `search` receives.
// InputError for a plan on a model without a graph (a JSON layer file).
kernels::Model model_to_tune(const kernels::Model& model, const TuneCliOptions& cli, const TuneOptions& options,
                             const model::Machine& machine, costdb::Database& db,
                             std::optional<LayoutSearch>& search);
// --activations, --weights and --sram-limit (shared with query and serve).
void add_placement_options(CLI::App* command, std::string& activations, std::string& weights, std::string& sram_limit);
// Validated TuneOptions; InputError naming the option.
TuneOptions tune_options(const TuneCliOptions& options);
// Opens the database; costdb::Error becomes InputError. The folder of the default path
// (results/) is created when missing, any other must exist. Reading commands (db, regress) pass
// kReadOnly; query, serve and explain kReadWriteIfPossible (a read-only file is read, nothing stored).
// tune_model with the progress bar on stderr; an InputError from a layer is prefixed with `model_path`.
TuneResult tune_with_progress(const kernels::Model& model, const std::string& model_path, const TuneOptions& options,
                              const model::Machine& machine, costdb::Database& db, const RunRecorder& run);
costdb::Database open_database(const std::string& path, costdb::Access access = costdb::Access::kReadWrite);

}  // namespace pietune::tuner::cli
