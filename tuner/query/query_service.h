// Answers cost queries for compilers: the predicted cycles of a variant (or of the best variant)
// on one layer, and explanations of the choice. One QueryService backs `pietune query`,
// `pietune serve` and the C API (tuner/capi/pietune.h), so the three give the same answers.
//
//   QueryService service(std::nullopt, model::default_machine(), {});
//   Answer a = service.query(layer, {});  // best; a.status, a.cycles, a.json
//
// Answers are memoised per (layer full identity, request): a repeated query of a layer already
// answered costs a hash and a lookup (compilers ask about the same layer shapes again and again).
// With a database, estimates stored by earlier runs for the same machine, placement and generator
// versions are read instead of computed, and new ones are committed before the answer returns.
//
// A layer whose op no variant family implements is outside the timing model: the answer says so
// (kNotCovered) instead of guessing. One QueryService is used from one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "costdb/costdb.h"
#include "kernels/layer.h"
#include "model/timing/machine.h"
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
  QueryService(std::optional<costdb::Database> db, model::Machine machine, QueryServiceOptions options);
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
  void prefetch(const kernels::Layer& layer);
  nlohmann::ordered_json header(const kernels::Layer& layer) const;

  std::optional<costdb::Database> db_;
  model::Machine machine_;  // before cache_, which refers to it
  QueryServiceOptions options_;
  EstimateCache cache_;
  std::unordered_set<std::string> prefetched_;             // layer signatures read from the database
  std::unordered_map<std::uint64_t, LayerTuning> tunings_;  // by layer full identity
  std::unordered_map<std::string, Answer> answers_;        // by identity + '/' + request key
  std::unordered_map<std::string, TextAnswer> text_answers_;  // by variant text + layer text
  std::int64_t queries_ = 0, memo_hits_ = 0;
};

// "layer 3: RESHAPE: no kernel family covers this op; pietune does not estimate it".
std::string not_covered_message(const kernels::Layer& layer);
// True when some variant family implements the layer's op.
bool op_covered(const kernels::Layer& layer);

}  // namespace pietune::tuner
