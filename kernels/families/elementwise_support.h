// What the element-wise families (add_vec, mul_vec) share: the layer rules (two int8 operands of
// one shape, or one of them a single element), where each operand arrives (a2, a5 or a constant
// buffer), the loop over the elements, and TFLM's exact per-tensor requantization with its
// parameters held in registers.
//
// Operands: the kernel's pointer registers are a2 (operand 0) and a5 (operand 1). An operand that
// is a model constant is not an argument: its bytes are a constant buffer and the prologue loads
// its address (operand 0 constant: the argument in a2 is operand 1 and moves to a5). A
// single-element operand (shape [1], [] or all ones) is read at the same address for every output
// element (its pointer does not advance): TFLM's broadcast of a scalar.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernels/codegen/emit.h"
#include "kernels/families/family_support.h"
#include "kernels/reference/requantize.h"

namespace pietune::kernels::families {

struct ElementwiseOperands {
  std::int64_t count = 0;             // output elements
  bool single[2] = {false, false};    // operand i has one element, repeated
  bool constant[2] = {false, false};  // operand i is a model constant: read from a constant buffer

  bool any_constant() const { return constant[0] || constant[1]; }
};

// Rules "operands" (two inputs, one output, not both constant), "types" (int8 everywhere) and
// "broadcast" (equal shapes, or one operand of one element; the output has the other's elements).
std::optional<Rejection> check_elementwise(const Layer& layer);
// The operands of a layer that passed check_elementwise.
ElementwiseOperands elementwise_operands(const Layer& layer);

// Adds the constant operand's bytes (InputError "...: input <i>: no constant data" when absent) to
// `kernel` as a constant buffer named "operand", in the layer's activation layout, and takes that
// layout for the kernel: an NCHW layer's activation operand and output are NCHW bytes, so its
// constant operand is reordered to match (kernels/layout_order.h).
void add_constant_operand(GeneratedKernel& kernel, const Layer& layer, const ElementwiseOperands& ops);

// Points a2 at operand 0 and a5 at operand 1 (see the file comment); a4 must still hold the call
// block, `constant_word` is the call-block index of the "operand" buffer.
void emit_operand_pointers(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int constant_word);

// The clamp bounds of the layer's activation, inside int8.
int activation_min(const Layer& layer);
int activation_max(const Layer& layer);

// One per-tensor requantization MBQM(acc, m) + zero point, clamped (TFLM double rounding), with the
// multiplier, mask and half mask in registers. SAR must hold `right` when right > 0.
struct TensorRequant {
  int left = 0, right = 0;     // from the multiplier's shift
  std::int32_t zero_point = 0;
  bool finish = true;          // add the zero point and clamp; false: the raw MBQM (an intermediate)
  bool full_range = true;      // the clamp is the whole int8 range
  bool wide = false;           // |MBQM| may come near 2^31: clamp before adding the zero point
};
struct TensorRequantRegs {
  int acc = 12, t0 = 13, t1 = 14, t2 = 15;  // acc: in the int32, out the result; t*: clobbered
  int mult = 7, mask = 8, half = 9;         // mask and half unused when right == 0
  int low = 10, high = 11;                  // clamp bounds minus the zero point (finish, unless
                                            // full_range && !wide)
};

TensorRequant tensor_requant(const reference::QuantizedMultiplier& m, std::int32_t zero_point, int act_min,
                             int act_max);
// Whether the finishing clamp needs the low/high registers.
bool needs_clamp_registers(const TensorRequant& r);
// Words multiplier, mask, half of `m` (what the registers hold).
std::vector<std::int32_t> requant_words(const reference::QuantizedMultiplier& m);
void emit_tensor_requant(codegen::FunctionBuilder& b, const TensorRequantRegs& regs, const TensorRequant& r);
// The finishing step alone (zero point and clamp of the MBQM in regs.acc), for callers that load
// the clamp bounds into registers only after the multiply.
void emit_requant_finish(codegen::FunctionBuilder& b, const TensorRequantRegs& regs, const TensorRequant& r);

// A constant buffer of little-endian int32 words.
ConstantBuffer words_buffer(std::string name, const std::vector<std::int32_t>& words);

// Emits element(b, k) for `count` elements: a loop of `unroll` elements per trip (k = 0..unroll-1
// relative to the pointers), then the count % unroll left over. After each trip a2, a5 and a3
// advance by `unroll` (a single-element operand's pointer stays). The loop is a LOOPGTZ over
// count register `count_reg` when its body fits the 256-byte reach, else a counted loop with its
// counter in frame slot `counter_slot` (clobbering `tmp` between trips).
using ElementEmitter = std::function<void(codegen::FunctionBuilder& b, int k)>;
void emit_element_loop(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, std::int64_t count, int unroll,
                       int count_reg, int counter_slot, int tmp, const ElementEmitter& element);

// Loads operand `which`'s byte at pointer offset k into `reg` as a signed value (l8ui + sext).
void emit_load_operand(codegen::FunctionBuilder& b, const ElementwiseOperands& ops, int which, int k, int reg);

}  // namespace pietune::kernels::families
