// Variant names, the name parser and the JSON form: every name of every family's domain round
// trips; errors name the problem.
#include "kernels/variant.h"

#include <set>

#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

std::vector<Variant> whole_domain(const FamilySpec& family) {
  std::vector<Variant> out;
  std::vector<std::size_t> index(family.params.size(), 0);
  while (true) {
    Variant v;
    v.family = std::string(family.name);
    for (std::size_t i = 0; i < index.size(); ++i) v.params.push_back({family.params[i].name, family.params[i].domain[index[i]]});
    out.push_back(v);
    std::size_t i = 0;
    for (; i < index.size(); ++i) {
      if (++index[i] < family.params[i].domain.size()) break;
      index[i] = 0;
    }
    if (i == index.size()) return out;
  }
}

TEST(Variant, NameIsBuiltFromTheParameters) {
  const Variant v{"conv_accx",
                  {{"pixels", number_value(1)},
                   {"channels", number_value(1)},
                   {"unroll", number_value(2)},
                   {"inputpath", word_value("unaligned")},
                   {"epilogue", word_value("rqscalar")}}};
  EXPECT_EQ(v.name(), "conv_qs8_accx_1p1c_u2__pie_unaligned_rqscalar");
  EXPECT_EQ(v.symbol(), "pietune_conv_qs8_accx_1p1c_u2__pie_unaligned_rqscalar");
  // A layout parameter is a word between the input path and the epilogue.
  const Variant hwio{"conv_qacc",
                     {{"pixels", number_value(1)},
                      {"channels", number_value(16)},
                      {"unroll", number_value(1)},
                      {"inputpath", word_value("bcast")},
                      {"weights", word_value("hwio")},
                      {"epilogue", word_value("srcmb")}}};
  EXPECT_EQ(hwio.name(), "conv_qs8_qacc_1p16c_u1__pie_bcast_hwio_srcmb");
}

TEST(Variant, EveryNameOfEveryFamilyRoundTrips) {
  std::set<std::string> names;
  for (const FamilySpec& family : all_families()) {
    for (const Variant& v : whole_domain(family)) {
      const std::string name = v.name();
      EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
      EXPECT_TRUE(name.starts_with(family.prefix)) << name;
      const std::optional<Variant> parsed = parse_variant_name(name);
      ASSERT_TRUE(parsed) << name;
      EXPECT_EQ(*parsed, v) << name;
      EXPECT_EQ(variant_from_json(variant_to_json(v), "v.json"), v) << name;
      EXPECT_EQ(variant_from_json(nlohmann::json(name), "v.json"), v) << name;
    }
  }
}

TEST(Variant, RegistryRowsAreWellFormed) {
  std::set<std::string_view> names;
  for (const FamilySpec& family : all_families()) {
    EXPECT_TRUE(names.insert(family.name).second) << family.name;
    EXPECT_NE(family.legal, nullptr);
    EXPECT_NE(family.generate, nullptr);
    int roles[5] = {0, 0, 0, 0, 0};  // tile, unroll, input path, epilogue, layout
    for (const ParamSpec& p : family.params) {
      ++roles[static_cast<int>(p.role)];
      EXPECT_FALSE(p.domain.empty()) << family.name << "." << p.name;
      EXPECT_FALSE(p.meaning.empty()) << family.name << "." << p.name;
    }
    EXPECT_GE(roles[0], 1) << family.name;
    for (int r = 1; r < 4; ++r) EXPECT_EQ(roles[r], 1) << family.name;  // layouts are optional
    EXPECT_EQ(find_family(family.name), &family);
  }
  EXPECT_EQ(find_family("nope"), nullptr);
}

TEST(Variant, UnknownNamesDoNotParse) {
  EXPECT_FALSE(parse_variant_name("conv_qs8_accx_1p1c_u3__pie_aligned_rqscalar"));
  EXPECT_FALSE(parse_variant_name("conv_qs8_accx"));
  EXPECT_FALSE(parse_variant_name(""));
}

void expect_json_error(const std::string& text, const std::string& message) {
  try {
    variant_from_json(nlohmann::json::parse(text), "v.json");
    ADD_FAILURE() << "no error for " << text;
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Variant, JsonErrorsNameTheProblem) {
  expect_json_error(R"({"family": "conv_nope", "params": {}})",
                    "v.json: family: unknown family 'conv_nope' (families: " + [] {
                      std::string s;
                      for (const FamilySpec& f : all_families()) s += (s.empty() ? "" : ", ") + std::string(f.name);
                      return s;
                    }() + ")");
  expect_json_error(R"({"family": "conv_accx", "params": {"pixels": 1}})", "v.json: params.channels: missing");
  expect_json_error(
      R"({"family": "conv_accx", "params": {"pixels": 1, "channels": 1, "unroll": 3, "inputpath": "aligned", "epilogue": "rqscalar"}})",
      "v.json: params.unroll: 3 is not one of 1, 2, 4");
  expect_json_error(R"({"family": "conv_accx", "params": {"pixel": 1}})",
                    "v.json: params.pixel: unknown parameter of conv_accx");
  expect_json_error(R"({"family": "conv_accx", "colour": 1})", "v.json: unknown key: colour");
  expect_json_error(R"("conv_qs8_accx_1p1c_u9__pie_aligned_rqscalar")",
                    "v.json: unknown variant name: conv_qs8_accx_1p1c_u9__pie_aligned_rqscalar");
  expect_json_error(
      R"({"family": "conv_accx", "params": {"pixels": 1, "channels": 1, "unroll": 1, "inputpath": "aligned", "epilogue": "rqscalar"}, "name": "x"})",
      "v.json: name: 'x' does not match the parameters ('conv_qs8_accx_1p1c_u1__pie_aligned_rqscalar')");
  expect_json_error("[1]", "v.json: expected a variant object or name");
}

}  // namespace
}  // namespace pietune::kernels
