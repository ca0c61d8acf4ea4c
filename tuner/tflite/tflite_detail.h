// Internals of the .tflite reader shared by its files: checked vector access and error helpers.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernels/layer.h"
#include "model/support/error.h"
#include "tuner/tflite/tflite_subset_generated.h"

namespace pietune::tuner::detail {

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw InputError(fmt::format(format, std::forward<Args>(args)...));
}

// Element i of a verified flatbuffers vector of scalars, read with memcpy: the verifier checks
// only 4-byte alignment of a vector, so 8-byte elements (int64 zero points) may sit unaligned.
template <typename T>
T element(const flatbuffers::Vector<T>* v, flatbuffers::uoffset_t i) {
  T value;
  std::memcpy(&value, v->Data() + static_cast<std::size_t>(i) * sizeof(T), sizeof(T));
  return flatbuffers::EndianScalar(value);
}

template <typename T>
std::vector<T> to_vector(const flatbuffers::Vector<T>* v) {
  std::vector<T> out;
  if (!v) return out;
  out.reserve(v->size());
  for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) out.push_back(element(v, i));
  return out;
}

// The whole file (for Buffer.offset/size data) and its name for messages.
struct FileView {
  std::span<const std::uint8_t> bytes;
  std::string name;
};

// Every tensor of the main subgraph, converted and checked ("tensor N: ..." errors).
std::vector<kernels::TensorDesc> read_tensors(const tflite::Model& model,
                                              const tflite::SubGraph& graph, const FileView& file);

// One operator code: the effective builtin code and its name ("CUSTOM:<custom_code>" for custom ops).
struct OpCode {
  std::int32_t builtin = 0;
  std::string name;
};

// Every Layer holds copies of its tensor descriptions (name, shape, scales). A crafted file can
// reference one large description (long name, many per-channel scales) from many operator inputs;
// the budget caps the bytes all those copies take, so such a file is an error, not an
// out-of-memory abort.
class CopyBudget {
 public:
  static constexpr std::uint64_t kLimitBytes = 256ull << 20;
  // Charges one copy of `t`; throws InputError past the limit.
  void charge(const kernels::TensorDesc& t);

 private:
  std::uint64_t used_bytes_ = 0;
};

// One operator as a Layer; errors are "operator N (NAME): ..." (the file prefix is added by the
// caller).
kernels::Layer read_operator(const tflite::Operator& op, int index, const OpCode& code,
                             const std::vector<kernels::TensorDesc>& tensors, CopyBudget& budget);

}  // namespace pietune::tuner::detail
