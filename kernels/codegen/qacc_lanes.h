// Reading one 20-bit QACC lane of an 8-bit MAC stream into an address register, sign-extended.
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

}  // namespace pietune::kernels::codegen
