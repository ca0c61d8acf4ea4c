// What a cost query names: a layer (from its JSON form) and a variant request ("best", a variant
// name, or a variant JSON object). Shared by `pietune query`, `pietune serve` and the C API so the
// three read requests the same way and word their errors the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kernels/layer.h"
#include "kernels/variant.h"

namespace pietune::tuner {

struct VariantRequest {
  std::optional<kernels::Variant> variant;  // nullopt: the best variant (a search)

  bool best() const { return !variant.has_value(); }
  // "best" or the variant name (the memo key of the answer).
  std::string key() const;
};

// "best", a variant name, or a variant object; InputError "<where>: <what>".
VariantRequest variant_request_from_json(const nlohmann::ordered_json& json, std::string_view where);
// The same from text: "best" (or empty), a name, or a JSON object ("{...}").
VariantRequest variant_request_from_text(std::string_view text, std::string_view where);

// One layer object (the JSON layer format); InputError "<where>: <what>".
kernels::Layer layer_request_from_json(const nlohmann::ordered_json& json, std::string_view where);
// The same from text; invalid JSON is "<where>: invalid JSON: parse error at ..." (json_input.h).
kernels::Layer layer_request_from_text(std::string_view text, std::string_view where);

}  // namespace pietune::tuner
