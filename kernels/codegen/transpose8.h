// 8x8 byte transposes between pixel-major (NHWC) activations and channel-major blocks, the data
// movement of the pointwise pixel-lane kernels (esp-nn's 1x1 kernel and conv_pwpix).
//
// Eight 8-byte rows go into the halves of q0..q3 (rows 0,1 low, 2,3 high of q0/q1; rows 4..7 the
// same in q2/q3); VZIP.8 and VZIP.16 on each pair and VZIP.32 across the pairs leave column j of
// the 8x8 matrix as the 8 bytes of one half: columns 0,1 in q0, 2,3 in q2, 4,5 in q1, 6,7 in q3
// (low half first).
#pragma once

#include "model/ir/builder.h"

namespace pietune::kernels::codegen {

using model::FunctionBuilder;

// One 8-channel slice of a block of 8 NHWC pixels into 8 rows of 8 int16 (channel-major, input
// offset added), esp-nn's order: a8 = the slice of pixel 0 (advanced by 8), a11 = the pixel
// stride in bytes, a10 = the destination (advanced by 128), q5 = the input offset in 8 int16 lanes,
// q7 = 0. Clobbers a9, q0..q4, q6. The source must be 8-byte aligned (VLD.L/H.64 drop the low 3
// address bits).
void emit_transpose8_widen(FunctionBuilder& b);

// The inverse direction without widening: 8 rows of 8 bytes at `src` (row stride 8; advanced by
// 64), one row per channel, written as 8 pixels of 8 bytes at `dst`, `dst` + a[stride], ...
// (`dst` is advanced by 8 strides). Clobbers q0..q3. dst and the stride must keep 8-byte alignment.
void emit_transpose8_bytes(FunctionBuilder& b, int src, int dst, int stride);

}  // namespace pietune::kernels::codegen
