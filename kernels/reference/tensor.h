// The tensors the reference ops read and write: a shape plus typed values in row-major order.
// NHWC images: element (b, y, x, c) of a [N, H, W, C] tensor is at ((b * H + y) * W + x) * C + c.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kernels/layer.h"

namespace pietune::kernels::reference {

using Shape = std::vector<std::int32_t>;

// Product of the dims (1 for rank 0). Every dim must be >= 0 (a bug otherwise).
std::int64_t shape_element_count(const Shape& shape);

// True for the element types a Tensor can hold: int8, int16, int32, float32.
bool is_tensor_type(ElementType type);

// A dense tensor. Which span accessor may be used follows type(); using another is a bug
// (PIETUNE_CHECK). Copyable and comparable (shape, type and every value).
class Tensor {
 public:
  Tensor();  // int8, shape [0], no values

  // Zero-filled tensor of `type` (is_tensor_type) and `shape`.
  static Tensor zeros(ElementType type, Shape shape);
  // From values; their count must equal the shape's element count (a bug otherwise).
  static Tensor from_int8(Shape shape, std::vector<std::int8_t> values);
  static Tensor from_int16(Shape shape, std::vector<std::int16_t> values);
  static Tensor from_int32(Shape shape, std::vector<std::int32_t> values);
  static Tensor from_float32(Shape shape, std::vector<float> values);
  // From raw little-endian bytes, e.g. a model constant or an input file. Throws
  // pietune::InputError "<what>: <n> bytes, <shape> <type> needs <m>" on a size mismatch and
  // "<what>: element type <type> not supported" for a type is_tensor_type rejects.
  static Tensor from_bytes(ElementType type, Shape shape, std::span<const std::uint8_t> bytes,
                           const std::string& what);

  ElementType type() const;
  const Shape& shape() const { return shape_; }
  std::int64_t element_count() const;
  std::int64_t size_bytes() const;
  // The values as raw little-endian bytes (the inverse of from_bytes).
  std::vector<std::uint8_t> to_bytes() const;

  std::span<const std::int8_t> int8() const;
  std::span<std::int8_t> int8();
  std::span<const std::int16_t> int16() const;
  std::span<std::int16_t> int16();
  std::span<const std::int32_t> int32() const;
  std::span<std::int32_t> int32();
  std::span<const float> float32() const;
  std::span<float> float32();

  // The same type and values under another shape of the same element count (a bug otherwise).
  Tensor with_shape(Shape shape) const;

  bool operator==(const Tensor& other) const = default;

 private:
  using Values = std::variant<std::vector<std::int8_t>, std::vector<std::int16_t>, std::vector<std::int32_t>,
                              std::vector<float>>;
  Tensor(Shape shape, Values values);

  Shape shape_;
  Values values_;
};

}  // namespace pietune::kernels::reference
