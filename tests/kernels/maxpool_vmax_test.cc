// maxpool_vmax: channel groups, borders (SAME, odd and even windows), strides, zero points and
// clamps, the direct path; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::MaxPoolTester;

const FamilySpec& family() { return *find_family("maxpool_vmax"); }

TEST(MaxpoolVmax, ChannelsAndWindows) {
  for (int c : {1, 3, 4, 8, 15, 16, 17, 64}) MaxPoolTester().channels(c).seed(c).test(family());
  MaxPoolTester().channels(5).kernel(3, 3).stride(1).input_zero_point(-128).seed(1).test(family());
  MaxPoolTester().channels(20).kernel(3, 2).stride(2, 1).input_size(6, 7).seed(2).test(family());
  MaxPoolTester().batches(2).channels(9).kernel(4, 4).stride(3).input_size(7, 7).padding(Padding::kValid).seed(3)
      .test(family());
}

TEST(MaxpoolVmax, ClampsAndDirect) {
  MaxPoolTester().channels(16).activation(ActivationKind::kRelu6).input_zero_point(-20).seed(4).test(family());
  MaxPoolTester().channels(7).activation(ActivationKind::kRelu).input_zero_point(127).seed(5).test(family());
  EXPECT_EQ(MaxPoolTester().channels(32).input_size(6, 6).padding(Padding::kValid).seed(6).test(family()), 2);
}

TEST(MaxpoolVmax, Rejections) {
  const Variant direct = *parse_variant_name("maxpool_qs8_vmax_1p16c_u1__pie_direct_vclamp");
  std::optional<Rejection> r = family().legal(MaxPoolTester().channels(16).kernel(3, 3).stride(1).layer(), direct);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "direct_padding");
  Layer requant = MaxPoolTester().channels(4).layer();
  requant.outputs[0].quant->scales = {0.25f};
  r = family().legal(requant, direct);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "quantization");
  EXPECT_EQ(r->reason, "input scale 0.5 zero point 0 vs output scale 0.25 zero point 0: max pooling does not requantize");
}

}  // namespace
}  // namespace pietune::kernels
