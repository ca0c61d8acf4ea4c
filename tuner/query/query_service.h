// Answers cost queries for compilers: the predicted cycles of a variant (or of the best variant)
// on one layer, and explanations of the choice. One QueryService backs `pietune query`,
// `pietune serve` and the C API (tuner/capi/pietune.h), so the three give the same answers.
//
//   QueryService service(std::nullopt, model::default_machine(), {});
//   Answer a = service.query(layer, {});  // best; a.status, a.cycles, a.json
//
// Answers are memoised per (layer full identity, request): a repeated query of a layer already
// answered costs a hash and a lookup (compilers ask about the same layer shapes again and again).
// A long-running server sees an unbounded stream of layers, so every memo is bounded and drops its
// least recently used entries (lru_map.h): the searches of at most 256 layers, 4096 answers, 4096
// text answers holding at most 32 MiB of request text (QueryMemoLimits); the estimates in memory
// start over (after a commit) once 256 distinct layers have gone through them. What is dropped is
// recomputed, or read from the database.
// With a database, estimates stored by earlier runs for the same machine, placement and generator
// versions are read instead of computed, and new ones are committed before the answer returns;
// an answer says whether they were ("stored"), since a full or read-only database refuses them.
//
// A layer whose op no variant family implements is outside the timing model: the answer says so
// (kNotCovered) instead of guessing. One QueryService is used from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "costdb/costdb.h"
#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/query/lru_map.h"
#include "tuner/query/query_request.h"
#include "tuner/search/estimate_cache.h"
#include "tuner/search/placement.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner {

enum class AnswerStatus {
  kOk,          // cycles and breakdown
  kNotCovered,  // no variant family implements the op: no estimate
  kIllegal,     // the variant (or every variant of every family) does not fit the layer
};

struct Answer {
  AnswerStatus status = AnswerStatus::kOk;
  double cycles = 0;            // kOk only
  std::string message;          // kNotCovered / kIllegal: one line, "layer 3: RESHAPE: ..."
  nlohmann::ordered_json json;  // the answer body (README "Cost queries")
};

// An answer as text: what the C API and `pietune serve` hand on.
struct TextAnswer {
  AnswerStatus status = AnswerStatus::kOk;
  double cycles = 0;
  std::string message;
  std::string json;  // Answer::json as one line
};

// What a QueryService keeps in memory at most (README "Cost queries"); tests make it small.
struct QueryMemoLimits {
  std::size_t tuning_layers = 256;     // searches (~27 KB per layer)
  std::size_t answers = 4096;          // answers by layer identity and request
  std::size_t text_answers = 4096;     // answers by request text
  std::size_t text_bytes = 32u << 20;  // the request text those keep
  std::size_t estimate_layers = 256;   // distinct layers whose estimates stay in memory
};

struct QueryServiceOptions {
  Placement placement;
  std::uint32_t sram_limit_bytes = 256 * 1024;
  int budget = 256;
  std::uint64_t seed = 1;
};

struct QueryStats {
  std::int64_t queries = 0;
  std::int64_t memo_hits = 0;
  std::int64_t computed = 0;  // estimates computed in this process
  std::int64_t reused = 0;    // estimates read from the database or an earlier query
};

class QueryService {
 public:
  // `db`: nullopt stores nothing and reads nothing.
  QueryService(std::optional<costdb::Database> db, model::Machine machine, QueryServiceOptions options,
               QueryMemoLimits limits = {});
  QueryService(const QueryService&) = delete;
  QueryService& operator=(const QueryService&) = delete;

  // InputError for a layer the families cannot read (e.g. without quantization); costdb::Error
  // when the database fails.
  Answer query(const kernels::Layer& layer, const VariantRequest& request);
  // A query as text, as the C API and `pietune serve` receive it: the layer's JSON object and the
  // variant as "best", a name or a variant JSON object. Also memoised by the exact text, so asking
  // again with the same bytes skips JSON parsing, most of a cached query's cost. InputError for
  // malformed text ("layer: ...", "variant: ...").
  TextAnswer query_text(std::string_view layer_json, std::string_view variant);
  // Every family considered (legal or not, with the reason), the top `top` variants with their
  // breakdowns and why the winner wins.
  Answer explain(const kernels::Layer& layer, int top);

  QueryStats stats() const;
  const model::Machine& machine() const { return machine_; }
  const QueryServiceOptions& options() const { return options_; }

 private:
  const LayerTuning& tuning(const kernels::Layer& layer, std::uint64_t identity);
  Answer answer_best(const kernels::Layer& layer, std::uint64_t identity);
  Answer answer_variant(const kernels::Layer& layer, const kernels::Variant& variant);
  Answer not_covered(const kernels::Layer& layer) const;
  // Commits the estimates computed so far; a database refusing the write (full disk) is
  // remembered, not thrown: the answer is still right, it says it was not stored (mark_stored).
  void commit_estimates();
  // With a database: "stored": true when every estimate computed so far is committed, else false
  // with "store_error" (README "The answer").
  void mark_stored(nlohmann::ordered_json& json) const;
  nlohmann::ordered_json header(const kernels::Layer& layer) const;

  // Starts the estimate memory over when limits_.estimate_layers layers went through it (commits
  // first); called before the layer's estimates are looked up, while nothing refers into the cache.
  void bound_estimate_memory(const kernels::Layer& layer);
  std::int64_t computed_total() const { return retired_computed_ + cache_->computed(); }
  std::int64_t reused_total() const { return retired_reused_ + cache_->reused(); }

  std::optional<costdb::Database> db_;
  model::Machine machine_;  // before cache_, which refers to it
  QueryServiceOptions options_;
  std::unique_ptr<EstimateCache> cache_;
  std::string store_error_;  // the last commit's failure, "" once a commit succeeds
  std::unordered_set<std::string> estimate_layers_;  // layer signatures in the current cache_
  std::int64_t retired_computed_ = 0, retired_reused_ = 0;  // counts of the caches started over
  QueryMemoLimits limits_;
  LruMap<std::uint64_t, LayerTuning> tunings_{limits_.tuning_layers};  // by layer full identity
  LruMap<std::string, Answer> answers_{limits_.answers};               // by identity + '/' + request key
  LruMap<std::string, TextAnswer> text_answers_{limits_.text_answers, limits_.text_bytes};  // by variant + layer text
  std::int64_t queries_ = 0, memo_hits_ = 0;
};

// "layer 3: RESHAPE: no kernel family covers this op; pietune does not estimate it".
std::string not_covered_message(const kernels::Layer& layer);
// True when some variant family implements the layer's op.
bool op_covered(const kernels::Layer& layer);

}  // namespace pietune::tuner
