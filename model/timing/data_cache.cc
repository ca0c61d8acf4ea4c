// Set-associative LRU cache lookups.
#include "model/timing/data_cache.h"

#include <bit>

#include "model/support/error.h"

namespace pietune::model {

DataCache::DataCache(int size_bytes, int ways, int line_bytes)
    : ways_(ways), line_bytes_(line_bytes), line_shift_(std::countr_zero(static_cast<unsigned>(line_bytes))) {
  PIETUNE_CHECK(ways > 0 && line_bytes > 0 && size_bytes % (ways * line_bytes) == 0) << "bad cache geometry";
  set_count_ = static_cast<std::uint32_t>(size_bytes / (ways * line_bytes));
}

CacheOutcome DataCache::access(std::uint32_t addr, bool store) {
  // Allocated on first use: fast mode's pipelines never touch the cache.
  if (lines_.empty()) lines_.resize(static_cast<std::size_t>(set_count_) * static_cast<std::size_t>(ways_));
  const std::uint32_t line = addr >> line_shift_;
  const std::uint32_t set = line % set_count_;
  const std::uint32_t tag = line / set_count_;
  Way* first = &lines_[static_cast<std::size_t>(set) * ways_];
  ++clock_;
  Way* victim = first;
  for (int w = 0; w < ways_; ++w) {
    Way& way = first[w];
    if (way.valid && way.tag == tag) {
      way.last_use = clock_;
      way.dirty = way.dirty || store;
      return {true, false};
    }
    if (!way.valid || (victim->valid && way.last_use < victim->last_use)) victim = &way;
  }
  CacheOutcome outcome{false, victim->valid && victim->dirty};
  *victim = Way{tag, clock_, true, store};
  return outcome;
}

std::uint64_t DataCache::dirty_lines() const {
  std::uint64_t n = 0;
  for (const Way& way : lines_) n += way.valid && way.dirty;
  return n;
}

std::uint64_t DataCache::clean_all() {
  std::uint64_t n = 0;
  for (Way& way : lines_) {
    n += way.valid && way.dirty;
    way.dirty = false;
  }
  return n;
}

}  // namespace pietune::model
