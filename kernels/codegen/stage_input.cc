// Zero-point bordered input staging (see the header).
#include "kernels/codegen/stage_input.h"

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

std::int64_t StageGeometry::bytes() const {
  const std::int64_t raw = std::int64_t{padded_height} * padded_width * pixel_stride + tail_bytes;
  return (raw + 15) / 16 * 16;
}

bool stage_copies_vectors(const StageGeometry& g) {
  return g.channels % 16 == 0 && g.replicate == 1 && g.pixel_stride == g.channels;
}

std::uint32_t stage_overread_bytes(const StageGeometry& g) { return stage_copies_vectors(g) ? 16 : 0; }

void emit_stage_input(FunctionBuilder& b, const StageGeometry& g, std::int32_t zero_point, const StageRegs& r) {
  PIETUNE_CHECK(g.replicate >= 1 && g.replicate <= 255 && g.pixel_stride >= g.channels * g.replicate &&
                g.channels >= 1)
      << g.pixel_stride << " " << g.channels << " x" << g.replicate;
  // Fill the whole scratch with the zero point, 16 bytes per store.
  load_const(b, r.value, zero_point);
  b.emit(Opcode::kS8i, {a(r.value), a(1), imm(slot_offset(r.zp_slot))});
  b.emit(Opcode::kAddi, {a(r.tmp), a(1), imm(slot_offset(r.zp_slot))});
  b.emit(Opcode::kEeVldbc8, {q(7), a(r.tmp)});
  const std::int64_t blocks = g.bytes() / 16;
  b.emit(Opcode::kMov, {a(r.tmp), a(r.dst)});
  inner_loop(b, r.count, blocks, [&] { b.emit(Opcode::kEeVst128Ip, {q(7), a(r.tmp), imm(16)}); });
  // Copy the image row by row into the interior.
  const std::int32_t first = (g.top * g.padded_width + g.left) * g.pixel_stride;
  add_const(b, r.dst, r.dst, first, r.tmp);
  const std::int32_t row_skip = (g.padded_width - g.width) * g.pixel_stride;
  auto copy_bytes = [&](std::int64_t n) {
    inner_loop(b, r.count, n, [&] {
      b.emit(Opcode::kL8ui, {a(r.value), a(r.src), imm(0)});
      b.emit(Opcode::kAddi, {a(r.src), a(r.src), imm(1)});
      for (int k = 0; k < g.replicate; ++k) b.emit(Opcode::kS8i, {a(r.value), a(r.dst), imm(k)});
      add_const(b, r.dst, r.dst, g.replicate, r.tmp);
    });
  };
  reg_loop(b, r.row_count, g.height, [&] {
    const int written = g.channels * g.replicate;
    if (stage_copies_vectors(g)) {
      b.emit(Opcode::kEeLd128UsarIp, {q(0), a(r.src), imm(16)});
      inner_loop(b, r.count, std::int64_t{g.width} * g.channels / 16, [&] {
        b.emit(Opcode::kEeVld128Ip, {q(1), a(r.src), imm(16)});
        b.emit(Opcode::kEeSrcQQup, {q(2), q(0), q(1)});
        b.emit(Opcode::kEeVst128Ip, {q(2), a(r.dst), imm(16)});
      });
      b.emit(Opcode::kAddi, {a(r.src), a(r.src), imm(-16)});
    } else if (g.pixel_stride == written) {
      copy_bytes(std::int64_t{g.width} * g.channels);
    } else {
      reg_loop(b, r.pixel_count, g.width, [&] {
        copy_bytes(g.channels);
        add_const(b, r.dst, r.dst, g.pixel_stride - written, r.tmp);
      });
    }
    add_const(b, r.dst, r.dst, row_skip, r.tmp);
  });
}

}  // namespace pietune::kernels::codegen
