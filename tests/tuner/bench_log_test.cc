// The device-bench log reader on what serial monitors really capture.
#include "tuner/bench/bench_log.h"

#include <gtest/gtest.h>

namespace pietune::tuner {
namespace {

const std::string kMeasure =
    R"(pietune-bench measure {"bench":"00112233aabbccdd","instance":3,"layer":7,"variant":"v","runs":101,)"
    R"("median":1000,"q1":990,"q3":1010,"min":980,"overhead":6,"hash":"0123456789abcdef"})";

TEST(BenchLog, ReadsEventsAmongBootMessagesColoursAndCrLf) {
  const std::string log =
      "ESP-ROM:esp32s3-20210327\r\n\x1b[0;32mI (27) boot: ESP-IDF v5.2.1\x1b[0m\r\n"
      "pietune-bench begin {\"bench\":\"00112233aabbccdd\",\"model\":\"m.tflite\",\"machine\":\"esp32s3\","
      "\"cpu_mhz\":240,\"instances\":1,\"warmup\":8,\"runs\":101}\r\n"
      "I (400) app: \x1b[0;33m" + kMeasure + "\x1b[0m\r\n"
      "pietune-bench end {\"bench\":\"00112233aabbccdd\",\"measured\":1}\r\n";
  const BenchLog parsed = parse_bench_log(log);
  EXPECT_EQ(parsed.lines, 5);
  ASSERT_EQ(parsed.begins.size(), 1u);
  EXPECT_EQ(parsed.begins[0].cpu_mhz, 240);
  EXPECT_EQ(parsed.begins[0].model, "m.tflite");
  ASSERT_EQ(parsed.measures.size(), 1u);
  const BenchLogMeasure& m = parsed.measures[0];
  EXPECT_EQ(m.line, 4);
  EXPECT_EQ(m.instance, 3);
  EXPECT_EQ(m.layer, 7);
  EXPECT_DOUBLE_EQ(m.median, 1000);
  EXPECT_DOUBLE_EQ(m.overhead, 6);
  EXPECT_EQ(m.hash, "0123456789abcdef");
  ASSERT_EQ(parsed.ends.size(), 1u);
  EXPECT_TRUE(parsed.problems.empty());
}

TEST(BenchLog, RepeatsAreDroppedAndBrokenLinesReportedWithTheirNumber) {
  const std::string log = kMeasure + "\n" + kMeasure + "\n" +                        // a repeat
                          kMeasure.substr(0, 60) + "\n" +                            // cut
                          "pietune-bench measure {\"bench\":\"x\",I (9) wifi: on}\n" +  // mixed with other output
                          "pietune-bench measure {\"bench\":\"00112233aabbccdd\"}\n" +  // fields missing
                          "pietune-bench frobnicate {\"a\":1}\n" +                    // unknown event
                          "pietune-bench error {\"bench\":\"b\",\"what\":\"cannot allocate the buffers\"}\n" +
                          "pietune-bench begin";                                     // no JSON, no newline
  const BenchLog parsed = parse_bench_log(log);
  EXPECT_EQ(parsed.measures.size(), 1u);
  EXPECT_EQ(parsed.repeated, 1);
  ASSERT_EQ(parsed.problems.size(), 6u);
  EXPECT_EQ(parsed.problems[0].line, 3);
  EXPECT_NE(parsed.problems[0].reason.find("cut"), std::string::npos) << parsed.problems[0].reason;
  EXPECT_EQ(parsed.problems[1].line, 4);
  EXPECT_NE(parsed.problems[2].reason.find("no \"instance\""), std::string::npos) << parsed.problems[2].reason;
  EXPECT_NE(parsed.problems[3].reason.find("unknown event 'frobnicate'"), std::string::npos);
  EXPECT_NE(parsed.problems[4].reason.find("cannot allocate the buffers"), std::string::npos);
  EXPECT_EQ(parsed.problems[5].line, 8);
}

TEST(BenchLog, ImplausibleValuesAreRefused) {
  const auto problem = [](const std::string& from, const std::string& to) {
    std::string line = kMeasure;
    line.replace(line.find(from), from.size(), to);
    const BenchLog parsed = parse_bench_log(line);
    EXPECT_TRUE(parsed.measures.empty()) << line;
    return parsed.problems.empty() ? std::string() : parsed.problems[0].reason;
  };
  EXPECT_NE(problem("\"q1\":990", "\"q1\":1990").find("out of order"), std::string::npos);
  EXPECT_NE(problem("0123456789abcdef", "0123").find("16 hex digits"), std::string::npos);
  EXPECT_NE(problem("\"median\":1000", "\"median\":-5").find("\"median\""), std::string::npos);
  EXPECT_NE(problem("\"instance\":3", "\"instance\":3.5").find("not a count"), std::string::npos);
  EXPECT_NE(problem("\"runs\":101", "\"runs\":0").find("\"runs\" is 0"), std::string::npos);
  EXPECT_NE(problem("\"variant\":\"v\"", "\"variant\":7").find("not a string"), std::string::npos);
}

TEST(BenchLog, EmptyAndBinaryInputGiveNothing) {
  EXPECT_TRUE(parse_bench_log("").measures.empty());
  const std::string binary("\x00\xff\x1b[\x01pietune-bench\n\x00", 20);
  const BenchLog parsed = parse_bench_log(binary);
  EXPECT_TRUE(parsed.measures.empty());
}

}  // namespace
}  // namespace pietune::tuner
