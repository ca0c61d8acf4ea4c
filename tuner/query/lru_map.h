// A memo with a bound: at most `max_entries` entries whose costs (bytes, say) add up to at most
// `max_cost`; adding past either bound drops the least recently used entries. A long-running
// `pietune serve` sees an unbounded stream of distinct layers and must not keep them all.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace pietune::tuner {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruMap {
 public:
  explicit LruMap(std::size_t max_entries, std::size_t max_cost = static_cast<std::size_t>(-1))
      : max_entries_(max_entries), max_cost_(max_cost) {}

  // The value, now the most recently used; nullptr when absent.
  Value* find(const Key& key) {
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.position);
    return &it->second.value;
  }

  // Adds or replaces, then drops least recently used entries (never this one) while over a bound.
  // The reference stays valid until the next put or clear.
  Value& put(Key key, Value value, std::size_t cost = 1) {
    if (const auto old = entries_.find(key); old != entries_.end()) erase(old);
    const auto it = entries_.emplace(std::move(key), Entry{std::move(value), cost, {}}).first;
    order_.push_front(&it->first);  // keys live in the map's nodes, which never move
    it->second.position = order_.begin();
    total_cost_ += cost;
    while (order_.size() > 1 && (order_.size() > max_entries_ || total_cost_ > max_cost_))
      erase(entries_.find(*order_.back()));
    return it->second.value;
  }

  void clear() {
    entries_.clear();
    order_.clear();
    total_cost_ = 0;
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t cost() const { return total_cost_; }

 private:
  struct Entry {
    Value value;
    std::size_t cost = 0;
    typename std::list<const Key*>::iterator position;
  };
  using Entries = std::unordered_map<Key, Entry, Hash>;

  void erase(typename Entries::iterator it) {
    total_cost_ -= it->second.cost;
    order_.erase(it->second.position);
    entries_.erase(it);
  }

  std::size_t max_entries_;
  std::size_t max_cost_;
  std::size_t total_cost_ = 0;
  Entries entries_;
  std::list<const Key*> order_;  // most recently used first
};

}  // namespace pietune::tuner
