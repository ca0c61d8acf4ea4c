// TRANSPOSE: the reference op on hand-checked cases and against an independent index formula for
// every permutation of rank 4, the merge of a permutation into a batched matrix transpose, and the
// transpose_vec family (both paths) bit-exact in the emulator on model-like shapes.
#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/families/transpose_vec.h"
#include "kernels/reference/transpose.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels {
namespace {

using reference::Tensor;
using reference::testing::activation;
using reference::testing::completed;

Layer transpose_layer(std::vector<std::int32_t> in_shape, std::vector<std::int32_t> perm) {
  std::vector<std::int32_t> out_shape;
  for (std::int32_t p : perm) out_shape.push_back(in_shape[static_cast<std::size_t>(p)]);
  Layer l;
  l.index = 0;
  l.op = OpKind::kTranspose;
  l.op_name = "TRANSPOSE";
  l.inputs = {activation(in_shape, 0.25f, -3)};
  l.outputs = {activation(out_shape, 0.25f, -3)};
  l.options.perm = std::move(perm);
  return completed(l);
}

TEST(ReferenceTranspose, NhwcToNchwByHand) {
  const Layer layer = transpose_layer({1, 2, 2, 3}, {0, 3, 1, 2});
  // (y, x, c) values 100y + 10x + c, written as c-planes.
  const Tensor in = Tensor::from_int8({1, 2, 2, 3}, {0, 1, 2, 10, 11, 12, 100 - 128, 101 - 128, 102 - 128,
                                                     110 - 128, 111 - 128, 112 - 128});
  EXPECT_EQ(reference::transpose(layer, in),
            Tensor::from_int8({1, 3, 2, 2}, {0, 10, 100 - 128, 110 - 128, 1, 11, 101 - 128, 111 - 128, 2, 12,
                                             102 - 128, 112 - 128}));
}

TEST(ReferenceTranspose, EveryRank4PermutationMatchesTheIndexFormula) {
  const std::vector<std::int32_t> shape = {2, 3, 4, 5};
  std::vector<std::int8_t> values(120);
  std::iota(values.begin(), values.end(), std::int8_t{-60});
  const Tensor in = Tensor::from_int8(shape, values);
  std::vector<std::int32_t> perm = {0, 1, 2, 3};
  int permutations = 0;
  do {
    const Tensor out = reference::transpose(transpose_layer(shape, perm), in);
    const auto& os = out.shape();
    for (int i0 = 0; i0 < os[0]; ++i0)
      for (int i1 = 0; i1 < os[1]; ++i1)
        for (int i2 = 0; i2 < os[2]; ++i2)
          for (int i3 = 0; i3 < os[3]; ++i3) {
            int src[4];
            const int idx[4] = {i0, i1, i2, i3};
            for (int d = 0; d < 4; ++d) src[perm[static_cast<std::size_t>(d)]] = idx[d];
            const int in_flat = ((src[0] * 3 + src[1]) * 4 + src[2]) * 5 + src[3];
            const int out_flat = ((i0 * os[1] + i1) * os[2] + i2) * os[3] + i3;
            ASSERT_EQ(out.int8()[static_cast<std::size_t>(out_flat)], values[static_cast<std::size_t>(in_flat)])
                << "perm " << perm[0] << perm[1] << perm[2] << perm[3];
          }
    ++permutations;
  } while (std::next_permutation(perm.begin(), perm.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(ReferenceTranspose, RefusesBadPermutations) {
  Layer layer;
  layer.op = OpKind::kTranspose;
  layer.op_name = "TRANSPOSE";
  layer.inputs = {activation({1, 2, 3, 4}, 0.25f, 0)};
  layer.outputs = {activation({1, 4, 2, 3}, 0.25f, 0)};
  layer.options.perm = {0, 3, 1, 1};
  try {
    complete_layer(layer);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("names dimension 1 twice"), std::string::npos) << e.what();
  }
  layer.options.perm = {0, 3, 2, 1};
  try {
    complete_layer(layer);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("permuting the input"), std::string::npos) << e.what();
  }
  layer.options.perm = {};  // a perm tensor that is not constant: readable, not runnable
  complete_layer(layer);
  EXPECT_THROW(reference::transpose(layer, Tensor::zeros(ElementType::kInt8, {1, 2, 3, 4})), InputError);
}

TEST(TransposeGeometry, MergesNeighboursAndDropsUnitDims) {
  using families::transpose_geometry;
  std::string merged;
  auto g = transpose_geometry({1, 48, 48, 8}, {0, 3, 1, 2}, &merged);  // NHWC -> NCHW
  ASSERT_TRUE(g);
  EXPECT_EQ(g->batches, 1);
  EXPECT_EQ(g->rows, 48 * 48);
  EXPECT_EQ(g->cols, 8);
  EXPECT_EQ(merged, "[1,0] of extents [2304,8]");
  g = transpose_geometry({2, 3, 32, 32}, {0, 2, 3, 1}, &merged);  // NCHW -> NHWC, two batches
  ASSERT_TRUE(g);
  EXPECT_EQ(g->batches, 2);
  EXPECT_EQ(g->rows, 3);
  EXPECT_EQ(g->cols, 1024);
  g = transpose_geometry({1, 6, 1, 4}, {0, 2, 1, 3}, &merged);  // moves only a unit dim: a copy
  ASSERT_TRUE(g);
  EXPECT_EQ(g->rows * g->cols * g->batches, 24);
  EXPECT_TRUE(g->rows == 1 || g->cols == 1);
  EXPECT_FALSE(transpose_geometry({1, 2, 3, 4}, {0, 2, 1, 3}, &merged));  // swaps H and W: blocks of C
  EXPECT_EQ(merged, "[1,0,2] of extents [2,3,4]");
}

// Every legal variant of transpose_vec on the layer, verified in the emulator; returns how many.
int verify_all(const Layer& layer) {
  int verified = 0;
  for (const Variant& v : enumerate_variants(layer).legal) {
    const Verdict verdict = verify_variant(layer, v, {.cases = 2, .seed = 11});
    EXPECT_TRUE(verdict.passed()) << v.name() << ": " << verdict.mismatches << " mismatches"
                                  << (verdict.fault ? " fault " + *verdict.fault : "");
    ++verified;
  }
  return verified;
}

TEST(TransposeVec, LayoutConversionsAreExactOnBothPaths) {
  // person_detect's first depthwise output to NCHW and back; an NCHW image input (PyTorch export).
  EXPECT_EQ(verify_all(transpose_layer({1, 48, 48, 8}, {0, 3, 1, 2})), 3);  // bytes u1, u4, unzip
  EXPECT_EQ(verify_all(transpose_layer({1, 16, 12, 12}, {0, 2, 3, 1})), 4);  // 16 rows, 144 columns: zip too
  EXPECT_EQ(verify_all(transpose_layer({1, 8, 48, 48}, {0, 2, 3, 1})), 3);    // 8 channels back: bytes, zip
  EXPECT_EQ(verify_all(transpose_layer({1, 3, 8, 8}, {0, 2, 3, 1})), 2);  // 3 rows: bytes only
  EXPECT_EQ(verify_all(transpose_layer({2, 5, 7, 3}, {0, 3, 1, 2})), 2);  // odd shapes, two batches
  EXPECT_EQ(verify_all(transpose_layer({1, 1, 9, 5}, {0, 1, 3, 2})), 2);
  EXPECT_EQ(verify_all(transpose_layer({1, 6, 1, 4}, {0, 2, 1, 3})), 2);  // a copy
}

TEST(TransposeVec, RejectsWhatItCannotMove) {
  const auto swap_hw = enumerate_variants(transpose_layer({1, 2, 3, 4}, {0, 2, 1, 3}));
  EXPECT_TRUE(swap_hw.legal.empty());
  ASSERT_FALSE(swap_hw.rejected.empty());
  EXPECT_EQ(swap_hw.rejected.front().rejection.rule, "perm");
  const auto odd = enumerate_variants(transpose_layer({1, 6, 6, 8}, {0, 3, 1, 2}));  // 36 rows
  bool unzip_rejected = false;
  for (const auto& r : odd.rejected) unzip_rejected |= r.rejection.rule == "unzip_shape";
  EXPECT_TRUE(unzip_rejected);
}

TEST(TransposeVec, VectorBlocksMoveAByteInAThirdOfACycle) {
  // To NCHW with unzip and back with zip: 40 instructions per 128 bytes each, loop included.
  for (const auto& [layer, path] : {std::pair{transpose_layer({1, 48, 48, 8}, {0, 3, 1, 2}), "unzip"},
                                    std::pair{transpose_layer({1, 8, 48, 48}, {0, 2, 3, 1}), "zip"}}) {
    int timed = 0;
    for (const Variant& v : enumerate_variants(layer).legal) {
      if (v.word("inputpath") != path) continue;
      const Verdict verdict =
          verify_variant(layer, v, {.cases = 1, .seed = 3, .all_in_sram = true, .time_last_case = true});
      ASSERT_TRUE(verdict.detailed_cycles);
      const double per_byte = *verdict.detailed_cycles / (48.0 * 48 * 8);
      EXPECT_LT(per_byte, 0.5) << v.name();
      EXPECT_GT(per_byte, 0.25) << v.name();
      ++timed;
    }
    EXPECT_EQ(timed, 1) << path;
  }
}

}  // namespace
}  // namespace pietune::kernels
