// Reading the layer and variant of a cost query (see the header).
#include "tuner/query/query_request.h"

#include <fmt/format.h>

#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "model/support/json_input.h"

namespace pietune::tuner {

std::string VariantRequest::key() const { return variant ? variant->name() : "best"; }

VariantRequest variant_request_from_json(const nlohmann::ordered_json& json, std::string_view where) {
  if (json.is_string() && json.get_ref<const std::string&>() == "best") return {};
  if (!json.is_string() && !json.is_object())
    throw InputError(fmt::format("{}: expected \"best\", a variant name or a variant object, got {}", where,
                                 json.type_name()));
  return {kernels::variant_from_json(nlohmann::json(json), where)};
}

VariantRequest variant_request_from_text(std::string_view text, std::string_view where) {
  if (text.empty() || text == "best") return {};
  if (text.front() != '{') return {kernels::variant_from_json(nlohmann::json(std::string(text)), where)};
  return variant_request_from_json(parse_ordered_json_input(text, where), where);
}

kernels::Layer layer_request_from_json(const nlohmann::ordered_json& json, std::string_view where) {
  if (!json.is_object()) throw InputError(fmt::format("{}: expected a layer object, got {}", where, json.type_name()));
  try {
    return kernels::layer_from_json(json, 0);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", where, e.what()));
  }
}

kernels::Layer layer_request_from_text(std::string_view text, std::string_view where) {
  return layer_request_from_json(parse_ordered_json_input(text, where), where);
}

}  // namespace pietune::tuner
