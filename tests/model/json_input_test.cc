// json_input: user JSON never escapes as an nlohmann exception. Overflowing numbers, nesting past
// the limit, syntax errors and (on request) repeated keys are InputErrors "<where>: ...";
// type errors while reading values become InputErrors too; excerpts of values are short and safe.
#include "model/support/json_input.h"

#include <gtest/gtest.h>

#include <string>

namespace pietune {
namespace {

std::string parse_error(const std::string& text, DuplicateKeys duplicates = DuplicateKeys::kKeepLast) {
  try {
    (void)parse_json_input(text, "in.json", duplicates);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonInput, NumbersThatOverflowADoubleAreInputErrors) {
  EXPECT_EQ(parse_error(R"({"a": 1e999})"), "in.json: invalid JSON: number overflow parsing '1e999'");
  EXPECT_EQ(parse_error("[-1e400]"), "in.json: invalid JSON: number overflow parsing '-1e400'");
  try {
    (void)parse_ordered_json_input("[1e999]", "layer");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer: invalid JSON: number overflow parsing '1e999'");
  }
  // Integers past 64 bits are read as doubles, not refused.
  EXPECT_EQ(parse_error("[18446744073709551616]"), "");
}

TEST(JsonInput, SyntaxErrorsKeepNlohmannsPositionWithoutItsTag) {
  EXPECT_EQ(parse_error(R"({"a": })").rfind("in.json: invalid JSON: parse error at line 1, column 7: ", 0), 0u)
      << parse_error(R"({"a": })");
  EXPECT_EQ(parse_error("\"\xff\"").rfind("in.json: invalid JSON: parse error", 0), 0u);
}

TEST(JsonInput, NestingPastTheLimitIsRefusedBeforeParsing) {
  const std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  EXPECT_EQ(parse_error(deep), "in.json: invalid JSON: nested deeper than 128 levels");
  EXPECT_EQ(parse_error(std::string(1 << 20, '{')), "in.json: invalid JSON: nested deeper than 128 levels");
  const std::string at_limit = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(parse_error(at_limit), "");
  // Brackets inside strings are not nesting.
  EXPECT_EQ(parse_error("[\"" + std::string(1000, '[') + "\\\"\"]"), "");
}

TEST(JsonInput, RepeatedKeysAreRefusedOnRequest) {
  EXPECT_EQ(parse_error(R"({"a": 1, "a": 2})"), "");
  EXPECT_EQ(parse_error(R"({"a": 1, "a": 2})", DuplicateKeys::kReject), "in.json: key 'a' given twice");
  EXPECT_EQ(parse_error(R"({"a": {"b": 1}, "c": {"b": 2}})", DuplicateKeys::kReject), "");
}

TEST(JsonInput, ReadingErrorsBecomeInputErrors) {
  const nlohmann::json doc = parse_json_input(R"({"name": 5})", "m.json");
  try {
    read_json_input("m.json", [&] { return doc.at("name").get<std::string>(); });
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "m.json: type must be string, but is number");
  }
  try {
    read_json_input("m.json", [&] { return doc.at("missing").get<int>(); });
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "m.json: key 'missing' not found");
  }
  EXPECT_EQ(read_json_input("m.json", [&] { return doc.at("name").get<int>(); }), 5);
}

TEST(JsonInput, ExcerptsAreShortAndNeverThrow) {
  EXPECT_EQ(json_excerpt(nlohmann::json::parse(R"({"addr":1})")), R"({"addr":1})");
  EXPECT_EQ(json_excerpt(nlohmann::json::parse("[1, 2]")), "[1,2]");
  nlohmann::json long_array = nlohmann::json::array();
  for (int i = 0; i < 100000; ++i) long_array.push_back(7);
  EXPECT_EQ(json_excerpt(long_array, 10), "[7,7,7,...");
  const nlohmann::json long_string(std::string(1 << 20, 'x'));
  EXPECT_EQ(json_excerpt(long_string, 8), "\"xxxx...");
  // A cut through a UTF-8 sequence, or bytes that never were UTF-8, are replaced, not thrown on.
  EXPECT_NO_THROW((void)json_excerpt(nlohmann::json(std::string("\xff\xfe"))));
  EXPECT_NO_THROW((void)json_excerpt(nlohmann::json(std::string(39, 'a') + "\xc3\xa9"), 40));
}

}  // namespace
}  // namespace pietune
