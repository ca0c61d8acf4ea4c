// ACCX dot-product chunks, aligned and unaligned input paths (see the header).
#include "kernels/codegen/accx_dot.h"

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

namespace {

void aligned_chunks(FunctionBuilder& b, const DotRegs& r, int n) {
  PIETUNE_CHECK(n >= 1 && n <= 4) << n;
  for (int i = 0; i < n; ++i) {
    b.emit(Opcode::kEeVld128Ip, {q(2 * i), a(r.src), imm(16)});
    b.emit(Opcode::kEeVld128Ip, {q(2 * i + 1), a(r.weights), imm(16)});
  }
  for (int i = 0; i < n; ++i) b.emit(Opcode::kEeVmulasS8Accx, {q(2 * i), q(2 * i + 1)});
}

void unaligned_chunks(FunctionBuilder& b, const DotRegs& r, int n) {
  for (int i = 0; i < n; ++i) {
    b.emit(Opcode::kEeVld128Ip, {q(1), a(r.src), imm(16)});
    b.emit(Opcode::kEeSrcQQup, {q(2), q(0), q(1)});
    b.emit(Opcode::kEeVld128Ip, {q(3), a(r.weights), imm(16)});
    b.emit(Opcode::kEeVmulasS8Accx, {q(2), q(3)});
  }
}

}  // namespace

void emit_accx_dot(FunctionBuilder& b, const DotRegs& r, int chunks, bool unaligned, int unroll) {
  PIETUNE_CHECK(chunks >= 1 && unroll >= 1 && unroll <= 4) << chunks << " " << unroll;
  if (unaligned) b.emit(Opcode::kEeLd128UsarIp, {q(0), a(r.src), imm(16)});
  auto group = [&](int n) {
    if (unaligned)
      unaligned_chunks(b, r, n);
    else
      aligned_chunks(b, r, n);
  };
  const int trips = chunks / unroll;
  const int rest = chunks % unroll;
  if (trips >= 2) {
    inner_loop(b, r.count, trips, [&] { group(unroll); });
  } else if (trips == 1) {
    group(unroll);
  }
  if (rest > 0) group(rest);
}

}  // namespace pietune::kernels::codegen
