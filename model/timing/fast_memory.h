// Fast mode's memory term: what the buffers behind the data cache (PSRAM, flash) cost.
//
// While fast mode walks the loop nest it records, per buffer, the bytes loaded and stored and the
// range of displacements each loop iteration touches. The cache term then charges
//   - compulsory misses: one line fill per line of each buffer's footprint (of a warm buffer, only
//     what the cache could not keep);
//   - re-touch misses, loop by loop: the part of a buffer's footprint that an iteration shares
//     with the previous one (all of it for weights re-read per pixel, k - s rows of a sliding
//     input window) misses again when the data all buffers touch in one iteration of that loop
//     does not fit the cache (LRU keeps what is reused within the cache's capacity);
//   - write-backs of the dirty lines that do not stay in the cache at the end.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/timing/cost.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"

namespace pietune::model {

// The buffers fast mode follows: a2..a7's (ids 0..5), then the words of their address tables (up
// to Traffic::kMaxBuffers in all; further words are not followed).
struct BufferSet {
  std::vector<std::optional<BufferPlacement>> placement;
  std::vector<std::vector<int>> tables;  // per argument: buffer id of each table word (-1: none)

  explicit BufferSet(const FastOptions& options);
  bool cached(std::size_t b) const { return placement[b] && placement[b]->region != MemRegion::kSram; }
};

// Displacements one loop iteration touched in one buffer.
struct Extent {
  double lo = 0, hi = 0;
  bool any = false, unknown = false;
  void add(double from, double to);
  void merge(const Extent& other);
  double bytes() const { return any ? hi - lo : 0; }
};
using Extents = std::vector<Extent>;

// Per buffer: bytes moved, and bytes re-touched that miss (accumulated like traffic, so skipped
// loop iterations multiply them). Fixed arrays: fast mode copies these at every loop.
struct Traffic {
  static constexpr std::size_t kMaxBuffers = 12;
  std::size_t count = 0;
  std::array<double, kMaxBuffers> loaded{}, stored{}, remissed{};  // entries [0, count) are used
  explicit Traffic(std::size_t buffers) : count(buffers) {}
  // this += (this - before) * times, field by field (the last iteration repeated `times` more times).
  void repeat_since(const Traffic& before, double times);
  // this - before, field by field.
  Traffic since(const Traffic& before) const;
};

// Re-touch misses of one execution of a loop with `trips` iterations: first and second iterations'
// extents and the second iteration's traffic. Adds to traffic.remissed.
void add_retouch_misses(const Machine& m, const BufferSet& buffers, const Extents& first, const Extents& second,
                        const Traffic& steady, std::int64_t trips, Traffic& traffic);

// Adds the cache term (fills and write-backs) for the whole run to `cost`. A warm buffer
// (BufferPlacement::warm) has the lines of its footprint the cache can hold resident at entry, so
// only the rest pays its compulsory fill; a cold one fills every line once.
void add_memory_term(const Machine& m, const BufferSet& buffers, const Traffic& traffic, const Extents& footprint,
                     Cost& cost);

}  // namespace pietune::model
