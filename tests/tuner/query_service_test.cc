// QueryService: answers equal tune_layer's ranking, named variants equal their ranked estimates,
// memo hits, explain, ops outside the model, illegal variants, estimates read back from costdb,
// and the serve line protocol on top of it.
#include "tuner/query/query_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

#include "kernels/enumerate.h"
#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "tuner/query/line_protocol.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner {
namespace {

using ::testing::HasSubstr;

kernels::Layer layer_from(const std::string& text, int index = 0) {
  kernels::Layer layer = kernels::layer_from_json(nlohmann::ordered_json::parse(text), 0);
  layer.index = index;
  return layer;
}

// CONV_2D with 3 input channels: several families, some variants illegal.
const std::string kConv = R"({"op": "CONV_2D",
  "inputs":  [{"shape": [1, 5, 5, 3], "quantization": {"scales": [0.02], "zero_points": [-128]}}],
  "weights": {"shape": [4, 3, 3, 3], "constant": true,
              "quantization": {"scales": [0.01, 0.02, 0.015, 0.03], "quantized_dimension": 0}},
  "bias":    {"shape": [4], "type": "int32", "constant": true},
  "outputs": [{"shape": [1, 3, 3, 4], "quantization": {"scales": [0.05], "zero_points": [3]}}],
  "options": {"stride": [2, 2], "padding": "SAME", "activation": {"kind": "RELU6"}}})";

const std::string kReshape =
    R"({"op": "RESHAPE", "inputs": [{"shape": [1, 1, 1, 2]}], "outputs": [{"shape": [1, 2]}]})";

LayerTuning reference_tuning(const kernels::Layer& layer) {
  EstimateCache cache(nullptr, model::default_machine(), Placement{});
  LayerTuningOptions options;
  options.search.budget = 256;
  options.search.seed = 1;
  options.sram_limit_bytes = 256 * 1024;
  return tune_layer(layer, options, cache);
}

class QueryServiceTest : public ::testing::Test {
 protected:
  QueryService service_{std::nullopt, model::default_machine(), QueryServiceOptions{}};
};

TEST_F(QueryServiceTest, BestIsTuneLayersWinnerWithItsBaseline) {
  const kernels::Layer layer = layer_from(kConv);
  const LayerTuning t = reference_tuning(layer);
  ASSERT_NE(t.chosen(), nullptr);
  const Answer a = service_.query(layer, {});
  ASSERT_EQ(a.status, AnswerStatus::kOk) << a.message;
  EXPECT_EQ(a.cycles, t.chosen()->cost.cycles);
  EXPECT_EQ(a.json["variant"]["name"], t.chosen()->variant.name());
  EXPECT_EQ(a.json["cycles"], t.chosen()->cost.cycles);
  ASSERT_TRUE(t.baseline);
  EXPECT_EQ(a.json["baseline"]["variant"], t.baseline->variant.name());
  EXPECT_EQ(a.json["baseline"]["cycles"], t.baseline->cost.cycles);
  EXPECT_EQ(a.json["search"]["legal"], t.legal_count);
  EXPECT_EQ(a.json["source"], "computed");
}

TEST_F(QueryServiceTest, NamedVariantsGiveTheirRankedEstimates) {
  const kernels::Layer layer = layer_from(kConv);
  const LayerTuning t = reference_tuning(layer);
  for (const VariantEstimate& e : t.ranked) {
    const Answer a = service_.query(layer, {e.variant});
    ASSERT_EQ(a.status, AnswerStatus::kOk) << e.variant.name() << ": " << a.message;
    EXPECT_EQ(a.cycles, e.cost.cycles) << e.variant.name();
    EXPECT_EQ(a.json["request"], e.variant.name());
  }
}

TEST_F(QueryServiceTest, ARepeatedQueryIsAMemoHitAtAnyLayerIndex) {
  const Answer first = service_.query(layer_from(kConv, 4), {});
  const std::int64_t computed = service_.stats().computed;
  const Answer again = service_.query(layer_from(kConv, 9), {});
  EXPECT_EQ(service_.stats().memo_hits, 1);
  EXPECT_EQ(service_.stats().computed, computed);
  EXPECT_EQ(again.json["source"], "memo");
  EXPECT_EQ(again.json["layer"], 9);
  EXPECT_EQ(again.cycles, first.cycles);
  EXPECT_EQ(again.json["variant"], first.json["variant"]);
}

TEST_F(QueryServiceTest, OtherQuantizationIsAnotherLayerAndReusesOnlyTheSamePrograms) {
  const kernels::Layer layer = layer_from(kConv);
  service_.query(layer, {});
  std::string text = kConv;
  text.replace(text.find("0.05"), 4, "0.07");  // output scale: same timing signature, other identity
  const kernels::Layer other = layer_from(text);
  ASSERT_EQ(layer.timing_signature(), other.timing_signature());
  // Estimates are keyed by the generated program: variants whose code depends on the output scale
  // (a requantization shift in the code) are estimated again, the others are reused. A baseline
  // variant is also estimated as esp-nn runs it (code in flash).
  int changed = 0, same = 0;
  const auto count = [&](const kernels::Variant& v, const Placement& p) {
    (estimate_input(layer, v, p).key == estimate_input(other, v, p).key ? same : changed)++;
  };
  for (const kernels::Variant& v : kernels::enumerate_variants(layer).legal) {
    count(v, Placement{});
    if (is_baseline(v)) count(v, as_espnn_runs_it(Placement{}));
  }
  ASSERT_GT(same, 0);
  const std::int64_t computed = service_.stats().computed;
  const Answer a = service_.query(other, {});
  EXPECT_EQ(service_.stats().memo_hits, 0);
  EXPECT_EQ(service_.stats().computed - computed, changed);
  EXPECT_EQ(a.json["source"], changed > 0 ? "computed" : "reused");
}

TEST_F(QueryServiceTest, ExplainListsEveryFamilyTheTopVariantsAndWhy) {
  const kernels::Layer layer = layer_from(kConv);
  const LayerTuning t = reference_tuning(layer);
  const Answer a = service_.explain(layer, 3);
  ASSERT_EQ(a.status, AnswerStatus::kOk) << a.message;
  ASSERT_EQ(a.json["top"].size(), std::min<std::size_t>(3, t.ranked.size()));
  for (std::size_t i = 0; i < a.json["top"].size(); ++i) {
    EXPECT_EQ(a.json["top"][i]["variant"]["name"], t.ranked[i].variant.name());
    EXPECT_EQ(a.json["top"][i]["cycles"], t.ranked[i].cost.cycles);
  }
  std::size_t families = 0;
  for (const kernels::FamilySpec& f : kernels::all_families()) families += f.op == layer.op;
  EXPECT_EQ(a.json["families"].size(), families);
  for (const auto& f : a.json["families"]) {
    if (f["legal"] == false) {
      EXPECT_FALSE(f["rule"].get<std::string>().empty());
      EXPECT_FALSE(f["reason"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(a.json["winner"], t.chosen()->variant.name());
  EXPECT_THAT(a.json["why"].get<std::string>(), HasSubstr(t.chosen()->variant.name() + " is the fastest"));
  EXPECT_THROW(service_.explain(layer, 0), InputError);
}

TEST_F(QueryServiceTest, AnOpWithoutAFamilyIsNotCovered) {
  const Answer a = service_.query(layer_from(kReshape, 29), {});
  EXPECT_EQ(a.status, AnswerStatus::kNotCovered);
  EXPECT_EQ(a.message, "layer 29: RESHAPE: no kernel family covers this op; pietune does not estimate it");
  EXPECT_EQ(a.json["covered"], false);
  EXPECT_FALSE(a.json.contains("cycles"));
  EXPECT_EQ(service_.explain(layer_from(kReshape), 3).status, AnswerStatus::kNotCovered);
}

TEST_F(QueryServiceTest, AnIllegalVariantGivesItsRuleAndReason) {
  const kernels::Layer layer = layer_from(kConv);
  const kernels::Enumeration e = kernels::enumerate_variants(layer);
  ASSERT_FALSE(e.rejected.empty());
  const kernels::RejectedVariant& r = e.rejected.front();
  const Answer a = service_.query(layer, {r.variant});
  EXPECT_EQ(a.status, AnswerStatus::kIllegal);
  EXPECT_EQ(a.json["rule"], r.rejection.rule);
  EXPECT_EQ(a.json["reason"], r.rejection.reason);
  EXPECT_THAT(a.message, HasSubstr(r.variant.name() + ": not legal for this layer: " + r.rejection.rule));
}

TEST(QueryServiceDbTest, ASecondServiceReadsTheEstimatesOfTheFirst) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("pietune_query_service_" + std::to_string(getpid()) + ".sqlite");
  const kernels::Layer layer = layer_from(kConv);
  Answer first, second;
  {
    QueryService s(costdb::Database::open(file.string()), model::default_machine(), {});
    first = s.query(layer, {});
    EXPECT_GT(s.stats().computed, 0);
  }
  {
    QueryService s(costdb::Database::open(file.string()), model::default_machine(), {});
    second = s.query(layer, {});
    EXPECT_EQ(s.stats().computed, 0);
    EXPECT_GT(s.stats().reused, 0);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  EXPECT_EQ(second.cycles, first.cycles);
  EXPECT_EQ(second.json["variant"], first.json["variant"]);
  EXPECT_EQ(second.json["source"], "reused");
}

TEST_F(QueryServiceTest, TheLineProtocolAnswersEveryLine) {
  const std::string request = R"({"id": 3, "method": "query", "layer": )" + kConv + "}";
  std::string compact = nlohmann::json::parse(request).dump();
  LineResponse r = handle_request_line(service_, compact);
  nlohmann::json j = nlohmann::json::parse(r.text);
  EXPECT_EQ(j["id"], 3);
  EXPECT_EQ(j["ok"], true);
  EXPECT_FALSE(r.shutdown);

  r = handle_request_line(service_, R"({"id": 4, "method": "query", "layer": )" + kConv + R"(, "extra": 1})");
  j = nlohmann::json::parse(r.text);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"], "request: unknown field 'extra'");

  r = handle_request_line(service_, R"({"id": 5, "method": "explain", "layer": )" + kConv + R"(, "top": 0})");
  EXPECT_EQ(nlohmann::json::parse(r.text)["error"], "top: 0: expected an integer from 1 to 1000");

  r = handle_request_line(service_, "{\"id\": 6, \"method\": 7}");
  EXPECT_EQ(nlohmann::json::parse(r.text)["error"], "request: method: expected a string");

  r = handle_request_line(service_, R"({"method": "shutdown"})");
  EXPECT_TRUE(r.shutdown);
  EXPECT_EQ(r.text, R"({"id":null,"ok":true,"shutdown":true})");
}

TEST_F(QueryServiceTest, TextQueriesAreMemoisedByTheirBytes) {
  const TextAnswer first = service_.query_text(kConv, "best");
  ASSERT_EQ(first.status, AnswerStatus::kOk) << first.message;
  EXPECT_EQ(nlohmann::json::parse(first.json)["source"], "computed");
  const TextAnswer again = service_.query_text(kConv, "best");
  EXPECT_EQ(service_.stats().memo_hits, 1);
  EXPECT_EQ(again.cycles, first.cycles);
  EXPECT_EQ(nlohmann::json::parse(again.json)["source"], "memo");
  EXPECT_EQ(service_.query(layer_from(kConv), {}).cycles, first.cycles);

  const TextAnswer reshape = service_.query_text(kReshape, "");
  EXPECT_EQ(reshape.status, AnswerStatus::kNotCovered);
  EXPECT_EQ(service_.query_text(kReshape, "best").message, reshape.message);
  EXPECT_THROW(service_.query_text(R"({"op": "CONV_2D"})", "best"), InputError);
  EXPECT_THROW(service_.query_text(kConv, "no_such_variant"), InputError);
  EXPECT_THROW(service_.query_text("{", "best"), InputError);
}

TEST_F(QueryServiceTest, PlainAndUnusualRequestLinesGetTheSameAnswers) {
  const std::string plain = R"({"id": 1, "method": "query", "layer": )" + kConv + R"(, "variant": "best"})";
  // Escaped key characters and a spelled-out variant object take the full path.
  const std::string unusual = R"({"id": 1, "method": "query", "layer": )" + kConv + R"(, "variant": "best"})";
  nlohmann::json a = nlohmann::json::parse(handle_request_line(service_, plain).text);
  nlohmann::json b = nlohmann::json::parse(handle_request_line(service_, unusual).text);
  EXPECT_EQ(a["source"], "computed");
  EXPECT_EQ(b["source"], "memo");
  a.erase("source");
  b.erase("source");
  a.erase("estimates");
  b.erase("estimates");
  EXPECT_EQ(a, b);
  const nlohmann::json c = nlohmann::json::parse(handle_request_line(service_, plain).text);
  EXPECT_EQ(c["source"], "memo");
  EXPECT_EQ(c["cycles"], a["cycles"]);

  const std::string bad_line = R"({"id": [1, 2], "method": "query", "layer": {"op": 1}})";
  const nlohmann::json bad = nlohmann::json::parse(handle_request_line(service_, bad_line).text);
  EXPECT_EQ(bad["id"], nlohmann::json::parse("[1, 2]"));
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["error"], "layer: op: expected a string, got 1");
}

}  // namespace
}  // namespace pietune::tuner
