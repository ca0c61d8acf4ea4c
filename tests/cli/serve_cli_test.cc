// `pietune serve`: one response line per request line; malformed lines (not JSON, unknown method,
// missing fields, bad layer) get an error response and later lines still get answers; EOF and
// "shutdown" end it with exit 0; each answer is written before the next request is read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_stdin_helpers.h"

namespace pietune::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// A small depthwise layer (quick to search) and a layer outside the timing model, one line each.
const std::string kLayer =
    R"({"op": "DEPTHWISE_CONV_2D", )"
    R"("inputs": [{"shape": [1, 3, 3, 4], "quantization": {"scales": [0.05], "zero_points": [3]}}], )"
    R"("weights": {"shape": [1, 3, 3, 4], "constant": true, )"
    R"("quantization": {"scales": [0.01, 0.02, 0.015, 0.03], "quantized_dimension": 3}}, )"
    R"("bias": {"shape": [4], "type": "int32", "constant": true}, )"
    R"("outputs": [{"shape": [1, 3, 3, 4], "quantization": {"scales": [0.04], "zero_points": [-7]}}], )"
    R"("options": {"stride": [1, 1], "padding": "SAME"}})";
const std::string kReshape =
    R"({"op": "RESHAPE", "inputs": [{"shape": [1, 1, 1, 2]}], "outputs": [{"shape": [1, 2]}]})";

std::string query(int id, const std::string& layer, const std::string& variant = "\"best\"") {
  return R"({"id": )" + std::to_string(id) + R"(, "method": "query", "layer": )" + layer + R"(, "variant": )" +
         variant + "}";
}

std::vector<nlohmann::json> responses(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(ServeCliTest, MalformedLinesGetErrorsAndLaterLinesStillGetAnswers) {
  const std::string input = query(1, kLayer) + "\n" +
                            "this is not json\n" +
                            R"({"id": 2, "method": "frobnicate", "layer": {}})" + "\n" +
                            R"({"id": 3, "method": "query", "layer": {"op": "CONV_2D"}})" + "\n" +
                            R"({"id": 4, "method": "query"})" + "\n" +
                            query(5, kLayer, "\"no_such_variant\"") + "\n" +
                            "[1, 2]\n" +
                            "\n" +
                            query(6, kReshape) + "\n" +
                            R"({"id": 7, "method": "explain", "layer": )" + kLayer + R"(, "top": 2})" + "\n" +
                            query(8, kLayer) + "\n";
  const CliResult r = run_pietune_with_stdin({"serve"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<nlohmann::json> out = responses(r.out);
  ASSERT_EQ(out.size(), 10u) << r.out;  // the blank line is not a request

  EXPECT_EQ(out[0]["id"], 1);
  EXPECT_EQ(out[0]["ok"], true);
  EXPECT_GT(out[0]["cycles"].get<double>(), 0);

  EXPECT_EQ(out[1]["id"], nullptr);
  EXPECT_EQ(out[1]["ok"], false);
  EXPECT_THAT(out[1]["error"].get<std::string>(), HasSubstr("request: invalid JSON: parse error"));

  EXPECT_EQ(out[2]["id"], 2);
  EXPECT_EQ(out[2]["ok"], false);
  EXPECT_THAT(out[2]["error"].get<std::string>(), HasSubstr("unknown method 'frobnicate'"));

  EXPECT_EQ(out[3]["id"], 3);
  EXPECT_THAT(out[3]["error"].get<std::string>(), HasSubstr("layer: missing field 'inputs'"));

  EXPECT_EQ(out[4]["id"], 4);
  EXPECT_EQ(out[4]["error"], "request: missing field 'layer'");

  EXPECT_EQ(out[5]["id"], 5);
  EXPECT_EQ(out[5]["error"], "variant: unknown variant name: no_such_variant");

  EXPECT_EQ(out[6]["ok"], false);
  EXPECT_EQ(out[6]["error"], "request: expected an object, got array");

  EXPECT_EQ(out[7]["id"], 6);
  EXPECT_EQ(out[7]["ok"], false);
  EXPECT_EQ(out[7]["covered"], false);
  EXPECT_EQ(out[7]["error"], "layer 0: RESHAPE: no kernel family covers this op; pietune does not estimate it");

  EXPECT_EQ(out[8]["id"], 7);
  EXPECT_EQ(out[8]["ok"], true);
  EXPECT_EQ(out[8]["winner"], out[0]["variant"]["name"]);
  EXPECT_LE(out[8]["top"].size(), 2u);
  EXPECT_THAT(out[8]["why"].get<std::string>(), HasSubstr("is the fastest"));

  EXPECT_EQ(out[9]["id"], 8);  // the same layer again: from the memo, same answer
  EXPECT_EQ(out[9]["source"], "memo");
  EXPECT_EQ(out[9]["cycles"], out[0]["cycles"]);
  EXPECT_EQ(out[9]["variant"], out[0]["variant"]);
}

TEST(ServeCliTest, ShutdownAnswersAndStops) {
  const std::string input = R"({"id": "a", "method": "shutdown"})" "\n" + query(1, kLayer) + "\n";
  const CliResult r = run_pietune_with_stdin({"serve"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"id":"a","ok":true,"shutdown":true})" "\n");
}

TEST(ServeCliTest, EndOfInputEndsWithExitZero) {
  const CliResult empty = run_pietune_with_stdin({"serve"}, "");
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  const CliResult one = run_pietune_with_stdin({"serve"}, query(1, kReshape));  // no final newline
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(responses(one.out).size(), 1u);
}

TEST(ServeCliTest, EachAnswerIsWrittenBeforeTheNextRequestIsRead) {
  ServeProcess serve({"serve"});
  serve.send_line(query(1, kLayer));
  const std::optional<std::string> first = serve.read_line(120000);
  ASSERT_TRUE(first) << "no answer while stdin is still open";
  const nlohmann::json best = nlohmann::json::parse(*first);
  ASSERT_EQ(best["ok"], true) << *first;

  serve.send_line(query(2, kLayer, best["variant"].dump()));  // the winner, as a variant object
  const std::optional<std::string> second = serve.read_line(120000);
  ASSERT_TRUE(second);
  const nlohmann::json named = nlohmann::json::parse(*second);
  EXPECT_EQ(named["id"], 2);
  EXPECT_EQ(named["request"], best["variant"]["name"]);
  EXPECT_EQ(named["cycles"], best["cycles"]);

  serve.close_stdin();
  EXPECT_FALSE(serve.read_line(120000));
  EXPECT_EQ(serve.wait(), 0);
}

TEST(ServeCliTest, ASecondServerReadsTheEstimatesOfTheFirstFromTheDatabase) {
  const fs::path dir = fs::temp_directory_path() / ("pietune_serve_cli_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "costdb.sqlite").string();
  const CliResult first = run_pietune_with_stdin({"serve", "--db", db}, query(1, kLayer) + "\n");
  const CliResult second = run_pietune_with_stdin({"serve", "--db", db}, query(1, kLayer) + "\n");
  fs::remove_all(dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const nlohmann::json a = responses(first.out).at(0), b = responses(second.out).at(0);
  EXPECT_GT(a["estimates"]["computed"].get<int>(), 0);
  EXPECT_EQ(b["estimates"]["computed"], 0);
  EXPECT_EQ(b["source"], "reused");
  EXPECT_EQ(b["cycles"], a["cycles"]);
}

// A line over the 1 MiB cap is answered with an error (it is skipped, not kept) and the server
// goes on; a number that overflows a double or a deep nest is an error answer, not an abort.
TEST(ServeCliTest, OverLongLinesAndBadNumbersGetErrorAnswers) {
  const std::string long_line = R"({"id": 2, "method": "query", "layer": {"op_name": ")" +
                                std::string((1u << 20) + 100, 'x') + R"("}})";
  const std::string input = query(1, kReshape) + "\n" + long_line + "\n" +
                            R"({"id": 3, "method": "query", "layer": {"op": "RESHAPE", "index": 1e999}})" "\n" +
                            R"({"id": 4, "method": "query", "layer": )" + std::string(100000, '[') + "\n" +
                            query(5, kReshape) + "\n";
  const CliResult r = run_pietune_with_stdin({"serve"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<nlohmann::json> out = responses(r.out);
  ASSERT_EQ(out.size(), 5u) << r.out;
  EXPECT_EQ(out[0]["id"], 1);
  EXPECT_EQ(out[1], nlohmann::json::parse(
                        R"({"id": null, "ok": false, "error": "request: line longer than 1048576 bytes: not read"})"));
  EXPECT_EQ(out[2]["ok"], false);
  EXPECT_EQ(out[2]["error"], "request: invalid JSON: number overflow parsing '1e999'");
  EXPECT_EQ(out[3]["ok"], false);
  EXPECT_EQ(out[3]["error"], "request: invalid JSON: nested deeper than 128 levels");
  EXPECT_EQ(out[4]["id"], 5);
}

// A request whose "id" nests deeper than the JSON limit once overflowed the stack when the id was
// echoed (the fast path of plain queries parsed it without the limit): found by the fuzz suite.
TEST(ServeCliTest, ADeeplyNestedIdIsAnErrorAnswerNotACrash) {
  const std::string deep_id = std::string(100000, '[') + std::string(100000, ']');
  const std::string input = R"({"id": )" + deep_id + R"(, "method": "query", "layer": )" + kReshape + "}\n" +
                            query(2, kReshape) + "\n";
  const CliResult r = run_pietune_with_stdin({"serve"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  const std::vector<nlohmann::json> out = responses(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  EXPECT_EQ(out[0], nlohmann::json::parse(
                        R"({"id": null, "ok": false, "error": "request: invalid JSON: nested deeper than 128 levels"})"));
  EXPECT_EQ(out[1]["id"], 2);
}

TEST(ServeCliTest, BadOptionsFailBeforeReading) {
  const CliResult r = run_pietune_with_stdin({"serve", "--weights", "disk"}, query(1, kLayer) + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--weights: disk: expected one of sram, psram, flash"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace pietune::testing
