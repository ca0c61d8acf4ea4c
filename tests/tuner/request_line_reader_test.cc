// read_request_line: serve's capped line reader keeps lines up to the cap, skips longer ones to
// their end without keeping them (the next line is read whole), and counts a last line without '\n'.
#include "tuner/query/request_line_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace pietune::tuner {
namespace {

TEST(RequestLineReader, KeepsLinesUpToTheCapAndSkipsLongerOnes) {
  std::istringstream in("abc\n" + std::string(10, 'x') + "\n" + std::string(11, 'y') + "\nlast");
  std::string line;
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kLine);
  EXPECT_EQ(line, "abc");
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kLine);
  EXPECT_EQ(line, std::string(10, 'x'));
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kTooLong);
  EXPECT_EQ(line, "");
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kLine);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kEnd);
}

TEST(RequestLineReader, AnOverLongLastLineAndEmptyLines) {
  std::istringstream in("\n\n" + std::string(50, 'z'));
  std::string line = "stale";
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kLine);
  EXPECT_EQ(line, "");
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kLine);
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kTooLong);
  EXPECT_EQ(read_request_line(in, line, 10), LineRead::kEnd);
  std::istringstream empty("");
  EXPECT_EQ(read_request_line(empty, line, 10), LineRead::kEnd);
}

}  // namespace
}  // namespace pietune::tuner
