// .tflite tensors to kernels::TensorDesc: shape, type, quantization and constant data, all checked.
#include <map>
#include <memory>

#include "kernels/layer_check.h"
#include "model/support/utf8.h"
#include "tuner/tflite/tflite_detail.h"

namespace pietune::tuner::detail {
namespace {

using kernels::ElementType;
using kernels::TensorDesc;

ElementType element_type(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType::INT8: return ElementType::kInt8;
    case tflite::TensorType::UINT8: return ElementType::kUint8;
    case tflite::TensorType::INT16: return ElementType::kInt16;
    case tflite::TensorType::INT32: return ElementType::kInt32;
    case tflite::TensorType::INT64: return ElementType::kInt64;
    case tflite::TensorType::FLOAT32: return ElementType::kFloat32;
    case tflite::TensorType::FLOAT16: return ElementType::kFloat16;
    case tflite::TensorType::BOOL: return ElementType::kBool;
    case tflite::TensorType::INT4: return ElementType::kInt4;
    default: return ElementType::kOther;
  }
}

std::optional<kernels::Quantization> read_quantization(const tflite::Tensor& t) {
  const tflite::QuantizationParameters* q = t.quantization();
  // A quantization table without scales (e.g. on int32 shape tensors) means "not quantized".
  if (!q || !q->scale() || q->scale()->size() == 0) return std::nullopt;
  kernels::Quantization quant;
  quant.scales = to_vector(q->scale());
  quant.zero_points = to_vector(q->zero_point());
  if (quant.scales.size() > 1) quant.quantized_dimension = q->quantized_dimension();
  // TFLite ignores the quantized dimension of a bias. person_detect.tflite's depthwise biases
  // (rank 1) carry 3, copied from their filters; a rank-1 tensor can only be quantized along 0.
  if (t.shape() && t.shape()->size() == 1) quant.quantized_dimension = 0;
  return quant;
}

// The constant bytes of a buffer: inline `data`, or `offset`/`size` into the file (models over
// 2 GB keep their data after the flatbuffer). Null when the buffer holds nothing.
std::shared_ptr<const std::vector<std::uint8_t>> buffer_bytes(const tflite::Buffer& buffer,
                                                              const FileView& file) {
  if (buffer.data() && buffer.data()->size() > 0) {
    const auto* begin = buffer.data()->Data();
    return std::make_shared<const std::vector<std::uint8_t>>(begin, begin + buffer.data()->size());
  }
  if (buffer.offset() > 1) {
    const std::uint64_t offset = buffer.offset();
    const std::uint64_t size = buffer.size();
    if (offset > file.bytes.size() || size > file.bytes.size() - offset) {
      fail("data at offset {} size {} outside the file ({} bytes)", offset, size, file.bytes.size());
    }
    const auto* begin = file.bytes.data() + offset;
    return std::make_shared<const std::vector<std::uint8_t>>(begin, begin + size);
  }
  return nullptr;
}

// Expected byte length of constant data for a shape and type; nullopt when the type's size is
// not known (kOther).
std::optional<std::int64_t> expected_bytes(const TensorDesc& t) {
  if (t.type == ElementType::kOther) return std::nullopt;
  return t.size_bytes();
}

TensorDesc read_tensor(const tflite::Tensor& t, const flatbuffers::Vector<flatbuffers::Offset<tflite::Buffer>>* buffers,
                       const FileView& file,
                       std::map<std::uint32_t, std::shared_ptr<const std::vector<std::uint8_t>>>& cache) {
  TensorDesc desc;
  // Names are bytes in the file: made valid UTF-8 here, so no JSON writer downstream can throw on one.
  if (t.name()) desc.name = valid_utf8(t.name()->string_view());
  if (t.shape() && t.shape()->size() > static_cast<std::size_t>(kernels::kMaxRank)) {
    fail("rank {} above the supported {}", t.shape()->size(), kernels::kMaxRank);
  }
  desc.shape = to_vector(t.shape());
  desc.type = element_type(t.type());
  desc.quant = read_quantization(t);
  kernels::check_tensor(desc, /*allow_zero_dims=*/true);

  const std::uint32_t index = t.buffer();
  const std::uint32_t count = buffers ? buffers->size() : 0;
  if (index != 0 && index >= count) {
    fail("buffer index {} out of range ({} buffers)", index, count);
  }
  if (index == 0 || t.is_variable()) return desc;  // buffer 0 = no data; variables are state
  auto [it, inserted] = cache.try_emplace(index);
  if (inserted) {
    try {
      it->second = buffer_bytes(*buffers->Get(index), file);
    } catch (const InputError& e) {
      cache.erase(it);
      fail("buffer {}: {}", index, e.what());
    }
  }
  if (!it->second) return desc;  // activation tensors often own an empty buffer
  const auto expected = expected_bytes(desc);
  if (expected && static_cast<std::int64_t>(it->second->size()) != *expected) {
    fail("buffer {} holds {} bytes, shape {} {} needs {}", index, it->second->size(),
         kernels::shape_to_string(desc.shape), kernels::to_string(desc.type), *expected);
  }
  desc.constant = true;
  desc.data = it->second;
  return desc;
}

}  // namespace

std::vector<TensorDesc> read_tensors(const tflite::Model& model, const tflite::SubGraph& graph,
                                     const FileView& file) {
  std::vector<TensorDesc> tensors;
  if (!graph.tensors()) return tensors;
  std::map<std::uint32_t, std::shared_ptr<const std::vector<std::uint8_t>>> cache;
  tensors.reserve(graph.tensors()->size());
  for (flatbuffers::uoffset_t i = 0; i < graph.tensors()->size(); ++i) {
    try {
      TensorDesc desc = read_tensor(*graph.tensors()->Get(i), model.buffers(), file, cache);
      desc.id = static_cast<int>(i);
      tensors.push_back(std::move(desc));
    } catch (const InputError& e) {
      fail("tensor {}: {}", i, e.what());
    }
  }
  return tensors;
}

}  // namespace pietune::tuner::detail
