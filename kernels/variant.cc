// Variant names (built from the parameters), their parser, and the JSON form.
#include "kernels/variant.h"

#include <fmt/format.h>

#include "kernels/registry.h"
#include "model/support/error.h"

namespace pietune::kernels {

const ParamValue* Variant::find_param(std::string_view name) const {
  for (const Param& p : params)
    if (p.name == name) return &p.value;
  return nullptr;
}

const ParamValue& Variant::param(std::string_view name) const {
  const ParamValue* value = find_param(name);
  PIETUNE_CHECK(value) << "variant of " << family << " has no parameter " << name;
  return *value;
}

std::string to_string(const ParamValue& value) {
  return value.is_word() ? std::string(value.word) : std::to_string(value.number);
}

std::string Variant::name() const {
  const FamilySpec* spec = find_family(family);
  PIETUNE_CHECK(spec) << "unknown family " << family;
  std::string tiles;
  std::string unroll, path, epilogue, layouts;
  for (const ParamSpec& ps : spec->params) {
    const ParamValue& v = param(ps.name);
    switch (ps.role) {
      case ParamRole::kTile: tiles += to_string(v) + std::string(ps.suffix); break;
      case ParamRole::kUnroll: unroll = to_string(v); break;
      case ParamRole::kInputPath: path = to_string(v); break;
      case ParamRole::kEpilogue: epilogue = to_string(v); break;
      case ParamRole::kLayout: layouts += "_" + to_string(v); break;
    }
  }
  PIETUNE_CHECK(!tiles.empty() && !unroll.empty() && !path.empty() && !epilogue.empty()) << family;
  return fmt::format("{}_{}_u{}__pie_{}{}_{}", spec->prefix, tiles, unroll, path, layouts, epilogue);
}

std::string Variant::symbol() const { return "pietune_" + name(); }

bool Variant::operator==(const Variant& other) const {
  if (family != other.family || params.size() != other.params.size()) return false;
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name != other.params[i].name || !(params[i].value == other.params[i].value)) return false;
  return true;
}

namespace {

// Calls fn(variant) for every combination of the family's domain values; stops when fn returns true.
template <typename Fn>
bool for_each_in_domain(const FamilySpec& spec, Fn&& fn) {
  Variant v;
  v.family = std::string(spec.name);
  for (const ParamSpec& ps : spec.params) v.params.push_back({ps.name, ps.domain.front()});
  std::vector<std::size_t> index(spec.params.size(), 0);
  while (true) {
    for (std::size_t i = 0; i < index.size(); ++i) v.params[i].value = spec.params[i].domain[index[i]];
    if (fn(v)) return true;
    std::size_t i = 0;
    for (; i < index.size(); ++i) {
      if (++index[i] < spec.params[i].domain.size()) break;
      index[i] = 0;
    }
    if (i == index.size()) return false;
  }
}

}  // namespace

std::optional<Variant> parse_variant_name(std::string_view name) {
  for (const FamilySpec& spec : all_families()) {
    if (!name.starts_with(spec.prefix)) continue;
    std::optional<Variant> found;
    for_each_in_domain(spec, [&](const Variant& v) {
      if (v.name() != name) return false;
      found = v;
      return true;
    });
    if (found) return found;
  }
  return std::nullopt;
}

nlohmann::json variant_to_json(const Variant& variant) {
  nlohmann::json params = nlohmann::json::object();
  for (const Param& p : variant.params) {
    if (p.value.is_word())
      params[std::string(p.name)] = std::string(p.value.word);
    else
      params[std::string(p.name)] = p.value.number;
  }
  return nlohmann::json{{"family", variant.family}, {"params", params}, {"name", variant.name()}};
}

Variant variant_from_json(const nlohmann::json& json, std::string_view where) {
  if (json.is_string()) {
    const std::string text = json.get<std::string>();
    std::optional<Variant> v = parse_variant_name(text);
    if (!v) throw InputError(fmt::format("{}: unknown variant name: {}", where, text));
    return *v;
  }
  if (!json.is_object()) throw InputError(fmt::format("{}: expected a variant object or name", where));
  for (const auto& [key, value] : json.items())
    if (key != "family" && key != "params" && key != "name")
      throw InputError(fmt::format("{}: unknown key: {}", where, key));
  if (!json.contains("family") || !json["family"].is_string())
    throw InputError(fmt::format("{}: family: missing or not a string", where));
  const std::string family = json["family"].get<std::string>();
  const FamilySpec* spec = find_family(family);
  if (!spec) {
    std::string known;
    for (const FamilySpec& f : all_families()) known += (known.empty() ? "" : ", ") + std::string(f.name);
    throw InputError(fmt::format("{}: family: unknown family '{}' (families: {})", where, family, known));
  }
  const nlohmann::json params = json.value("params", nlohmann::json::object());
  if (!params.is_object()) throw InputError(fmt::format("{}: params: expected an object", where));
  for (const auto& [key, value] : params.items()) {
    bool known = false;
    for (const ParamSpec& ps : spec->params) known = known || ps.name == key;
    if (!known) throw InputError(fmt::format("{}: params.{}: unknown parameter of {}", where, key, family));
  }
  Variant v;
  v.family = family;
  for (const ParamSpec& ps : spec->params) {
    const std::string key(ps.name);
    if (!params.contains(key)) throw InputError(fmt::format("{}: params.{}: missing", where, key));
    const nlohmann::json& value = params[key];
    std::optional<ParamValue> chosen;
    std::string allowed;
    for (const ParamValue& d : ps.domain) {
      allowed += (allowed.empty() ? "" : ", ") + to_string(d);
      if (d.is_word() ? (value.is_string() && value.get<std::string>() == d.word)
                      : (value.is_number_integer() && value.get<std::int64_t>() == d.number))
        chosen = d;
    }
    if (!chosen)
      throw InputError(fmt::format("{}: params.{}: {} is not one of {}", where, key, value.dump(), allowed));
    v.params.push_back({ps.name, *chosen});
  }
  if (json.contains("name")) {
    if (!json["name"].is_string()) throw InputError(fmt::format("{}: name: expected a string", where));
    const std::string given = json["name"].get<std::string>();
    if (given != v.name())
      throw InputError(fmt::format("{}: name: '{}' does not match the parameters ('{}')", where, given, v.name()));
  }
  return v;
}

}  // namespace pietune::kernels
