// Cost queries: best and named variants, memoised per layer identity (see the header).
#include "tuner/query/query_service.h"

#include <memory>
#include <utility>

#include <fmt/format.h>

#include "kernels/registry.h"
#include "tuner/query/answer_json.h"

namespace pietune::tuner {
namespace {

std::string memo_key(std::uint64_t identity, const std::string& request) {
  return fmt::format("{:016x}/{}", identity, request);
}

Answer illegal_answer(nlohmann::ordered_json json, std::string message) {
  json["legal"] = false;
  return {.status = AnswerStatus::kIllegal, .cycles = 0, .message = std::move(message), .json = std::move(json)};
}

}  // namespace

bool op_covered(const kernels::Layer& layer) {
  for (const kernels::FamilySpec& f : kernels::all_families())
    if (f.op == layer.op) return true;
  return false;
}

std::string not_covered_message(const kernels::Layer& layer) {
  return fmt::format("layer {}: {}: no kernel family covers this op; pietune does not estimate it", layer.index,
                     layer.op_name);
}

QueryService::QueryService(std::optional<costdb::Database> db, model::Machine machine, QueryServiceOptions options,
                           QueryMemoLimits limits)
    : db_(std::move(db)),
      machine_(std::move(machine)),
      options_(options),
      cache_(std::make_unique<EstimateCache>(db_ ? &*db_ : nullptr, machine_, options.placement)),
      limits_(limits) {}

QueryStats QueryService::stats() const {
  return {.queries = queries_, .memo_hits = memo_hits_, .computed = computed_total(), .reused = reused_total()};
}

nlohmann::ordered_json QueryService::header(const kernels::Layer& layer) const {
  return layer_header_json(layer, machine_, options_.placement);
}

void QueryService::commit_estimates() {
  if (!db_ || db_->read_only()) return;
  try {
    cache_->flush();
    store_error_.clear();
  } catch (const costdb::Error& e) {
    store_error_ = e.what();  // kept queued: a later commit retries them
  }
}

void QueryService::mark_stored(nlohmann::ordered_json& json) const {
  if (!db_) return;
  if (db_->read_only()) {
    json["stored"] = false;
    json["store_error"] = db_->path() + ": opened read-only";
  } else if (cache_->unstored() > 0) {
    json["stored"] = false;
    json["store_error"] = store_error_;
  } else {
    json["stored"] = true;
  }
}

const LayerTuning& QueryService::tuning(const kernels::Layer& layer, std::uint64_t identity) {
  if (const LayerTuning* known = tunings_.find(identity)) return *known;
  bound_estimate_memory(layer);
  LayerTuningOptions options;
  options.search.budget = options_.budget;
  options.search.seed = options_.seed;
  options.sram_limit_bytes = options_.sram_limit_bytes;
  LayerTuning t = tune_layer(layer, options, *cache_);
  commit_estimates();
  return tunings_.put(identity, std::move(t));
}

Answer QueryService::not_covered(const kernels::Layer& layer) const {
  nlohmann::ordered_json json = header(layer);
  json["covered"] = false;
  const std::string message = not_covered_message(layer);
  json["reason"] = message;
  return {.status = AnswerStatus::kNotCovered, .cycles = 0, .message = message, .json = std::move(json)};
}

Answer QueryService::query(const kernels::Layer& layer, const VariantRequest& request) {
  ++queries_;
  if (!op_covered(layer)) return not_covered(layer);
  const std::uint64_t identity = layer.full_identity();
  const std::string key = memo_key(identity, request.key());
  if (const Answer* known = answers_.find(key)) {
    ++memo_hits_;
    Answer answer = *known;
    answer.json["layer"] = layer.index;
    answer.json["source"] = "memo";
    answer.json["estimates"] = {{"computed", 0}, {"reused", 0}};
    mark_stored(answer.json);
    return answer;
  }
  const std::int64_t computed = computed_total(), reused = reused_total();
  Answer answer = request.best() ? answer_best(layer, identity) : answer_variant(layer, *request.variant);
  if (answer.status != AnswerStatus::kOk) return answer;  // cheap to redo; messages carry the index
  const std::int64_t now_computed = computed_total() - computed;
  answer.json["source"] = now_computed > 0 ? "computed" : "reused";
  answer.json["estimates"] = {{"computed", now_computed}, {"reused", reused_total() - reused}};
  answers_.put(key, answer);
  mark_stored(answer.json);
  return answer;
}

void QueryService::bound_estimate_memory(const kernels::Layer& layer) {
  if (!estimate_layers_.insert(signature_hex(layer)).second || estimate_layers_.size() <= limits_.estimate_layers) return;
  commit_estimates();
  if (cache_->unstored() > 0) return;  // the database refuses writes: keep what it has not taken
  retired_computed_ += cache_->computed();
  retired_reused_ += cache_->reused();
  cache_ = std::make_unique<EstimateCache>(db_ ? &*db_ : nullptr, machine_, options_.placement);
  estimate_layers_ = {signature_hex(layer)};
}

Answer QueryService::answer_best(const kernels::Layer& layer, std::uint64_t identity) {
  const LayerTuning& t = tuning(layer, identity);
  nlohmann::ordered_json json = header(layer);
  json["request"] = "best";
  const VariantEstimate* chosen = t.chosen();
  if (chosen == nullptr) {
    nlohmann::ordered_json families = nlohmann::ordered_json::array();
    for (const IllegalFamily& f : t.illegal_families)
      families.push_back({{"family", f.family}, {"rule", f.rule}, {"reason", f.reason}});
    json["families"] = std::move(families);
    return illegal_answer(std::move(json), no_legal_variant_message(layer, t));
  }
  json["legal"] = true;
  add_estimate_json(json, layer, *chosen);
  if (t.baseline) {
    json["baseline"] = {{"variant", t.baseline->variant.name()},
                        {"cycles", t.baseline->cost.cycles},
                        {"speedup", chosen->cost.cycles > 0 ? t.baseline->cost.cycles / chosen->cost.cycles : 0.0}};
  } else {
    json["baseline"] = nullptr;
  }
  json["search"] = {{"strategy", t.strategy},
                    {"legal", t.legal_count},
                    {"estimated", estimated_count(t)}};
  return {.status = AnswerStatus::kOk, .cycles = chosen->cost.cycles, .message = "", .json = std::move(json)};
}

Answer QueryService::answer_variant(const kernels::Layer& layer, const kernels::Variant& variant) {
  nlohmann::ordered_json json = header(layer);
  json["request"] = variant.name();
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  const auto illegal = [&](const std::string& rule, const std::string& reason) {
    json["variant"] = kernels::variant_to_json(variant);
    json["rule"] = rule;
    json["reason"] = reason;
    return illegal_answer(std::move(json), fmt::format("layer {}: {}: not legal for this layer: {}: {}", layer.index,
                                                       variant.name(), rule, reason));
  };
  if (family->op != layer.op)
    return illegal("family_op", fmt::format("family {} implements {}, the layer is {}", family->name,
                                            kernels::to_string(family->op), layer.op_name));
  if (std::optional<kernels::Rejection> r = kernels::check_legal(*family, layer, variant)) return illegal(r->rule, r->reason);
  bound_estimate_memory(layer);
  const VariantEstimate estimate = cache_->get(layer, variant);
  commit_estimates();
  if (estimate.scratch_bytes > options_.sram_limit_bytes)
    return illegal("sram_limit", fmt::format("scratch {} bytes exceeds --sram-limit {} bytes", estimate.scratch_bytes,
                                             options_.sram_limit_bytes));
  json["legal"] = true;
  add_estimate_json(json, layer, estimate);
  return {.status = AnswerStatus::kOk, .cycles = estimate.cost.cycles, .message = "", .json = std::move(json)};
}

}  // namespace pietune::tuner
