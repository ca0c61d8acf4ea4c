// conv_espnn (the esp-nn-structured baseline): in-place unaligned reads and the bordered copy,
// channels around 16, strides, even kernels, zero points, clamps; its rejections.
#include <gtest/gtest.h>

#include "kernels/registry.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::ConvTester;
using testing::WeightMode;

const FamilySpec& family() { return *find_family("conv_espnn"); }
const Variant& variant() {
  static const Variant v = *parse_variant_name("conv_qs8_espnn_1p1c_u2__pie_unaligned_rqscalar");
  return v;
}

TEST(ConvEspnn, InPlaceAndBordered) {
  ConvTester().in_channels(3).kernel(3, 3).padding(Padding::kValid).input_size(6, 5).seed(1).test(variant());
  ConvTester().in_channels(3).kernel(3, 3).padding(Padding::kSame).seed(2).test(variant());
  const GeneratedKernel in_place =
      family().generate(ConvTester().in_channels(3).padding(Padding::kValid).layer(), variant());
  EXPECT_EQ(in_place.scratch_bytes, 0u);
  EXPECT_EQ(in_place.input_overread_bytes, 32u);
  EXPECT_GT(family().generate(ConvTester().in_channels(3).layer(), variant()).scratch_bytes, 0u);
}

TEST(ConvEspnn, ChannelsStridesZeroPoints) {
  for (int c : {1, 4, 8, 15, 16, 17, 64})
    ConvTester().in_channels(c).out_channels(3).stride(c % 2 + 1).seed(c).test(variant());
  ConvTester().in_channels(5).kernel(4, 4).stride(2).input_zero_point(-128).input_size(7, 6).seed(3).test(variant());
  ConvTester().in_channels(8).input_zero_point(127).weights(WeightMode::kExtreme).activation(ActivationKind::kRelu6)
      .seed(4).test(variant());
  ConvTester().batches(2).in_channels(6).multiplier_exponents(0, 2).padding(Padding::kValid).seed(5).test(variant());
}

TEST(ConvEspnn, RejectsDilation) {
  const Layer layer = ConvTester().in_channels(4).dilation(2).input_size(6, 6).layer();
  const std::optional<Rejection> r = family().legal(layer, variant());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rule, "dilation");
  EXPECT_EQ(r->reason, "dilation 2x2: the esp-nn structure reads a filter row as contiguous bytes and has no dilation");
}

}  // namespace
}  // namespace pietune::kernels
