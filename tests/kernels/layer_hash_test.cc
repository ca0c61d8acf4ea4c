// layer_hash_test: FNV-1a 64, the canonical text forms, timing signature vs full identity.
#include "kernels/layer_hash.h"

#include <gtest/gtest.h>

#include "layer_builders.h"

namespace pietune::kernels {
namespace {

using testing::completed;

TEST(LayerHashTest, Fnv1a64ReferenceVectors) {
  // Test vectors of the FNV reference (offset basis for "", then single bytes and a word).
  EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a_64("foobar"), 0x85944171f73967e8ULL);
}

TEST(LayerHashTest, TimingTextFollowsTheDocumentedForm) {
  // Written by hand from the canonical form in kernels/layer.h.
  Layer l;
  l.op = OpKind::kMaxPool2d;
  l.op_name = "MAX_POOL_2D";
  l.inputs = {testing::tensor({1, 4, 4, 2}, ElementType::kInt8, testing::per_tensor(0.5f, -128))};
  l.outputs = {testing::tensor({1, 2, 2, 2}, ElementType::kInt8, testing::per_tensor(0.5f, -128))};
  l.options.stride_h = l.options.stride_w = 2;
  l.options.filter_h = l.options.filter_w = 2;
  l = completed(l);
  EXPECT_EQ(l.timing_signature_text(),
            "pietune-layer-v1|op=MAX_POOL_2D/MAX_POOL_2D|in0=1x4x4x2:int8:pt:zp|out0=1x2x2x2:int8:pt:zp"
            "|stride=2x2|pad=VALID:0,0,0,0|dil=1x1|dm=1|groups=1|kernel=2x2|act=NONE:noclamp|axis=0"
            "|axes=|keep_dims=0");
  // 0.5f = 0x3f000000; 1.0f = 0x3f800000.
  EXPECT_EQ(l.full_identity_text(),
            l.timing_signature_text() +
                "|q:in0=3f000000/-128|q:out0=3f000000/-128|act_bounds=-128,127|beta=3f800000");
}

TEST(LayerHashTest, EqualLayersHashEqual) {
  Layer a = completed(testing::conv_layer());
  Layer b = completed(testing::conv_layer());
  // Names, model ids and the position in the model are not part of either hash.
  b.index = 12;
  b.inputs[0].name = "other";
  b.inputs[0].id = 99;
  EXPECT_EQ(a.timing_signature(), b.timing_signature());
  EXPECT_EQ(a.full_identity(), b.full_identity());
}

TEST(LayerHashTest, ScalesChangeTheIdentityOnly) {
  const Layer a = completed(testing::conv_layer());
  Layer b = testing::conv_layer();
  b.inputs[0].quant->scales = {0.25f};
  b.weights->quant->scales = {0.5f, 0.6f, 0.7f, 0.8f};
  b.outputs[0].quant->scales = {0.06f};  // RELU6 bound moves to -10 + 100, still a clamp
  b = completed(b);
  EXPECT_EQ(a.timing_signature(), b.timing_signature());
  EXPECT_NE(a.full_identity(), b.full_identity());
}

TEST(LayerHashTest, NonZeroZeroPointValuesChangeTheIdentityOnly) {
  const Layer a = completed(testing::conv_layer());
  Layer b = testing::conv_layer();
  b.inputs[0].quant->zero_points = {-100};  // still non-zero
  b = completed(b);
  EXPECT_EQ(a.timing_signature(), b.timing_signature());
  EXPECT_NE(a.full_identity(), b.full_identity());
}

TEST(LayerHashTest, TimingRelevantChangesChangeTheSignature) {
  const Layer base = completed(testing::conv_layer());
  auto signature_after = [&](auto change) {
    Layer l = testing::conv_layer();
    change(l);
    return completed(l).timing_signature();
  };
  EXPECT_NE(base.timing_signature(), signature_after([](Layer& l) { l.inputs[0].quant->zero_points = {0}; }));
  EXPECT_NE(base.timing_signature(), signature_after([](Layer& l) {
    l.weights->quant = testing::per_tensor(0.1f, 0);  // per-channel -> per-tensor
  }));
  EXPECT_NE(base.timing_signature(), signature_after([](Layer& l) {
    l.options.padding = Padding::kValid;
    l.outputs[0].shape = {1, 6, 6, 4};
  }));
  EXPECT_NE(base.timing_signature(), signature_after([](Layer& l) {
    l.options.activation.kind = ActivationKind::kNone;
  }));
  EXPECT_NE(base.timing_signature(), signature_after([](Layer& l) { l.outputs[0].type = ElementType::kInt16; }));
}

TEST(LayerHashTest, SoftmaxBetaIsIdentityOnly) {
  Layer a;
  a.op = OpKind::kSoftmax;
  a.op_name = "SOFTMAX";
  a.inputs = {testing::tensor({1, 4})};
  a.outputs = {testing::tensor({1, 4})};
  Layer b = a;
  b.options.beta = 0.5f;
  EXPECT_EQ(a.timing_signature(), b.timing_signature());
  EXPECT_NE(a.full_identity(), b.full_identity());
}

}  // namespace
}  // namespace pietune::kernels
