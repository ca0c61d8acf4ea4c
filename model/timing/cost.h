// Cost: total cycles and where they went. Every cycle belongs to exactly one cause, so the
// breakdown always sums to the total (tests hold it to that).
#pragma once

#include <cstdint>
#include <string>

namespace pietune::model {

enum class StallCause : std::uint8_t {
  kNone,
  kData,      // waits for an operand (D = max(def - use + 1, 0))
  kResource,  // a functional unit is still busy (e.g. SRCMB right after a MAC)
  kBranch,    // taken-branch / jump bubble
  kLoop,      // zero-overhead loop overhead (setup, tiny bodies)
  kCache,     // data-cache miss: line fill from PSRAM or flash
  kStore,     // extra cost of stores
  kCall,      // call and return bubbles, ENTRY, register-window overflow/underflow exceptions
  kFetch,     // instruction-cache miss: code in flash, line fill before the instruction can issue
};

const char* to_string(StallCause cause);

struct Cost {
  double cycles = 0;
  double issue = 0;  // one cycle per instruction
  double data_stall = 0;
  double resource_stall = 0;
  double branch = 0;
  double loop = 0;
  double cache_miss = 0;
  double store = 0;
  double call = 0;
  double fetch = 0;
  std::uint64_t instructions = 0;
  std::uint64_t macs = 0;
  std::uint64_t cache_misses = 0;

  double breakdown_sum() const {
    return issue + data_stall + resource_stall + branch + loop + cache_miss + store + call + fetch;
  }
  double macs_per_cycle() const { return cycles > 0 ? static_cast<double>(macs) / cycles : 0; }
  // Share of the 16 MAC/cycle peak of one 8-bit VMULAS per cycle.
  double peak_utilisation() const { return macs_per_cycle() / 16.0; }
  void add(StallCause cause, double amount);
};

// The breakdown's causes in report order: JSON key, label for people, field. Every printer of a
// breakdown walks this one list.
struct CostCause {
  const char* key;
  const char* label;
  double Cost::*field;
};
inline constexpr CostCause kCostCauses[] = {
    {"issue", "issue", &Cost::issue},
    {"data_stall", "data stall", &Cost::data_stall},
    {"resource_stall", "resource", &Cost::resource_stall},
    {"branch", "branch", &Cost::branch},
    {"loop", "loop", &Cost::loop},
    {"cache_miss", "cache miss", &Cost::cache_miss},
    {"store", "store", &Cost::store},
    {"call", "call", &Cost::call},
    {"fetch", "fetch", &Cost::fetch},
};

// later - earlier, field by field (the cost of what happened in between).
Cost cost_between(const Cost& earlier, const Cost& later);

}  // namespace pietune::model
