// Broadcast shapes and the per-dimension strides of each operand (0 where it repeats).
#include "kernels/reference/broadcast.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::reference {
namespace {

// `shape` right-aligned in kMaxBroadcastRank dims, 1 in front.
std::array<std::int64_t, kMaxBroadcastRank> padded(const Shape& shape) {
  std::array<std::int64_t, kMaxBroadcastRank> dims;
  dims.fill(1);
  const std::size_t offset = kMaxBroadcastRank - shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) dims[offset + i] = shape[i];
  return dims;
}

std::array<std::int64_t, kMaxBroadcastRank> strides(const std::array<std::int64_t, kMaxBroadcastRank>& dims) {
  std::array<std::int64_t, kMaxBroadcastRank> s{};
  std::int64_t step = 1;
  for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
    s[d] = dims[d] == 1 ? 0 : step;
    step *= dims[d];
  }
  return s;
}

}  // namespace

Shape broadcast_shape(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  if (rank > kMaxBroadcastRank) {
    throw InputError(
        fmt::format("rank {} above the {} dimensions of broadcasting ops", rank, kMaxBroadcastRank));
  }
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw InputError(
          fmt::format("input shapes {} and {} do not broadcast", shape_to_string(a), shape_to_string(b)));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

BroadcastWalk::BroadcastWalk(const Shape& a, const Shape& b) : out_shape_(broadcast_shape(a, b)) {
  extent_ = padded(out_shape_);
  a_stride_ = strides(padded(a));
  b_stride_ = strides(padded(b));
}

}  // namespace pietune::kernels::reference
