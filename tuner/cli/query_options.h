// Options shared by `pietune query` and `pietune serve`: the database (optional: without it nothing
// is stored), the machine, placement, the SRAM limit and the search budget.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "tuner/query/query_service.h"

namespace pietune::tuner::cli {

struct QueryCliOptions {
  std::string db;  // "": no database
  std::string machine;
  std::string activations = "sram";
  std::string weights = "flash";
  std::string sram_limit = "256K";
  int budget = 256;
  std::uint64_t seed = 1;
};

void add_query_options(CLI::App* command, QueryCliOptions& options);
// Validates the options (InputError naming the option), opens the database and the machine.
std::unique_ptr<QueryService> make_query_service(const QueryCliOptions& options);

}  // namespace pietune::tuner::cli
