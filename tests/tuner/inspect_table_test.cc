// inspect_table_test: the `pietune inspect` text: rows, columns and totals.
#include "tuner/inspect/inspect_table.h"

#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tuner/model_loader.h"

namespace pietune::tuner {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Splits a table row on runs of two or more spaces (cells themselves contain single spaces).
std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  std::size_t spaces = 0;
  for (char c : row) {
    if (c == ' ') {
      ++spaces;
      continue;
    }
    if (spaces >= 2 && !cell.empty()) {
      cells.push_back(cell);
      cell.clear();
    } else if (spaces == 1 && !cell.empty()) {
      cell += ' ';
    }
    spaces = 0;
    cell += c;
  }
  if (!cell.empty()) cells.push_back(cell);
  return cells;
}

TEST(InspectTableTest, GroupThousands) {
  EXPECT_EQ(group_thousands(0), "0");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000), "1,000");
  EXPECT_EQ(group_thousands(7157888), "7,157,888");
  EXPECT_EQ(group_thousands(-1234567), "-1,234,567");
}

TEST(InspectTableTest, PersonDetectRowsAndTotals) {
  const std::string text = format_inspect_table(
      load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/person_detect.tflite"));
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GE(lines.size(), 33u);
  EXPECT_EQ(lines[0], "person_detect: 31 layers");
  EXPECT_EQ(cells_of(lines[1]),
            (std::vector<std::string>{"#", "op", "input", "output", "kernel", "stride", "padding t/b/l/r",
                                      "dilation", "activation", "quant", "MACs", "weight B"}));
  // Layer 0 from the file: DW 3x3 s2 SAME on 96x96x1, 8 outputs; 48*48*8*9 MACs; 72 + 32 bytes.
  EXPECT_EQ(cells_of(lines[2]),
            (std::vector<std::string>{"0", "DEPTHWISE_CONV_2D", "1x96x96x1", "1x48x48x8", "3x3", "2x2",
                                      "SAME 0/1/0/1", "1x1", "RELU6 [-128,127]", "per-channel",
                                      "165,888", "104"}));
  // Layer 29: RESHAPE has no kernel, stride, padding, dilation or activation.
  EXPECT_EQ(cells_of(lines[31]), (std::vector<std::string>{"29", "RESHAPE", "1x1x1x2", "1x2", "-", "-", "-",
                                                           "-", "-", "per-tensor", "0", "0"}));
  EXPECT_THAT(text, HasSubstr("CONV_2D              14 layers        6,193,664"));
  EXPECT_THAT(text, HasSubstr("DEPTHWISE_CONV_2D    14 layers          964,224"));
  EXPECT_THAT(text, HasSubstr("all                  31 layers        7,157,888"));
  EXPECT_THAT(text, HasSubstr("weight bytes             218,920"));
  // Layer 2: 48*48*8 in + 48*48*16 out = 55,296, the largest pair.
  EXPECT_THAT(text, HasSubstr("largest activation pair  55,296 bytes (layer 2 CONV_2D"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("not modelled")));
}

TEST(InspectTableTest, MarksOpsNotModelled) {
  const std::string text = format_inspect_table(
      load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/keyword_scrambled_8bit.tflite"));
  EXPECT_THAT(text, HasSubstr(" SVDF * "));
  EXPECT_THAT(text, HasSubstr("* not modelled by pietune: 7 layers (1, 3, 5, 7, 9, 10, 11)"));
}

}  // namespace
}  // namespace pietune::tuner
