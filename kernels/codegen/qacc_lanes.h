// Reading one QACC lane into an address register: a 20-bit lane of an 8-bit MAC stream, sign-extended,
// or the low word of a 40-bit lane of a 16-bit MAC stream.
//
// Lanes 0-7 are packed from bit 0 of QACC_L, lanes 8-15 of QACC_H, 20 bits each (facts §4.3);
// RUR.QACC_{L,H}_<w> reads bits 32w..32w+31 of a half. Lane j of a half starts at bit 20j: a lane
// inside one word is `slli` to the top then `srai 12`; a lane across two words is funnelled out
// with `ssai` + `src` and sign-extended with `sext 19`. Four or five instructions, no memory.
#pragma once

#include "kernels/codegen/emit.h"

namespace pietune::kernels::codegen {

// dst = sign-extended lane `lane` (0..15); tmp is clobbered (dst != tmp).
void emit_qacc_lane(FunctionBuilder& b, int lane, int dst, int tmp);

// The 16-bit MAC stream's layout: 8 lanes of 40 bits, lanes 0-3 from bit 0 of QACC_L, 4-7 of
// QACC_H. dst = the low 32 bits of lane `lane` (0..7): the lane's value whenever it fits in int32,
// which the callers' range rules guarantee. tmp is clobbered (dst != tmp).
void emit_qacc_wide_lane(FunctionBuilder& b, int lane, int dst, int tmp);

}  // namespace pietune::kernels::codegen
