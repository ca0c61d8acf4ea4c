// A kernel variant: one family plus an ordered set of named parameter values, its name, its JSON
// form, and Rejection, the value a legality rule returns when a variant does not fit a layer.
//
// Names are built from the parameters, never the reverse (STYLE §3):
//   <op>_qs8_<dataflow>_<tiles>_u<unroll>__pie_<inputpath>[_<layout>...]_<epilogue>
//   conv_qs8_accx_1p1c_u2__pie_unaligned_rqscalar
//   conv_qs8_qacc_1p16c_u1__pie_bcast_hwio_rqscalar   (a family with a weight-layout parameter)
// <op>_qs8_<dataflow> is the family's prefix (registry.h), <tiles> the tile parameters in order,
// each as <value><suffix> ("1p1c": one pixel, one output channel per dot product). The name is the
// costdb key, the assembly symbol (prefixed "pietune_") and the test name. parse_variant_name
// turns a name back into a Variant by searching the families' parameter domains, so every name
// the registry can produce parses back to the same Variant (tested round trip).
//
// JSON form: {"family": "conv_accx", "params": {"pixels": 1, "channels": 1, "unroll": 2,
//             "inputpath": "unaligned", "epilogue": "rqscalar"}, "name": "conv_qs8_..."}
// ("name" is written for readers and checked against the parameters when read back).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pietune::kernels {

// What a parameter contributes to the name.
enum class ParamRole : std::uint8_t {
  kTile,       // an integer printed as <value><suffix> in the <tiles> field, in declaration order
  kUnroll,     // the integer after "_u"
  kInputPath,  // the word after "__pie_"
  kEpilogue,   // the last word
  kLayout,     // a word between the input path and the epilogue (a data layout); optional
};

// A parameter value: an integer (tiles, unroll) or a word (input path, epilogue).
struct ParamValue {
  std::int64_t number = 0;
  std::string_view word;  // non-empty: a word value; points into a static domain table

  bool is_word() const { return !word.empty(); }
  bool operator==(const ParamValue& other) const { return number == other.number && word == other.word; }
};

constexpr ParamValue number_value(std::int64_t n) { return ParamValue{n, {}}; }
constexpr ParamValue word_value(std::string_view w) { return ParamValue{0, w}; }

// One parameter of a family: its name, role and every value it may take (its domain).
struct ParamSpec {
  std::string_view name;
  ParamRole role = ParamRole::kTile;
  std::string_view suffix;  // kTile only: "p", "c", ...
  std::span<const ParamValue> domain;
  std::string_view meaning;  // one line for `pietune variants --help` and the README
};

struct Param {
  std::string_view name;
  ParamValue value;
};

struct Variant {
  std::string family;         // FamilySpec::name, e.g. "conv_accx"
  std::vector<Param> params;  // in the family's declaration order

  // The value of parameter `name`; a bug if the variant has no such parameter.
  const ParamValue& param(std::string_view name) const;
  // The value of parameter `name`, or nullptr when the family has no such parameter.
  const ParamValue* find_param(std::string_view name) const;
  std::int64_t number(std::string_view name) const { return param(name).number; }
  std::string_view word(std::string_view name) const { return param(name).word; }

  // The name (see the file comment); a bug if the family is unknown or a role is missing.
  std::string name() const;
  // "pietune_" + name().
  std::string symbol() const;

  bool operator==(const Variant& other) const;
};

// Why a variant does not fit a layer: the rule that failed (a short identifier, stable for tests
// and reports) and the reason with the numbers, e.g.
//   {"direct_channels", "input channels 3 not a multiple of 16: needs channel padding, +13 bytes per pixel"}.
struct Rejection {
  std::string rule;
  std::string reason;
};

// Formats a parameter value: the word, or the decimal integer.
std::string to_string(const ParamValue& value);

nlohmann::json variant_to_json(const Variant& variant);
// Throws pietune::InputError "<where>: <what>: <value>": unknown family, unknown or missing
// parameter, a value outside the parameter's domain, a "name" that does not match the parameters.
Variant variant_from_json(const nlohmann::json& json, std::string_view where);

// The variant whose name() is `name`, or nullopt.
std::optional<Variant> parse_variant_name(std::string_view name);

}  // namespace pietune::kernels
