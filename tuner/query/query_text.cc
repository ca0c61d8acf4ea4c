// QueryService::query_text: queries given as text, memoised by their exact bytes (see the header).
#include <utility>

#include <fmt/format.h>

#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {

std::string dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

TextAnswer QueryService::query_text(std::string_view layer_json, std::string_view variant) {
  if (variant.empty()) variant = "best";
  // Length-prefixed, so no variant text and layer text can run into each other.
  std::string key = fmt::format("{}:{}", variant.size(), variant);
  key.append(layer_json);
  if (const TextAnswer* known = text_answers_.find(key)) {
    ++queries_;
    ++memo_hits_;
    return *known;
  }
  const kernels::Layer layer = layer_request_from_text(layer_json, "layer");
  const VariantRequest request = variant_request_from_text(variant, "variant");
  Answer answer = query(layer, request);
  TextAnswer first{answer.status, answer.cycles, answer.message, dump(answer.json)};
  if (answer.status == AnswerStatus::kOk) {  // what a repeat will say: answered from the memo
    answer.json["source"] = "memo";
    answer.json["estimates"] = {{"computed", 0}, {"reused", 0}};
  }
  TextAnswer repeat{answer.status, answer.cycles, answer.message, dump(answer.json)};
  const std::size_t bytes = key.size() + repeat.json.size() + repeat.message.size();
  text_answers_.put(std::move(key), std::move(repeat), bytes);
  return first;
}

}  // namespace pietune::tuner
