// avgpool_qacc: borders (clipped windows with fewer taps), channel groups, odd and even windows,
// strides, negative and positive sums, clamps, the direct path; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::MaxPoolTester;

const FamilySpec& family() { return *find_family("avgpool_qacc"); }
MaxPoolTester average() { return MaxPoolTester().op(OpKind::kAveragePool2d); }

TEST(AvgpoolQacc, ChannelsAndWindows) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 64}) average().channels(c).seed(c).test(family());
  average().channels(5).kernel(3, 3).stride(1).input_zero_point(-128).seed(1).test(family());
  average().channels(20).kernel(3, 2).stride(2, 1).input_size(6, 7).seed(2).test(family());
  average().batches(2).channels(9).kernel(5, 5).stride(3).input_size(7, 7).seed(3).test(family());
  average().channels(3).kernel(16, 16).stride(1).input_size(16, 16).padding(Padding::kValid).seed(4).test(family());
}

TEST(AvgpoolQacc, ClampsAndDirect) {
  average().channels(16).activation(ActivationKind::kRelu6).input_zero_point(-20).seed(5).test(family());
  average().channels(7).activation(ActivationKind::kRelu).input_zero_point(127).seed(6).test(family());
  EXPECT_EQ(average().channels(32).input_size(6, 6).padding(Padding::kValid).seed(7).test(family()), 2);
}

TEST(AvgpoolQacc, Rejections) {
  const Variant v = *parse_variant_name("avgpool_qs8_qacc_1p16c_u1__pie_aligned_divexact");
  const std::optional<Rejection> r =
      family().legal(average().channels(4).kernel(17, 16).input_size(17, 16).padding(Padding::kValid).layer(), v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "window");
  EXPECT_EQ(r->reason, "window 17x16 = 272 taps: the exact division is proven for at most 256 taps");
}

}  // namespace
}  // namespace pietune::kernels
