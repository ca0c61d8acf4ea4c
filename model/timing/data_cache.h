// Set-associative LRU data cache in front of PSRAM and flash (write-back, write-allocate, as the
// S3 D-cache). Internal SRAM bypasses it.
#pragma once

#include <cstdint>
#include <vector>

namespace pietune::model {

struct CacheOutcome {
  bool hit = true;
  bool wrote_back = false;  // a dirty line was evicted to make room
};

class DataCache {
 public:
  DataCache(int size_bytes, int ways, int line_bytes);

  // Looks up the line holding addr; on a miss, allocates it (LRU victim).
  CacheOutcome access(std::uint32_t addr, bool store);
  std::uint64_t dirty_lines() const;
  // Marks every line clean; returns how many were dirty.
  std::uint64_t clean_all();
  int line_bytes() const { return line_bytes_; }

 private:
  struct Way {
    std::uint32_t tag = 0;
    std::uint64_t last_use = 0;
    bool valid = false;
    bool dirty = false;
  };
  int ways_;
  int line_bytes_;
  int line_shift_;
  std::uint32_t set_count_;
  std::uint64_t clock_ = 0;
  std::vector<Way> lines_;  // set-major: set * ways_ + way; empty until the first access
};

}  // namespace pietune::model
