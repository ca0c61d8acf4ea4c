// Shared by the reference op tests: layers with constant data, and requantization written out
// independently of kernels/reference (closed forms from research/tflite_semantics.md §1).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/layer.h"
#include "kernels/layer_check.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference::testing {

inline Quantization quant(float scale, std::int64_t zero_point) {
  return Quantization{{scale}, {zero_point}, 0};
}

inline Quantization channel_quant(std::vector<float> scales, int dimension) {
  return Quantization{scales, std::vector<std::int64_t>(scales.size(), 0), dimension};
}

inline TensorDesc activation(Shape shape, float scale, std::int64_t zero_point, int id = -1,
                             ElementType type = ElementType::kInt8) {
  TensorDesc t;
  t.shape = std::move(shape);
  t.type = type;
  t.quant = quant(scale, zero_point);
  t.id = id;
  return t;
}

template <typename T>
TensorDesc constant(Shape shape, ElementType type, const std::vector<T>& values, Quantization q) {
  TensorDesc t;
  t.shape = std::move(shape);
  t.type = type;
  t.quant = std::move(q);
  t.constant = true;
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
  t.data = std::move(bytes);
  return t;
}

inline TensorDesc int8_weights(Shape shape, const std::vector<std::int8_t>& values, Quantization q) {
  return constant(std::move(shape), ElementType::kInt8, values, std::move(q));
}

inline TensorDesc int32_bias(const std::vector<std::int32_t>& values) {
  return constant(Shape{static_cast<std::int32_t>(values.size())}, ElementType::kInt32, values,
                  quant(1.0f, 0));
}

inline Layer completed(Layer layer) {
  complete_layer(layer);
  return layer;
}

// Seeded int8 values in [lo, hi].
inline std::vector<std::int8_t> random_int8(std::mt19937& rng, std::size_t count, int lo = -128,
                                            int hi = 127) {
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(dist(rng));
  return v;
}

// ---- Requantization, written independently ----

__extension__ typedef __int128 Int128;  // exact products without -Wpedantic noise

// real = m * 2^(shift - 31) with m in [2^30, 2^31): halve or double until the mantissa is in
// [0.5, 1), then round m = mantissa * 2^31 half away from zero.
inline QuantizedMultiplier independent_multiplier(double real, bool single_rounding = false) {
  if (real == 0.0) return {};
  int shift = 0;
  double mantissa = real;
  while (mantissa >= 1.0) {
    mantissa /= 2.0;
    ++shift;
  }
  while (mantissa < 0.5) {
    mantissa *= 2.0;
    --shift;
  }
  long long m = std::llround(std::ldexp(mantissa, 31));
  if (m == (1LL << 31)) {
    m = 1LL << 30;
    ++shift;
  }
  if (shift < -31) return {};
  if (single_rounding && shift > 30) return {2147483647, 30};
  return {static_cast<std::int32_t>(m), shift};
}

inline Int128 floor_div(Int128 a, Int128 b) {
  Int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Double rounding: h = floor((a * m + 2^30) / 2^31) with a = x * 2^left wrapped to 32 bits, then
// h / 2^right rounded half away from zero.
inline std::int32_t independent_double_rounding(std::int32_t x, QuantizedMultiplier q) {
  const int left = q.shift > 0 ? q.shift : 0;
  const int right = q.shift > 0 ? 0 : -q.shift;
  const auto a = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int64_t>(x) << left));
  const Int128 h = floor_div(static_cast<Int128>(a) * q.multiplier + (Int128{1} << 30), Int128{1} << 31);
  if (right == 0) return static_cast<std::int32_t>(h);
  const Int128 half = Int128{1} << (right - 1);
  const Int128 magnitude = ((h < 0 ? -h : h) + half) >> right;
  return static_cast<std::int32_t>(h < 0 ? -magnitude : magnitude);
}

// Single rounding: floor((x * m + 2^(30 - shift)) / 2^(31 - shift)).
inline std::int32_t independent_single_rounding(std::int32_t x, QuantizedMultiplier q) {
  const int total = 31 - q.shift;
  return static_cast<std::int32_t>(
      floor_div(static_cast<Int128>(x) * q.multiplier + (Int128{1} << (total - 1)), Int128{1} << total));
}

inline std::int32_t independent_requantize(std::int32_t x, QuantizedMultiplier q, RoundingMode mode) {
  return mode == RoundingMode::kDouble ? independent_double_rounding(x, q)
                                       : independent_single_rounding(x, q);
}

inline std::int8_t clamp_int8(std::int64_t v, std::int64_t lo = -128, std::int64_t hi = 127) {
  return static_cast<std::int8_t>(v < lo ? lo : (v > hi ? hi : v));
}

}  // namespace pietune::kernels::reference::testing
