// QueryService::query_text: queries given as text, memoised by their exact bytes (see the header).
#include <utility>

#include <fmt/format.h>

#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {

// Each entry keeps a layer's text; fewer of them than of parsed answers.
constexpr std::size_t kTextMemoLimit = 1 << 12;

std::string dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

TextAnswer QueryService::query_text(std::string_view layer_json, std::string_view variant) {
  if (variant.empty()) variant = "best";
  // Length-prefixed, so no variant text and layer text can run into each other.
  std::string key = fmt::format("{}:{}", variant.size(), variant);
  key.append(layer_json);
  if (auto it = text_answers_.find(key); it != text_answers_.end()) {
    ++queries_;
    ++memo_hits_;
    return it->second;
  }
  const kernels::Layer layer = layer_request_from_text(layer_json, "layer");
  const VariantRequest request = variant_request_from_text(variant, "variant");
  Answer answer = query(layer, request);
  TextAnswer first{answer.status, answer.cycles, answer.message, dump(answer.json)};
  if (answer.status == AnswerStatus::kOk) {  // what a repeat will say: answered from the memo
    answer.json["source"] = "memo";
    answer.json["estimates"] = {{"computed", 0}, {"reused", 0}};
  }
  if (text_answers_.size() >= kTextMemoLimit) text_answers_.clear();
  text_answers_.emplace(std::move(key), TextAnswer{answer.status, answer.cycles, answer.message, dump(answer.json)});
  return first;
}

}  // namespace pietune::tuner
