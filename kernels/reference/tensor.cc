// Tensor storage: typed value vectors behind a variant, byte conversion, checked accessors.
#include "kernels/reference/tensor.h"

#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::reference {
namespace {

template <typename T>
std::vector<T> values_from_bytes(std::span<const std::uint8_t> bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

// The values as a span of T; `values` is the (const or mutable) variant of a Tensor.
template <typename T, typename Variant>
std::span<T> checked(Variant& values, ElementType actual, const char* wanted) {
  auto* v = std::get_if<std::vector<std::remove_const_t<T>>>(&values);
  PIETUNE_CHECK(v != nullptr) << "tensor of type " << to_string(actual) << " read as " << wanted;
  return std::span<T>(v->data(), v->size());
}

}  // namespace

std::int64_t shape_element_count(const Shape& shape) {
  std::int64_t count = 1;
  for (std::int32_t d : shape) {
    PIETUNE_CHECK(d >= 0) << "negative dim in " << shape_to_string(shape);
    count *= d;
  }
  return count;
}

bool is_tensor_type(ElementType type) {
  return type == ElementType::kInt8 || type == ElementType::kInt16 || type == ElementType::kInt32 ||
         type == ElementType::kFloat32;
}

Tensor::Tensor() : shape_{0}, values_(std::vector<std::int8_t>{}) {}

Tensor::Tensor(Shape shape, Values values) : shape_(std::move(shape)), values_(std::move(values)) {
  const std::int64_t count = shape_element_count(shape_);
  const auto size = std::visit([](const auto& v) { return static_cast<std::int64_t>(v.size()); }, values_);
  PIETUNE_CHECK(size == count) << size << " values for shape " << shape_to_string(shape_);
}

Tensor Tensor::zeros(ElementType type, Shape shape) {
  const auto count = static_cast<std::size_t>(shape_element_count(shape));
  switch (type) {
    case ElementType::kInt8: return Tensor(std::move(shape), std::vector<std::int8_t>(count));
    case ElementType::kInt16: return Tensor(std::move(shape), std::vector<std::int16_t>(count));
    case ElementType::kInt32: return Tensor(std::move(shape), std::vector<std::int32_t>(count));
    case ElementType::kFloat32: return Tensor(std::move(shape), std::vector<float>(count));
    default: break;
  }
  PIETUNE_CHECK(false) << "no tensor of element type " << to_string(type);
  return {};
}

Tensor Tensor::from_int8(Shape shape, std::vector<std::int8_t> values) {
  return Tensor(std::move(shape), std::move(values));
}

Tensor Tensor::from_int16(Shape shape, std::vector<std::int16_t> values) {
  return Tensor(std::move(shape), std::move(values));
}

Tensor Tensor::from_int32(Shape shape, std::vector<std::int32_t> values) {
  return Tensor(std::move(shape), std::move(values));
}

Tensor Tensor::from_float32(Shape shape, std::vector<float> values) {
  return Tensor(std::move(shape), std::move(values));
}

Tensor Tensor::from_bytes(ElementType type, Shape shape, std::span<const std::uint8_t> bytes,
                          const std::string& what) {
  if (!is_tensor_type(type)) {
    throw InputError(fmt::format("{}: element type {} not supported", what, to_string(type)));
  }
  const std::int64_t needed = shape_element_count(shape) * element_size_bytes(type);
  if (static_cast<std::int64_t>(bytes.size()) != needed) {
    throw InputError(fmt::format("{}: {} bytes, {} {} needs {}", what, bytes.size(), shape_to_string(shape),
                                 to_string(type), needed));
  }
  switch (type) {
    case ElementType::kInt8: return Tensor(std::move(shape), values_from_bytes<std::int8_t>(bytes));
    case ElementType::kInt16: return Tensor(std::move(shape), values_from_bytes<std::int16_t>(bytes));
    case ElementType::kInt32: return Tensor(std::move(shape), values_from_bytes<std::int32_t>(bytes));
    default: return Tensor(std::move(shape), values_from_bytes<float>(bytes));
  }
}

ElementType Tensor::type() const {
  switch (values_.index()) {
    case 0: return ElementType::kInt8;
    case 1: return ElementType::kInt16;
    case 2: return ElementType::kInt32;
    default: return ElementType::kFloat32;
  }
}

std::int64_t Tensor::element_count() const { return shape_element_count(shape_); }

std::int64_t Tensor::size_bytes() const { return element_count() * element_size_bytes(type()); }

std::vector<std::uint8_t> Tensor::to_bytes() const {
  return std::visit(
      [](const auto& v) {
        std::vector<std::uint8_t> bytes(v.size() * sizeof(v[0]));
        if (!bytes.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
        return bytes;
      },
      values_);
}

std::span<const std::int8_t> Tensor::int8() const {
  return checked<const std::int8_t>(values_, type(), "int8");
}
std::span<std::int8_t> Tensor::int8() { return checked<std::int8_t>(values_, type(), "int8"); }
std::span<const std::int16_t> Tensor::int16() const {
  return checked<const std::int16_t>(values_, type(), "int16");
}
std::span<std::int16_t> Tensor::int16() { return checked<std::int16_t>(values_, type(), "int16"); }
std::span<const std::int32_t> Tensor::int32() const {
  return checked<const std::int32_t>(values_, type(), "int32");
}
std::span<std::int32_t> Tensor::int32() { return checked<std::int32_t>(values_, type(), "int32"); }
std::span<const float> Tensor::float32() const { return checked<const float>(values_, type(), "float32"); }
std::span<float> Tensor::float32() { return checked<float>(values_, type(), "float32"); }

Tensor Tensor::with_shape(Shape shape) const { return Tensor(std::move(shape), values_); }

}  // namespace pietune::kernels::reference
