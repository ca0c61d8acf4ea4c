// NumPy-style broadcasting of the two operands of ADD and MUL, up to 6 dimensions as TFLM's
// Broadcast*6DSlow kernels: shapes are aligned at their last dimension, and a missing or size-1
// dimension repeats along the other operand's extent. E.g. [2, 1, 3] with [4, 1] gives [2, 4, 3].
#pragma once

#include <array>
#include <cstdint>

#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

inline constexpr int kMaxBroadcastRank = 6;

// The broadcast shape. Throws InputError "input shapes <a> and <b> do not broadcast" or
// "rank <r> above the 6 dimensions of broadcasting ops".
Shape broadcast_shape(const Shape& a, const Shape& b);

// Walks the output of broadcasting `a` with `b` in row-major order.
class BroadcastWalk {
 public:
  // `a` and `b` must broadcast (broadcast_shape does not throw for them).
  BroadcastWalk(const Shape& a, const Shape& b);

  const Shape& output_shape() const { return out_shape_; }

  // Calls fn(output_index, a_index, b_index) for every output element, flat indices.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    std::array<std::int64_t, kMaxBroadcastRank> counter{};
    std::int64_t a_index = 0, b_index = 0;
    const std::int64_t count = shape_element_count(out_shape_);
    for (std::int64_t out = 0; out < count; ++out) {
      fn(out, a_index, b_index);
      // Advance the 6-D counter from the last dimension, moving both operand indices with it.
      for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
        a_index += a_stride_[d];
        b_index += b_stride_[d];
        if (++counter[d] < extent_[d]) break;
        a_index -= a_stride_[d] * extent_[d];
        b_index -= b_stride_[d] * extent_[d];
        counter[d] = 0;
      }
    }
  }

 private:
  Shape out_shape_;
  std::array<std::int64_t, kMaxBroadcastRank> extent_{};    // output dims, padded in front with 1
  std::array<std::int64_t, kMaxBroadcastRank> a_stride_{};  // 0 along a broadcast dimension
  std::array<std::int64_t, kMaxBroadcastRank> b_stride_{};
};

}  // namespace pietune::kernels::reference
