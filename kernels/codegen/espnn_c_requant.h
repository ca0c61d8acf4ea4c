// esp-nn's C requantization (esp_nn_multiply_by_quantized_mult, then out_offset and the clamp) as
// gcc compiles it, shared by the esp-nn baselines that model C code (conv_espnn_im2col,
// fc_espnn): one emitter so both run the same instruction sequence.
#pragma once

#include "kernels/codegen/emit.h"

namespace pietune::kernels::codegen {

// Frame slots (at a1 + 16 + 4 slot, any slot index) holding the constants the sequence reloads.
struct EspnnCRequantSlots {
  int int_min = 0, nudge_pos = 0, nudge_neg = 0, int_max = 0, out_offset = 0, act_min = 0, act_max = 0;
};

// In: a10 = x, a8 = multiplier, a11 = left shift, a12 = right shift. Out: a10 = the clamped
// result. Exact TFLM double rounding. Clobbers a8..a15 and SAR.
void emit_espnn_c_requant(FunctionBuilder& b, const EspnnCRequantSlots& s);

}  // namespace pietune::kernels::codegen
