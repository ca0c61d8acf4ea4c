// Names of the TFLite builtin operators (codes 0..158 of schema.fbs) and the ones pietune models.
#include "tuner/tflite/builtin_ops.h"

#include <array>

namespace pietune::tuner {
namespace {

// Index = BuiltinOperator value. Checked against a flatc-generated schema header (BuiltinOperator
// enum, SIGN = 158 last); a value from a newer schema prints as BUILTIN_<code>.
constexpr std::array<const char*, 159> kNames{
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
    "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC",
    "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
    "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
    "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN",
    "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV",
    "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
    "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU",
    "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL",
    "LESS_EQUAL", "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE",
    "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN",
    "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND",
    "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE",
    "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",
    "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS",
    "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG",
    "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
    "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D", "CONV_3D",
    "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
    "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE",
    "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM",
    "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD",
    "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN",
};

}  // namespace

std::string builtin_op_name(std::int32_t code) {
  if (code >= 0 && static_cast<std::size_t>(code) < kNames.size()) return kNames[code];
  return "BUILTIN_" + std::to_string(code);
}

kernels::OpKind builtin_op_kind(std::int32_t code) {
  using kernels::OpKind;
  switch (static_cast<BuiltinOp>(code)) {
    case BuiltinOp::kAdd: return OpKind::kAdd;
    case BuiltinOp::kAveragePool2d: return OpKind::kAveragePool2d;
    case BuiltinOp::kConcatenation: return OpKind::kConcatenation;
    case BuiltinOp::kConv2d: return OpKind::kConv2d;
    case BuiltinOp::kDepthwiseConv2d: return OpKind::kDepthwiseConv2d;
    case BuiltinOp::kDequantize: return OpKind::kDequantize;
    case BuiltinOp::kFullyConnected: return OpKind::kFullyConnected;
    case BuiltinOp::kMaxPool2d: return OpKind::kMaxPool2d;
    case BuiltinOp::kMul: return OpKind::kMul;
    case BuiltinOp::kReshape: return OpKind::kReshape;
    case BuiltinOp::kSoftmax: return OpKind::kSoftmax;
    case BuiltinOp::kPad: return OpKind::kPad;
    case BuiltinOp::kPadV2: return OpKind::kPad;
    case BuiltinOp::kMean: return OpKind::kMean;
    case BuiltinOp::kTranspose: return OpKind::kTranspose;
    case BuiltinOp::kQuantize: return OpKind::kQuantize;
    default: return OpKind::kUnsupported;
  }
}

}  // namespace pietune::tuner
