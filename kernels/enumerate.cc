// Candidate variants per family and their legality.
#include "kernels/enumerate.h"

#include "model/support/error.h"

namespace pietune::kernels {

std::vector<Variant> candidate_variants(const FamilySpec& family, const Layer& layer) {
  std::vector<std::vector<ParamValue>> values;
  if (family.candidates) {
    values = family.candidates(layer);
  } else {
    for (const ParamSpec& ps : family.params) values.emplace_back(ps.domain.begin(), ps.domain.end());
  }
  PIETUNE_CHECK(values.size() == family.params.size()) << family.name;
  std::vector<Variant> out;
  for (const auto& v : values)
    if (v.empty()) return out;
  std::vector<std::size_t> index(values.size(), 0);
  while (true) {
    Variant v;
    v.family = std::string(family.name);
    for (std::size_t i = 0; i < values.size(); ++i) v.params.push_back({family.params[i].name, values[i][index[i]]});
    out.push_back(std::move(v));
    std::size_t i = values.size();
    while (i > 0) {
      --i;
      if (++index[i] < values[i].size()) break;
      index[i] = 0;
      if (i == 0) return out;
    }
    if (values.empty()) return out;
  }
}

Enumeration enumerate_variants(const Layer& layer) {
  Enumeration e;
  for (const FamilySpec& family : all_families()) {
    if (family.op != layer.op) continue;
    for (Variant& v : candidate_variants(family, layer)) {
      if (std::optional<Rejection> r = check_legal(family, layer, v)) {
        PIETUNE_CHECK(!r->rule.empty() && !r->reason.empty()) << v.name() << ": rejection without a reason";
        e.rejected.push_back({std::move(v), std::move(*r)});
      } else {
        e.legal.push_back(std::move(v));
      }
    }
  }
  return e;
}

}  // namespace pietune::kernels
