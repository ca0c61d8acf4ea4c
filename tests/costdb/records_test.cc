// records_test: every record type round-trips, with its insert-or-replace / insert-or-ignore / append rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "costdb/costdb.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::ScratchDir;

EstimateKey key(const std::string& variant = "conv_qacc_k16", int generator_version = 1) {
  return EstimateKey{"a1b2c3d4e5f60718", variant, generator_version, "machine42", "fast", "act=sram,w=flash"};
}

class RecordsTest : public ::testing::Test {
 protected:
  ScratchDir scratch_;
  Database db_ = Database::open(scratch_.file("cost.sqlite"));
};

TEST_F(RecordsTest, FreshDatabaseIsAtTheCurrentSchemaVersion) {
  EXPECT_EQ(db_.schema_version(), kSchemaVersion);
  EXPECT_EQ(db_.path(), scratch_.file("cost.sqlite"));
  EXPECT_EQ(db_.estimate_count(), 0);
  EXPECT_TRUE(db_.runs().empty());
}

TEST_F(RecordsTest, EstimateRoundTrip) {
  EXPECT_FALSE(db_.find_estimate(key()).has_value());
  db_.put_estimate({key(), 1234.5, R"({"issue":1000,"data_stall":234.5})"});
  const auto found = db_.find_estimate(key());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->key.program_key, "a1b2c3d4e5f60718");
  EXPECT_EQ(found->key.variant, "conv_qacc_k16");
  EXPECT_EQ(found->key.generator_version, 1);
  EXPECT_EQ(found->key.machine_hash, "machine42");
  EXPECT_EQ(found->key.mode, "fast");
  EXPECT_EQ(found->key.placement, "act=sram,w=flash");
  EXPECT_DOUBLE_EQ(found->cycles, 1234.5);
  EXPECT_EQ(found->breakdown_json, R"({"issue":1000,"data_stall":234.5})");
  EXPECT_EQ(db_.estimate_count(), 1);
}

TEST_F(RecordsTest, EstimateKeyIsEveryField) {
  db_.put_estimate({key(), 100, "{}"});
  // Each field on its own makes a different key.
  EstimateKey other = key();
  other.program_key = "ffff";
  EXPECT_FALSE(db_.find_estimate(other));
  other = key("conv_qacc_k8");
  EXPECT_FALSE(db_.find_estimate(other));
  other = key("conv_qacc_k16", 2);
  EXPECT_FALSE(db_.find_estimate(other));
  other = key();
  other.machine_hash = "machine43";
  EXPECT_FALSE(db_.find_estimate(other));
  other = key();
  other.mode = "detailed";
  EXPECT_FALSE(db_.find_estimate(other));
  other = key();
  other.placement = "act=psram,w=flash";
  EXPECT_FALSE(db_.find_estimate(other));
}

TEST_F(RecordsTest, EstimateInsertOrReplace) {
  db_.put_estimate({key(), 100, R"({"issue":100})"});
  db_.put_estimate({key(), 90, R"({"issue":90})"});
  EXPECT_EQ(db_.estimate_count(), 1);
  const auto found = db_.find_estimate(key());
  ASSERT_TRUE(found);
  EXPECT_DOUBLE_EQ(found->cycles, 90);
  EXPECT_EQ(found->breakdown_json, R"({"issue":90})");
}

TEST_F(RecordsTest, EstimatesAreFoundOnlyByTheirWholeKey) {
  db_.put_estimate({key("a_variant", 1), 10, "{}"});
  // Same program and variant, but another generator version, machine, mode, placement or program.
  EstimateKey other = key("a_variant", 2);
  db_.put_estimate({other, 11, "{}"});
  other = key("a_variant");
  other.machine_hash = "machine43";
  db_.put_estimate({other, 1, "{}"});
  other = key("a_variant");
  other.mode = "detailed";
  db_.put_estimate({other, 2, "{}"});
  other = key("a_variant");
  other.placement = "act=psram,w=psram";
  db_.put_estimate({other, 3, "{}"});
  other = key("a_variant");
  other.program_key = "a1b2c3d4e5f60719";
  db_.put_estimate({other, 4, "{}"});
  EXPECT_EQ(db_.estimate_count(), 6);
  EXPECT_DOUBLE_EQ(db_.find_estimate(key("a_variant", 1))->cycles, 10);
  EXPECT_DOUBLE_EQ(db_.find_estimate(key("a_variant", 2))->cycles, 11);
  EXPECT_DOUBLE_EQ(db_.find_estimate(other)->cycles, 4);
  other.program_key = "nope";
  EXPECT_FALSE(db_.find_estimate(other));
}

TEST_F(RecordsTest, TextIsStoredByteForByte) {
  // Embedded NUL, quotes and multi-byte UTF-8 survive (bound as text with its length, never spliced into SQL).
  const std::string breakdown = std::string("{\"note\":\"it's \xc2\xb5s\"}") + std::string(1, '\0') + "tail";
  db_.put_estimate({key("v'; DROP TABLE estimates; --"), 1, breakdown});
  const auto found = db_.find_estimate(key("v'; DROP TABLE estimates; --"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->breakdown_json, breakdown);
}

TEST_F(RecordsTest, LayerInsertOrIgnoreKeepsTheFirstJson) {
  EXPECT_FALSE(db_.layer_json("sig1").has_value());
  db_.put_layer("sig1", R"({"op":"CONV_2D"})");
  db_.put_layer("sig1", R"({"op":"SOMETHING_ELSE"})");
  db_.put_layer("sig2", R"({"op":"ADD"})");
  EXPECT_EQ(db_.layer_json("sig1"), R"({"op":"CONV_2D"})");
  EXPECT_EQ(db_.layer_json("sig2"), R"({"op":"ADD"})");
}

TEST_F(RecordsTest, VariantInsertOrIgnorePerNameAndGeneratorVersion) {
  db_.put_variant("conv_qacc_k16", "conv_qacc", R"({"k":16})", 1);
  db_.put_variant("conv_qacc_k16", "conv_qacc", R"({"k":99})", 1);  // ignored: same name and version
  db_.put_variant("conv_qacc_k16", "conv_qacc", R"({"k":16,"unroll":2})", 2);
  db_.put_variant("dw_qacc_m1", "dwconv_qacc", "{}", 1);
  testing::RawDb raw(db_.path());
  EXPECT_EQ(raw.query("SELECT name, generator_version, family, params_json FROM variants "
                      "ORDER BY name, generator_version"),
            "conv_qacc_k16|1|conv_qacc|{\"k\":16}\n"
            "conv_qacc_k16|2|conv_qacc|{\"k\":16,\"unroll\":2}\n"
            "dw_qacc_m1|1|dwconv_qacc|{}");
}

TEST_F(RecordsTest, VerificationRoundTripAndReplace) {
  VerificationRecord v;
  v.layer_identity = "identity1";
  v.variant = "conv_qacc_k16";
  v.generator_version = 3;
  v.cases = 8;
  v.seed = std::numeric_limits<std::uint64_t>::max() - 5;  // above INT64_MAX: must survive as bits
  v.mismatches = 0;
  v.max_abs_diff = 0;
  v.detail = "";
  db_.put_verification(v);
  auto found = db_.find_verification("identity1", "conv_qacc_k16", 3);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->layer_identity, "identity1");
  EXPECT_EQ(found->variant, "conv_qacc_k16");
  EXPECT_EQ(found->generator_version, 3);
  EXPECT_EQ(found->cases, 8);
  EXPECT_EQ(found->seed, std::numeric_limits<std::uint64_t>::max() - 5);
  EXPECT_EQ(found->mismatches, 0);
  EXPECT_EQ(found->max_abs_diff, 0);
  EXPECT_EQ(found->detail, "");
  EXPECT_FALSE(db_.find_verification("identity1", "conv_qacc_k16", 2));
  EXPECT_FALSE(db_.find_verification("identity1", "other", 3));
  EXPECT_FALSE(db_.find_verification("identity2", "conv_qacc_k16", 3));

  v.mismatches = 5000000000;  // int64 range
  v.max_abs_diff = 3;
  v.detail = "case 2 output[17]: got 4, want 1";
  db_.put_verification(v);
  found = db_.find_verification("identity1", "conv_qacc_k16", 3);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->mismatches, 5000000000);
  EXPECT_EQ(found->max_abs_diff, 3);
  EXPECT_EQ(found->detail, "case 2 output[17]: got 4, want 1");
  testing::RawDb raw(db_.path());
  EXPECT_EQ(raw.query("SELECT count(*) FROM verifications"), "1");
}

TEST_F(RecordsTest, MeasurementsAreAppendedInOrder) {
  const std::string device = "esp32s3-devkitc-1 @240MHz";
  db_.add_measurement(testing::measurement("sig1", "conv_qacc_k16", device, 1000, "bench1.json", "2024-05-01T10:00:00Z"));
  db_.add_measurement(testing::measurement("sig2", "conv_qacc_k16", device, 7, "bench1.json", "2024-05-01T10:00:00Z"));
  // The same measurement twice is two rows: measurements are appended, never replaced.
  db_.add_measurement(testing::measurement("sig1", "conv_qacc_k16", device, 1010, "bench2.json", "2024-05-02T10:00:00Z"));
  db_.add_measurement(testing::measurement("sig1", "conv_qacc_k16", device, 1010, "bench2.json", "2024-05-02T10:00:00Z"));
  const auto found = db_.measurements("sig1");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].layer_signature, "sig1");
  EXPECT_EQ(found[0].variant, "conv_qacc_k16");
  EXPECT_EQ(found[0].device, "esp32s3-devkitc-1 @240MHz");
  EXPECT_DOUBLE_EQ(found[0].cycles, 1000);
  EXPECT_EQ(found[0].source, "bench1.json");
  EXPECT_EQ(found[0].measured_at, "2024-05-01T10:00:00Z");
  EXPECT_DOUBLE_EQ(found[1].cycles, 1010);
  EXPECT_DOUBLE_EQ(found[2].cycles, 1010);
  EXPECT_EQ(db_.measurements("sig2").size(), 1u);
  EXPECT_TRUE(db_.measurements("sig3").empty());
}

TEST_F(RecordsTest, MeasurementWithoutTimeIsStampedNow) {
  db_.add_measurement(testing::measurement("sig1", "v", "dev", 1, "import.csv", ""));
  const auto found = db_.measurements("sig1");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found[0].measured_at, ::testing::MatchesRegex(testing::kIsoUtcPattern));
}

}  // namespace
}  // namespace pietune::costdb
