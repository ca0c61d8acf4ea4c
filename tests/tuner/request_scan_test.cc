// scan_object: the members of plain one-line objects as spans; anything else is left to a parser.
#include "tuner/query/request_scan.h"

#include <gtest/gtest.h>

namespace pietune::tuner {
namespace {

TEST(RequestScanTest, SplitsAnObjectIntoKeyAndValueSpans) {
  const auto m = scan_object(R"( {"id": 7, "method":"query", "layer": {"a": [1, {"b": "}]"}]}, "v": "x\"y"} )");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 4u);
  EXPECT_EQ((*m)[0].key, "id");
  EXPECT_EQ((*m)[0].value, "7");
  EXPECT_EQ((*m)[1].value, R"("query")");
  EXPECT_EQ((*m)[2].key, "layer");
  EXPECT_EQ((*m)[2].value, R"({"a": [1, {"b": "}]"}]})");
  EXPECT_EQ((*m)[3].value, R"("x\"y")");
  EXPECT_TRUE(scan_object("{}"));
  EXPECT_EQ(scan_object("{ }")->size(), 0u);
}

TEST(RequestScanTest, LeavesEverythingElseToAParser) {
  for (const char* text : {"", "[1]", "{", R"({"a": 1,})", R"({"a" 1})", R"({"a": {"b": 1})", R"({"a": 1} x)",
                           R"({"a\"b": 1})", R"({"a": "unterminated})", R"({"a": })", R"({a: 1})", "not json"})
    EXPECT_FALSE(scan_object(text)) << text;
}

}  // namespace
}  // namespace pietune::tuner
