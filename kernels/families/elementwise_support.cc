// Element-wise family support: operand rules and placement, the element loop, the per-tensor
// requantization (see the header).
#include "kernels/families/elementwise_support.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/layout_order.h"
#include "kernels/reference/layer_tensors.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;

// The shape without leading ones: [1, 4, 4, 8] and [4, 4, 8] lay out their elements the same.
std::vector<std::int32_t> trimmed(const std::vector<std::int32_t>& shape) {
  std::size_t first = 0;
  while (first < shape.size() && shape[first] == 1) ++first;
  return std::vector<std::int32_t>(shape.begin() + static_cast<std::ptrdiff_t>(first), shape.end());
}

constexpr int kOperandRegs[2] = {2, 5};

}  // namespace

std::optional<Rejection> check_elementwise(const Layer& layer) {
  if (layer.inputs.size() != 2 || layer.outputs.size() != 1)
    return Rejection{"operands", fmt::format("{} inputs and {} outputs: the kernel takes two operands and one output",
                                             layer.inputs.size(), layer.outputs.size())};
  for (std::size_t i = 0; i < 2; ++i)
    if (layer.inputs[i].type != ElementType::kInt8)
      return Rejection{"types", fmt::format("input {} type {}: the kernel takes int8", i,
                                            to_string(layer.inputs[i].type))};
  if (layer.output().type != ElementType::kInt8)
    return Rejection{"types", fmt::format("output type {}: the kernel writes int8", to_string(layer.output().type))};
  if (layer.inputs[0].constant && layer.inputs[1].constant)
    return Rejection{"operands", "both operands are model constants: the output is a constant (fold it when "
                                 "converting the model)"};
  const TensorDesc& x = layer.inputs[0];
  const TensorDesc& y = layer.inputs[1];
  const std::int64_t nx = x.element_count(), ny = y.element_count();
  if (trimmed(x.shape) != trimmed(y.shape) && nx != 1 && ny != 1)
    return Rejection{"broadcast", fmt::format("input shapes {} and {} differ: the kernel walks both operands element "
                                              "by element (equal shapes, or one operand of a single element)",
                                              shape_to_string(x.shape), shape_to_string(y.shape))};
  const std::int64_t n = std::max(nx, ny);
  if (layer.output().element_count() != n)
    return Rejection{"broadcast", fmt::format("output shape {} has {} elements, the operands {} and {} give {}",
                                              shape_to_string(layer.output().shape), layer.output().element_count(),
                                              shape_to_string(x.shape), shape_to_string(y.shape), n)};
  return std::nullopt;
}

ElementwiseOperands elementwise_operands(const Layer& layer) {
  PIETUNE_CHECK(!check_elementwise(layer)) << layer.op_name;
  ElementwiseOperands ops;
  ops.count = layer.output().element_count();
  for (int i = 0; i < 2; ++i) {
    ops.single[i] = layer.inputs[static_cast<std::size_t>(i)].element_count() == 1 && ops.count > 1;
    ops.constant[i] = layer.inputs[static_cast<std::size_t>(i)].constant;
  }
  return ops;
}

void add_constant_operand(GeneratedKernel& kernel, const Layer& layer, const ElementwiseOperands& ops) {
  PIETUNE_CHECK(ops.any_constant()) << layer.op_name;
  const int which = ops.constant[0] ? 0 : 1;
  const TensorDesc& t = layer.inputs[static_cast<std::size_t>(which)];
  if (!t.data)
    throw InputError(fmt::format("{}: input {}: no constant data", reference::layer_label(layer), which));
  // A single element is the same in any order; a whole operand has the output's shape (NCHW is
  // allowed for no other: layout_agnostic).
  const bool whole = t.element_count() == layer.output().element_count() && t.element_count() > 1;
  kernel.layout = layer.options.layout;
  kernel.constants.push_back(ConstantBuffer{
      "operand", whole ? nhwc_to_layout(*t.data, layer.output().shape, layer.options.layout) : *t.data});
}

void emit_operand_pointers(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int constant_word) {
  if (ops.constant[0]) {
    b.emit(Opcode::kMov, {a(5), a(2)});
    b.emit(Opcode::kL32i, {a(2), a(4), imm(4 * constant_word)});
  } else if (ops.constant[1]) {
    b.emit(Opcode::kL32i, {a(5), a(4), imm(4 * constant_word)});
  }
}

int activation_min(const Layer& layer) { return std::max(layer.options.activation.min, -128); }
int activation_max(const Layer& layer) { return std::min(layer.options.activation.max, 127); }

TensorRequant tensor_requant(const reference::QuantizedMultiplier& m, std::int32_t zero_point, int act_min,
                             int act_max) {
  TensorRequant r;
  r.left = std::max(m.shift, 0);
  r.right = std::max(-m.shift, 0);
  r.zero_point = zero_point;
  r.full_range = act_min <= -128 && act_max >= 127;
  r.wide = r.left > 0;
  return r;
}

bool needs_clamp_registers(const TensorRequant& r) { return r.finish && !(r.full_range && !r.wide); }

std::vector<std::int32_t> requant_words(const reference::QuantizedMultiplier& m) {
  const int right = std::max(-m.shift, 0);
  PIETUNE_CHECK(right <= 31 && m.shift <= 31) << m.shift;
  const auto mask = static_cast<std::uint32_t>((std::uint64_t{1} << right) - 1);
  return {m.multiplier, static_cast<std::int32_t>(mask), static_cast<std::int32_t>(mask >> 1)};
}

void emit_tensor_requant(codegen::FunctionBuilder& b, const TensorRequantRegs& g, const TensorRequant& r) {
  PIETUNE_CHECK(r.left == 0 || r.right == 0) << r.left << " " << r.right;
  if (r.left > 0) b.emit(Opcode::kSlli, {a(g.acc), a(g.acc), imm(r.left)});  // wraps like TFLM's int32
  // SaturatingRoundingDoublingHighMul: h = 2 * hi + lo[31] + lo[30] = floor((p + 2^30) / 2^31).
  b.emit(Opcode::kMulsh, {a(g.t0), a(g.acc), a(g.mult)});
  b.emit(Opcode::kMull, {a(g.acc), a(g.acc), a(g.mult)});
  b.emit(Opcode::kAdd, {a(g.t0), a(g.t0), a(g.t0)});
  b.emit(Opcode::kExtui, {a(g.t1), a(g.acc), imm(31), imm(1)});
  b.emit(Opcode::kAdd, {a(g.t0), a(g.t0), a(g.t1)});
  b.emit(Opcode::kExtui, {a(g.t1), a(g.acc), imm(30), imm(1)});
  if (r.right == 0) {
    b.emit(Opcode::kAdd, {a(g.acc), a(g.t0), a(g.t1)});
  } else {
    // RoundingDivideByPOT: floor(h / 2^right) + (remainder > mask / 2 + (h < 0)).
    b.emit(Opcode::kAdd, {a(g.t0), a(g.t0), a(g.t1)});
    b.emit(Opcode::kSra, {a(g.acc), a(g.t0)});
    b.emit(Opcode::kAnd, {a(g.t1), a(g.t0), a(g.mask)});
    b.emit(Opcode::kExtui, {a(g.t2), a(g.t0), imm(31), imm(1)});
    b.emit(Opcode::kAdd, {a(g.t2), a(g.t2), a(g.half)});
    b.emit(Opcode::kSub, {a(g.t2), a(g.t2), a(g.t1)});
    b.emit(Opcode::kExtui, {a(g.t2), a(g.t2), imm(31), imm(1)});
    b.emit(Opcode::kAdd, {a(g.acc), a(g.acc), a(g.t2)});
  }
  if (r.finish) emit_requant_finish(b, g, r);
}

void emit_requant_finish(codegen::FunctionBuilder& b, const TensorRequantRegs& g, const TensorRequant& r) {
  if (!needs_clamp_registers(r)) {
    if (r.zero_point != 0) b.emit(Opcode::kAddi, {a(g.acc), a(g.acc), imm(r.zero_point)});
    b.emit(Opcode::kClamps, {a(g.acc), a(g.acc), imm(7)});
    return;
  }
  // Clamping first to the bounds minus the zero point keeps the sum inside int32.
  b.emit(Opcode::kMax, {a(g.acc), a(g.acc), a(g.low)});
  b.emit(Opcode::kMin, {a(g.acc), a(g.acc), a(g.high)});
  if (r.zero_point != 0) b.emit(Opcode::kAddi, {a(g.acc), a(g.acc), imm(r.zero_point)});
}

ConstantBuffer words_buffer(std::string name, const std::vector<std::int32_t>& words) {
  ConstantBuffer c{std::move(name), {}};
  for (std::int32_t w : words) append_int32(c.bytes, w);
  return c;
}

void emit_load_operand(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int which, int k, int reg) {
  const int offset = ops.single[which] ? 0 : k;
  b.emit(Opcode::kL8ui, {a(reg), a(kOperandRegs[which]), imm(offset)});
  b.emit(Opcode::kSext, {a(reg), a(reg), imm(7)});
}

void emit_element_loop(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, std::int64_t count, int unroll,
                       int count_reg, int counter_slot, int tmp, const ElementEmitter& element) {
  PIETUNE_CHECK(unroll >= 1 && unroll <= 255) << unroll;
  const auto trip = [&](codegen::FunctionBuilder& fb) {
    for (int k = 0; k < unroll; ++k) element(fb, k);
    for (int i = 0; i < 2; ++i)
      if (!ops.single[i]) fb.emit(Opcode::kAddi, {a(kOperandRegs[i]), a(kOperandRegs[i]), imm(unroll)});
    fb.emit(Opcode::kAddi, {a(3), a(3), imm(unroll)});
  };
  const std::int64_t trips = count / unroll;
  if (trips >= 1) {
    codegen::FunctionBuilder probe("probe");
    trip(probe);
    const bool fits_hardware_loop = std::move(probe).finish().size_bytes() <= 256;
    if (fits_hardware_loop)
      codegen::inner_loop(b, count_reg, trips, [&] { trip(b); });
    else
      codegen::slot_loop(b, counter_slot, trips, tmp, [&] { trip(b); });
  }
  for (int k = 0; k < count % unroll; ++k) element(b, k);
}

}  // namespace pietune::kernels::families
