// A long-running `pietune serve` keeps bounded memory (issue 12 item 9): LruMap drops the least
// recently used entries past its entry or cost bound, and a QueryService with small limits drops
// the searches, answers and text answers of layers not asked about lately (asked again, they are
// computed again) while recently used ones stay memo hits, with counts that survive the drops.
#include "tuner/query/lru_map.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include <fmt/format.h>

#include "kernels/layer_json.h"
#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {

TEST(LruMap, DropsTheLeastRecentlyUsedPastTheEntryBound) {
  LruMap<std::string, int> map(2);
  map.put("a", 1);
  map.put("b", 2);
  ASSERT_NE(map.find("a"), nullptr);  // a is now the most recently used
  map.put("c", 3);                    // drops b
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.find("b"), nullptr);
  ASSERT_NE(map.find("a"), nullptr);
  EXPECT_EQ(*map.find("a"), 1);
  EXPECT_EQ(*map.find("c"), 3);
  map.put("a", 10);  // replacing keeps one entry
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(*map.find("a"), 10);
}

TEST(LruMap, DropsPastTheCostBoundButKeepsTheNewestAlone) {
  LruMap<std::string, std::string> map(100, 10);
  map.put("a", "x", 4);
  map.put("b", "y", 4);
  map.put("c", "z", 4);  // 12 > 10: a goes
  EXPECT_EQ(map.find("a"), nullptr);
  EXPECT_EQ(map.cost(), 8u);
  map.put("huge", "w", 50);  // over the bound by itself: everything else goes, it stays
  EXPECT_EQ(map.size(), 1u);
  EXPECT_NE(map.find("huge"), nullptr);
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.cost(), 0u);
}

// A small FULLY_CONNECTED layer; each output zero point is another layer (another identity).
std::string small_fc(int zero_point) {
  return fmt::format(
      R"({{"op": "FULLY_CONNECTED",
          "inputs": [{{"shape": [1, 16], "quantization": {{"scales": [0.04], "zero_points": [-7]}}}}],
          "weights": {{"shape": [4, 16], "constant": true, "quantization": {{"scales": [0.003]}}}},
          "bias": {{"shape": [4], "type": "int32", "constant": true}},
          "outputs": [{{"shape": [1, 4], "quantization": {{"scales": [0.1], "zero_points": [{}]}}}}]}})",
      zero_point);
}

class QueryMemoBound : public ::testing::Test {
 protected:
  static QueryServiceOptions options() {
    QueryServiceOptions o;
    o.budget = 2;
    return o;
  }
  static QueryMemoLimits limits() {
    QueryMemoLimits l;
    l.tuning_layers = 2;
    l.answers = 2;
    l.text_answers = 2;
    l.estimate_layers = 2;
    return l;
  }
  std::string source_of(int zero_point) {
    const Answer a = service_.query(kernels::layer_from_json(nlohmann::ordered_json::parse(small_fc(zero_point)), 0), {});
    EXPECT_EQ(a.status, AnswerStatus::kOk) << a.message;
    computed_ += a.json["estimates"]["computed"].get<std::int64_t>();
    return a.json["source"].get<std::string>();
  }

  QueryService service_{std::nullopt, model::default_machine(), options(), limits()};
  std::int64_t computed_ = 0;
};

TEST_F(QueryMemoBound, LeastRecentlyUsedLayersAreDroppedRecentOnesKept) {
  EXPECT_NE(source_of(1), "memo");
  EXPECT_NE(source_of(2), "memo");
  EXPECT_EQ(source_of(1), "memo");  // 1 is now more recent than 2
  EXPECT_NE(source_of(3), "memo");  // the third layer drops 2
  EXPECT_EQ(source_of(1), "memo");
  EXPECT_NE(source_of(2), "memo");  // dropped: searched again
  EXPECT_EQ(service_.stats().memo_hits, 2);
  // The estimate memory started over on the way; the counts did not.
  EXPECT_EQ(service_.stats().computed, computed_);
  EXPECT_GT(computed_, 0);
}

TEST_F(QueryMemoBound, TextAnswersAreDroppedTheSameWay) {
  const auto ask = [&](int zero_point) { return service_.query_text(small_fc(zero_point), "best"); };
  ask(1);
  ask(2);
  const std::int64_t hits = service_.stats().memo_hits;
  ask(2);
  EXPECT_EQ(service_.stats().memo_hits, hits + 1);
  ask(3);
  ask(4);  // 1 and 2 are gone from the text memo and the answer memo
  const std::int64_t before = service_.stats().memo_hits;
  const TextAnswer again = ask(1);
  EXPECT_EQ(service_.stats().memo_hits, before);
  EXPECT_EQ(again.status, AnswerStatus::kOk);
}

}  // namespace
}  // namespace pietune::tuner
