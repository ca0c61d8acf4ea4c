// Query and serve options (see the header); validation is tune's, so the two accept the same values.
#include "tuner/cli/query_options.h"

#include <optional>
#include <utility>

#include "tuner/cli/machine_option.h"
#include "tuner/cli/seed_option.h"
#include "tuner/cli/tune_options.h"

namespace pietune::tuner::cli {

void add_query_options(CLI::App* command, QueryCliOptions& o) {
  command->add_option("--db", o.db, "a cost database to read estimates from and store new ones in (default: none)");
  command->add_option("--machine", o.machine, "a machine description (default: the bundled ESP32-S3)");
  add_placement_options(command, o.activations, o.weights, o.sram_limit);
  command->add_option("--budget", o.budget, "estimates per layer for `best`; above it a seeded local search")
      ->capture_default_str();
  add_seed_option(command, "--seed", o.seed, "seed of the local search")->capture_default_str();
}

std::unique_ptr<QueryService> make_query_service(const QueryCliOptions& o) {
  TuneCliOptions shared;
  shared.activations = o.activations;
  shared.weights = o.weights;
  shared.sram_limit = o.sram_limit;
  shared.budget = o.budget;
  shared.seed = o.seed;
  shared.jobs = 1;
  const TuneOptions checked = tune_options(shared);
  QueryServiceOptions options{.placement = checked.placement,
                              .sram_limit_bytes = checked.sram_limit_bytes,
                              .budget = checked.budget,
                              .seed = checked.seed};
  model::Machine machine = load_machine_option(o.machine);
  std::optional<costdb::Database> db;
  if (!o.db.empty()) db = open_database(o.db, costdb::Access::kReadWriteIfPossible);
  return std::make_unique<QueryService>(std::move(db), std::move(machine), options);
}

}  // namespace pietune::tuner::cli
