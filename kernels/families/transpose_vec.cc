// transpose_vec: the permutation as a batched matrix transpose, legality and code generation (see
// the header).
#include "kernels/families/transpose_vec.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kernels/codegen/emit.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kSlotBatch = 0;

bool one_byte(ElementType type) { return type == ElementType::kInt8 || type == ElementType::kUint8; }

// Per batch: output row c gathers column c of the R x C input (stride C), written in order.
void emit_bytes_transpose(model::FunctionBuilder& b, const TransposeGeometry& g, int unroll) {
  const int value_regs[] = {9, 10, 11, 14};
  // `count` elements: loads through a8 stepping `step` (a register, or 1), stores to a3 in order.
  auto elements = [&](int count, int step_reg) {
    for (int k = 0; k < count; ++k) {
      b.emit(Opcode::kL8ui, {a(value_regs[k]), a(8), imm(0)});
      if (step_reg > 0) b.emit(Opcode::kAdd, {a(8), a(8), a(step_reg)});
      else b.emit(Opcode::kAddi, {a(8), a(8), imm(1)});
    }
    for (int k = 0; k < count; ++k) b.emit(Opcode::kS8i, {a(value_regs[k]), a(3), imm(k)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(count)});
  };
  auto run = [&](std::int64_t n, int step_reg) {
    if (n / unroll > 0) codegen::inner_loop(b, 12, n / unroll, [&] { elements(unroll, step_reg); });
    if (n % unroll > 0) elements(static_cast<int>(n % unroll), step_reg);
  };
  if (g.rows == 1 || g.cols == 1) {  // a copy
    b.emit(Opcode::kMov, {a(8), a(2)});
    run(g.rows * g.cols, 0);
  } else {
    codegen::load_const(b, 5, static_cast<std::int32_t>(g.cols));
    b.emit(Opcode::kMov, {a(13), a(2)});
    codegen::reg_loop(b, 7, g.cols, [&] {
      b.emit(Opcode::kMov, {a(8), a(13)});
      run(g.rows, 5);
      b.emit(Opcode::kAddi, {a(13), a(13), imm(1)});
    });
  }
  codegen::add_const(b, 2, 2, static_cast<std::int32_t>(g.rows * g.cols), 8);
}

// Per batch: 16 x 8 blocks, row blocks outside, column blocks in a LOOPGTZ.
void emit_unzip_transpose(model::FunctionBuilder& b, const TransposeGeometry& g) {
  codegen::load_const(b, 5, static_cast<std::int32_t>(g.cols));
  codegen::load_const(b, 6, static_cast<std::int32_t>(g.rows));
  codegen::load_const(b, 15, static_cast<std::int32_t>(8 * g.rows));
  codegen::reg_loop(b, 7, g.rows / 16, [&] {
    b.emit(Opcode::kMov, {a(13), a(2)});
    b.emit(Opcode::kMov, {a(14), a(3)});
    codegen::inner_loop(b, 12, g.cols / 8, [&] {
      b.emit(Opcode::kMov, {a(8), a(13)});
      b.emit(Opcode::kMov, {a(9), a(14)});
      for (int r = 0; r < 16; ++r) {
        const int r0 = r & 1, r1 = (r >> 1) & 1, r2 = (r >> 2) & 1, r3 = (r >> 3) & 1;
        b.emit(r0 ? Opcode::kEeVldH64Xp : Opcode::kEeVldL64Xp, {q(4 * r1 + 2 * r2 + r3), a(8), a(5)});
      }
      for (int bit : {4, 2, 1})  // register-number bit paired by each stage
        for (int reg = 0; reg < 8; ++reg)
          if ((reg & bit) == 0) b.emit(Opcode::kEeVunzip8, {q(reg), q(reg | bit)});
      for (int c = 0; c < 8; ++c) {
        const int c0 = c & 1, c1 = (c >> 1) & 1, c2 = (c >> 2) & 1;
        b.emit(Opcode::kEeVst128Xp, {q(4 * c0 + 2 * c1 + c2), a(9), a(6)});
      }
      b.emit(Opcode::kAddi, {a(13), a(13), imm(8)});
      b.emit(Opcode::kAdd, {a(14), a(14), a(15)});
    });
    codegen::add_const(b, 2, 2, static_cast<std::int32_t>(16 * g.cols), 8);
    b.emit(Opcode::kAddi, {a(3), a(3), imm(16)});
  });
  codegen::add_const(b, 3, 3, static_cast<std::int32_t>(g.rows * g.cols - g.rows), 8);
}

// Per batch: 8 x 16 blocks, row blocks outside, column blocks in a LOOPGTZ.
void emit_zip_transpose(model::FunctionBuilder& b, const TransposeGeometry& g) {
  codegen::load_const(b, 5, static_cast<std::int32_t>(g.cols));
  codegen::load_const(b, 6, static_cast<std::int32_t>(g.rows));
  codegen::load_const(b, 15, static_cast<std::int32_t>(16 * g.rows));
  codegen::reg_loop(b, 7, g.rows / 8, [&] {
    b.emit(Opcode::kMov, {a(13), a(2)});
    b.emit(Opcode::kMov, {a(14), a(3)});
    codegen::inner_loop(b, 12, g.cols / 16, [&] {
      b.emit(Opcode::kMov, {a(8), a(13)});
      b.emit(Opcode::kMov, {a(9), a(14)});
      for (int r = 0; r < 8; ++r) b.emit(Opcode::kEeVld128Xp, {q(r), a(8), a(5)});
      for (int bit : {4, 2, 1})  // register-number bit paired by each stage: rows 4, 2, 1 apart
        for (int reg = 0; reg < 8; ++reg)
          if ((reg & bit) == 0) b.emit(Opcode::kEeVzip8, {q(reg), q(reg | bit)});
      for (int c = 0; c < 16; ++c) b.emit(c % 2 ? Opcode::kEeVstH64Xp : Opcode::kEeVstL64Xp, {q(c / 2), a(9), a(6)});
      b.emit(Opcode::kAddi, {a(13), a(13), imm(16)});
      b.emit(Opcode::kAdd, {a(14), a(14), a(15)});
    });
    codegen::add_const(b, 2, 2, static_cast<std::int32_t>(8 * g.cols), 8);
    b.emit(Opcode::kAddi, {a(3), a(3), imm(8)});
  });
  codegen::add_const(b, 3, 3, static_cast<std::int32_t>(g.rows * g.cols - g.rows), 8);
}

}  // namespace

std::optional<TransposeGeometry> transpose_geometry(const std::vector<std::int32_t>& shape,
                                                    const std::vector<std::int32_t>& perm, std::string* merged) {
  PIETUNE_CHECK(perm.size() == shape.size()) << perm.size() << " vs " << shape.size();
  // Output order of the input dimensions that are not 1, then runs of input neighbours merged.
  struct Group {
    int first = 0, last = 0;
    std::int64_t extent = 1;
  };
  std::vector<Group> groups;  // output order
  auto only_ones_between = [&](int from, int to) {
    for (int d = from + 1; d < to; ++d)
      if (shape[static_cast<std::size_t>(d)] != 1) return false;
    return true;
  };
  for (std::int32_t p : perm) {
    const std::int64_t extent = shape[static_cast<std::size_t>(p)];
    if (extent == 1) continue;
    if (!groups.empty() && p > groups.back().last && only_ones_between(groups.back().last, p)) {
      groups.back().last = p;
      groups.back().extent *= extent;
    } else {
      groups.push_back({p, p, extent});
    }
  }
  std::vector<Group> in_order = groups;
  std::sort(in_order.begin(), in_order.end(), [](const Group& x, const Group& y) { return x.first < y.first; });
  std::vector<int> merged_perm;
  std::vector<std::int64_t> extents;
  for (const Group& g : in_order) extents.push_back(g.extent);
  for (const Group& g : groups)
    merged_perm.push_back(static_cast<int>(std::find_if(in_order.begin(), in_order.end(),
                                                        [&](const Group& x) { return x.first == g.first; }) -
                                           in_order.begin()));
  if (merged) *merged = fmt::format("[{}] of extents [{}]", fmt::join(merged_perm, ","), fmt::join(extents, ","));
  switch (merged_perm.size()) {
    case 0: return TransposeGeometry{};
    case 1: return TransposeGeometry{.batches = 1, .rows = 1, .cols = extents[0]};
    case 2: return TransposeGeometry{.batches = 1, .rows = extents[0], .cols = extents[1]};
    case 3:
      if (merged_perm == std::vector<int>{0, 2, 1})
        return TransposeGeometry{.batches = extents[0], .rows = extents[1], .cols = extents[2]};
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<Rejection> transpose_vec_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kTranspose) << to_string(layer.op);
  if (!one_byte(layer.input().type) || layer.output().type != layer.input().type)
    return Rejection{"types", fmt::format("input type {}, output type {}: the kernel moves single bytes (int8, uint8)",
                                          to_string(layer.input().type), to_string(layer.output().type))};
  const auto& perm = layer.options.perm;
  if (perm.empty()) return Rejection{"perm", "the permutation is not a constant tensor"};
  std::string merged;
  const auto g = transpose_geometry(layer.input().shape, perm, &merged);
  if (!g)
    return Rejection{"perm", fmt::format("perm [{}] merges to {}: not a batched matrix transpose [B, R, C] -> [B, C, R]",
                                         fmt::join(perm, ","), merged)};
  const std::string_view path = variant.word("inputpath");
  const bool tall = variant.number("rows") == 16 && variant.number("cols") == 8;
  const bool wide = variant.number("rows") == 8 && variant.number("cols") == 16;
  if (path == "zip" ? !wide : !tall)
    return Rejection{"tiles", fmt::format("{}r{}c: zip takes 8r16c, bytes and unzip 16r8c", variant.number("rows"),
                                          variant.number("cols"))};
  if (path != "bytes" && variant.number("unroll") != 1)
    return Rejection{"unroll", fmt::format("the {} block is straight-line code: unroll 1 only", path)};
  if (path == "zip" && (g->rows % 8 != 0 || g->cols % 16 != 0))
    return Rejection{"zip_shape", fmt::format("perm [{}] is a transpose of {} rows by {} columns: the zip path needs "
                                              "rows % 8 == 0 and columns % 16 == 0",
                                              fmt::join(perm, ","), g->rows, g->cols)};
  if (path == "unzip") {
    if (g->rows % 16 != 0 || g->cols % 8 != 0)
      return Rejection{"unzip_shape", fmt::format("perm [{}] is a transpose of {} rows by {} columns: the unzip path "
                                                  "needs rows % 16 == 0 and columns % 8 == 0",
                                                  fmt::join(perm, ","), g->rows, g->cols)};
  }
  return std::nullopt;
}

GeneratedKernel transpose_vec_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!transpose_vec_legal(layer, variant)) << variant.name();
  const TransposeGeometry g = *transpose_geometry(layer.input().shape, layer.options.perm, nullptr);
  const std::string_view path = variant.word("inputpath");
  const bool vector = path != "bytes";

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.input_align_bytes = vector ? 16 : 1;
  k.output_align_bytes = vector ? 16 : 1;
  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (path == "unzip") emit_unzip_transpose(b, g);
    else if (path == "zip") emit_zip_transpose(b, g);
    else emit_bytes_transpose(b, g, static_cast<int>(variant.number("unroll")));
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
