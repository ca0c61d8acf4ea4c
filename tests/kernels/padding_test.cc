// padding_test: TFLite SAME/VALID output size and pad amounts, against the [verified] examples of
// research/tflite_semantics.md §2.0 (cross-checked there against TFLM's padding.h).
#include "kernels/padding.h"

#include <gtest/gtest.h>

namespace pietune::kernels {
namespace {

struct Case {
  std::int64_t input, kernel, stride, dilation;
  Padding padding;
  std::int64_t output, before, after;
};

// Every row is one of the §2.0 examples "(in, k, s[, dilation], padding) -> out, before, after".
constexpr Case kVerified[] = {
    {96, 3, 2, 1, Padding::kSame, 48, 0, 1},
    {97, 3, 2, 1, Padding::kSame, 49, 1, 1},
    {10, 5, 2, 1, Padding::kSame, 5, 1, 2},
    {8, 4, 1, 1, Padding::kSame, 8, 1, 2},  // even kernel: the extra row goes after
    {7, 3, 1, 2, Padding::kSame, 7, 2, 2},  // dilation 2: effective kernel 5
    {224, 7, 2, 1, Padding::kSame, 112, 2, 3},
    {10, 3, 2, 1, Padding::kValid, 4, 0, 0},
};

TEST(PaddingTest, MatchesVerifiedExamples) {
  for (const Case& c : kVerified) {
    const AxisPadding p = compute_axis_padding(c.input, c.kernel, c.stride, c.dilation, c.padding);
    EXPECT_EQ(p.output, c.output) << "in " << c.input << " k " << c.kernel << " s " << c.stride;
    EXPECT_EQ(p.before, c.before) << "in " << c.input << " k " << c.kernel << " s " << c.stride;
    EXPECT_EQ(p.after, c.after) << "in " << c.input << " k " << c.kernel << " s " << c.stride;
  }
}

TEST(PaddingTest, EffectiveKernelSize) {
  EXPECT_EQ(effective_kernel_size(3, 1), 3);
  EXPECT_EQ(effective_kernel_size(3, 2), 5);   // taps at 0, 2, 4
  EXPECT_EQ(effective_kernel_size(1, 7), 1);
  EXPECT_EQ(effective_kernel_size(10, 3), 28);
}

TEST(PaddingTest, ValidUsesTheDilatedKernel) {
  // in 10, k 3, dilation 2 -> effective 5 -> (10 - 5) / 1 + 1 = 6.
  const AxisPadding p = compute_axis_padding(10, 3, 1, 2, Padding::kValid);
  EXPECT_EQ(p.output, 6);
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 0);
}

TEST(PaddingTest, ValidKernelLargerThanInputGivesNoOutput) {
  EXPECT_LT(compute_axis_padding(3, 5, 1, 1, Padding::kValid).output, 1);
  EXPECT_LT(compute_axis_padding(4, 3, 1, 2, Padding::kValid).output, 1);  // effective 5 > 4
  EXPECT_EQ(compute_axis_padding(5, 3, 1, 2, Padding::kValid).output, 1);  // effective 5 == 5
}

TEST(PaddingTest, SameNeverPadsWhenTheKernelFitsTheStride) {
  // 1x1 kernels and kernel == stride tilings need no padding.
  EXPECT_EQ(compute_axis_padding(48, 1, 1, 1, Padding::kSame).before, 0);
  EXPECT_EQ(compute_axis_padding(48, 1, 1, 1, Padding::kSame).after, 0);
  const AxisPadding p = compute_axis_padding(8, 2, 2, 1, Padding::kSame);
  EXPECT_EQ(p.output, 4);
  EXPECT_EQ(p.before + p.after, 0);
}

TEST(PaddingTest, SameWithKernelLargerThanInputPadsBothSides) {
  // in 3, k 7, s 1: out 3, total (3 - 1) + 7 - 3 = 6 -> 3 before, 3 after.
  const AxisPadding p = compute_axis_padding(3, 7, 1, 1, Padding::kSame);
  EXPECT_EQ(p.output, 3);
  EXPECT_EQ(p.before, 3);
  EXPECT_EQ(p.after, 3);
}

}  // namespace
}  // namespace pietune::kernels
