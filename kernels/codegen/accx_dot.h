// ACCX dot products over 16-byte chunks: the inner loop of the ACCX families.
//
// aligned   (both pointers 16-byte aligned), per chunk:
//             ee.vld.128.ip qx, src, 16 ; ee.vld.128.ip qw, w, 16 ; ee.vmulas.s8.accx qx, qw
//           unroll u issues the 2u loads of u chunks before their u MACs (registers q0..q7).
// unaligned (src anywhere, weights aligned): ee.ld.128.usar.ip latches SAR_BYTE = src & 15 and the
//           first aligned block, then per chunk:
//             ee.vld.128.ip q1, src, 16 ; ee.src.q.qup q2, q0, q1 ; ee.vld.128.ip q3, w, 16 ;
//             ee.vmulas.s8.accx q2, q3
//           (the funnel gives the 16 bytes at the unaligned address; .qup moves q1 into q0). It
//           reads the aligned blocks covering [src, src + 16 * chunks + 16): up to 31 bytes past
//           the last used byte, which callers keep inside their buffers.
// With more than `unroll` chunks the chunks run in a LOOPGTZ of chunks / unroll trips (count
// register `count`) followed by the remaining chunks straight-line. ACCX is not cleared here.
#pragma once

#include "kernels/codegen/emit.h"

namespace pietune::kernels::codegen {

struct DotRegs {
  int src = 9;      // advanced by 16 * chunks (unaligned: 16 * (chunks + 1))
  int weights = 5;  // advanced by 16 * chunks
  int count = 10;   // loop counter, clobbered
};

void emit_accx_dot(FunctionBuilder& b, const DotRegs& r, int chunks, bool unaligned, int unroll);

}  // namespace pietune::kernels::codegen
