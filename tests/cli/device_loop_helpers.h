// A stand-in for a board running a device-bench project: the console log it would print if the
// silicon behaved like the timing model under a perturbed machine description, with measurement
// noise, boot messages, colour codes and CR-LF endings (no board is attached to these machines).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace pietune::testing {

struct SyntheticBoard {
  std::map<std::string, double> parameters;  // machine parameters that differ on the "silicon"
  double noise = 0.003;                      // relative standard deviation of each median
  std::uint32_t seed = 1;
  std::set<int> wrong_hash_instances;        // instances whose output comes out wrong
  bool repeat_measurements = false;          // a monitor echoing every measurement line twice
  bool cut_last_measurement = false;         // the log stops in the middle of the last line
};

// The console log of bench `bench_id` recorded in the database at `db_path`.
std::string synthesize_bench_log(const std::string& db_path, const std::string& bench_id, const SyntheticBoard& board);

}  // namespace pietune::testing
