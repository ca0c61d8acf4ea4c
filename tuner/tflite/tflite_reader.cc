// .tflite reader: verify the flatbuffer, read operator codes, tensors and operators of subgraph 0.
#include "tuner/tflite/tflite_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "tuner/tflite/builtin_ops.h"
#include "tuner/tflite/tflite_detail.h"

namespace pietune::tuner {
namespace {

using detail::fail;

constexpr std::size_t kMinModelBytes = 8;  // root offset + "TFL3"
static_assert(kMaxModelBytes == std::numeric_limits<std::int32_t>::max() - 1);

// Custom op names come from the file: keep them to printable ASCII for tables and messages.
std::string printable(std::string text) {
  for (char& c : text) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return text;
}

std::vector<detail::OpCode> read_op_codes(const tflite::Model& model) {
  std::vector<detail::OpCode> codes;
  if (!model.operator_codes()) return codes;
  for (flatbuffers::uoffset_t i = 0; i < model.operator_codes()->size(); ++i) {
    const tflite::OperatorCode& code = *model.operator_codes()->Get(i);
    // Old files only set the int8 field; newer ones put 127 there and the real code in the int32.
    const std::int32_t builtin = std::max<std::int32_t>(code.builtin_code(), code.deprecated_builtin_code());
    if (builtin < 0) fail("operator code {}: builtin code {} negative", i, builtin);
    detail::OpCode op{builtin, builtin_op_name(builtin)};
    if (builtin == static_cast<std::int32_t>(BuiltinOp::kCustom) && code.custom_code()) {
      op.name = "CUSTOM:" + printable(code.custom_code()->str());
    }
    codes.push_back(std::move(op));
  }
  return codes;
}

std::vector<int> graph_tensor_ids(const flatbuffers::Vector<std::int32_t>* ids, const char* role,
                                  std::size_t tensor_count) {
  std::vector<int> out;
  for (std::int32_t id : detail::to_vector(ids)) {
    if (id < 0 || static_cast<std::size_t>(id) >= tensor_count) {
      fail("subgraph 0: {} tensor index {} out of range ({} tensors)", role, id, tensor_count);
    }
    out.push_back(id);
  }
  return out;
}

std::string model_name(std::string_view file_name) {
  const std::size_t slash = file_name.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

kernels::Model read_verified(const tflite::Model& model, const detail::FileView& file) {
  if (!model.subgraphs() || model.subgraphs()->size() == 0) fail("no subgraphs");
  const tflite::SubGraph& graph = *model.subgraphs()->Get(0);
  const std::vector<detail::OpCode> codes = read_op_codes(model);
  const std::vector<kernels::TensorDesc> tensors = detail::read_tensors(model, graph, file);

  kernels::Model result;
  result.name = model_name(file.name);
  result.input_ids = graph_tensor_ids(graph.inputs(), "input", tensors.size());
  result.output_ids = graph_tensor_ids(graph.outputs(), "output", tensors.size());
  if (!graph.operators()) return result;
  detail::CopyBudget budget;
  for (flatbuffers::uoffset_t i = 0; i < graph.operators()->size(); ++i) {
    const tflite::Operator& op = *graph.operators()->Get(i);
    const std::uint32_t code = op.opcode_index();
    if (code >= codes.size()) {
      fail("operator {}: opcode index {} out of range ({} operator codes)", i, code, codes.size());
    }
    result.layers.push_back(
        detail::read_operator(op, static_cast<int>(i), codes[code], tensors, budget));
  }
  return result;
}

}  // namespace

bool has_tflite_identifier(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= kMinModelBytes && std::memcmp(bytes.data() + 4, "TFL3", 4) == 0;
}

kernels::Model read_tflite(std::span<const std::uint8_t> bytes, std::string_view file_name) {
  const std::string name(file_name);
  if (bytes.size() < kMinModelBytes) {
    fail("{}: {} bytes, too short for a .tflite model", name, bytes.size());
  }
  if (!has_tflite_identifier(bytes)) fail("{}: no .tflite identifier \"TFL3\" at bytes 4..7", name);
  if (bytes.size() > kMaxModelBytes) {
    fail("{}: {} bytes, models of 2 GiB and more are not supported", name, bytes.size());
  }
  // The verifier checks alignment relative to the buffer start; copy a misaligned buffer so that
  // the checked offsets are aligned in memory as well.
  std::vector<std::uint8_t> aligned_copy;
  std::span<const std::uint8_t> data = bytes;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 16 != 0) {
    aligned_copy.assign(bytes.begin(), bytes.end());
    data = aligned_copy;
  }
  flatbuffers::Verifier verifier(data.data(), data.size());
  if (!tflite::VerifyModelBuffer(verifier)) {
    fail("{}: flatbuffer verification failed (truncated or corrupt file)", name);
  }
  const tflite::Model& model = *tflite::GetModel(data.data());
  try {
    return read_verified(model, detail::FileView{data, name});
  } catch (const InputError& e) {
    fail("{}: {}", name, e.what());
  }
}

}  // namespace pietune::tuner
