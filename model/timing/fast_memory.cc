// Fast mode's cache term from access streams and loop-level reuse.
#include "model/timing/fast_memory.h"

#include <algorithm>
#include <cmath>

namespace pietune::model {

BufferSet::BufferSet(const FastOptions& options) : placement(options.args.begin(), options.args.end()), tables(6) {
  for (std::size_t k = 0; k < options.indirect.size(); ++k)
    for (const auto& word : options.indirect[k]) {
      const bool room = placement.size() < Traffic::kMaxBuffers;
      tables[k].push_back(word && room ? static_cast<int>(placement.size()) : -1);
      if (word && room) placement.push_back(word);
    }
}

void Extent::add(double from, double to) {
  lo = any ? std::min(lo, from) : from;
  hi = any ? std::max(hi, to) : to;
  any = true;
}

void Extent::merge(const Extent& other) {
  unknown = unknown || other.unknown;
  if (other.any) add(other.lo, other.hi);
}

void Traffic::repeat_since(const Traffic& before, double times) {
  for (std::size_t k = 0; k < count; ++k) {
    loaded[k] += (loaded[k] - before.loaded[k]) * times;
    stored[k] += (stored[k] - before.stored[k]) * times;
    remissed[k] += (remissed[k] - before.remissed[k]) * times;
  }
}

Traffic Traffic::since(const Traffic& before) const {
  Traffic d(count);
  for (std::size_t k = 0; k < count; ++k) {
    d.loaded[k] = loaded[k] - before.loaded[k];
    d.stored[k] = stored[k] - before.stored[k];
    d.remissed[k] = remissed[k] - before.remissed[k];
  }
  return d;
}

namespace {

// Distinct bytes of buffer b one iteration touches: its extent, at most the bytes it moved.
double iteration_bytes(const Extent& e, double moved, double size) {
  const double distinct = e.any && !e.unknown ? std::min(e.bytes(), moved) : moved;
  return std::min(distinct, size);
}

}  // namespace

void add_retouch_misses(const Machine& m, const BufferSet& buffers, const Extents& first, const Extents& second,
                        const Traffic& steady, std::int64_t trips, Traffic& traffic) {
  if (trips < 2) return;
  double working_set = 0;
  for (std::size_t b = 0; b < buffers.placement.size(); ++b)
    if (buffers.cached(b))
      working_set += iteration_bytes(second[b], steady.loaded[b] + steady.stored[b], buffers.placement[b]->size_bytes);
  if (working_set <= m.dcache_size_bytes) return;
  for (std::size_t b = 0; b < buffers.placement.size(); ++b) {
    if (!buffers.cached(b) || !first[b].any || !second[b].any || first[b].unknown || second[b].unknown) continue;
    const double f = iteration_bytes(second[b], steady.loaded[b] + steady.stored[b], buffers.placement[b]->size_bytes);
    const double overlap = f - std::fabs(second[b].lo - first[b].lo);
    if (overlap > 0) traffic.remissed[b] += overlap * static_cast<double>(trips - 1);
  }
}

void add_memory_term(const Machine& m, const BufferSet& buffers, const Traffic& traffic, const Extents& footprint,
                     Cost& cost) {
  const double line = m.dcache_line_bytes;
  std::vector<double> distinct(buffers.placement.size(), 0.0);
  double total = 0, warm_total = 0;
  for (std::size_t b = 0; b < buffers.placement.size(); ++b) {
    if (!buffers.cached(b)) continue;
    const double moved = traffic.loaded[b] + traffic.stored[b];
    distinct[b] = iteration_bytes(footprint[b], moved, buffers.placement[b]->size_bytes);
    total += distinct[b];
    if (buffers.placement[b]->warm) warm_total += distinct[b];
  }
  // Share of each warm buffer's footprint in the cache at entry: the previous call touched the
  // warm buffers only, and the cache keeps as much of them as it holds.
  const double warm_resident = warm_total > m.dcache_size_bytes ? m.dcache_size_bytes / warm_total : 1.0;
  // Share of each buffer's footprint still in the cache at the end (dirty lines there are not
  // written back): the cache holds the most recent bytes, spread over the buffers by footprint.
  const double resident = total > m.dcache_size_bytes ? m.dcache_size_bytes / total : 1.0;
  for (std::size_t b = 0; b < buffers.placement.size(); ++b) {
    if (!buffers.cached(b)) continue;
    const double cold_share = buffers.placement[b]->warm ? 1 - warm_resident : 1.0;
    const bool psram = buffers.placement[b]->region == MemRegion::kPsram;
    const double fill = psram ? m.psram_line_fill_cycles() : m.flash_line_fill_cycles();
    const double moved = traffic.loaded[b] + traffic.stored[b];
    const double misses =
        std::min(std::ceil(distinct[b] * cold_share / line) + std::ceil(traffic.remissed[b] / line), std::ceil(moved / line));
    double writebacks = 0;
    if (psram && traffic.stored[b] > 0) {
      const double dirty = std::min(distinct[b], traffic.stored[b]);
      writebacks = std::ceil(dirty * (1 - resident) / line);
    }
    const double cycles = misses * fill + writebacks * m.psram_writeback_cycles_per_byte * line;
    cost.cache_miss += cycles;
    cost.cycles += cycles;
    cost.cache_misses += static_cast<std::uint64_t>(misses);
  }
}

}  // namespace pietune::model
