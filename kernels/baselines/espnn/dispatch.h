// esp-nn's dispatch as code: for a layer, the ESP32-S3 kernel path stock esp-tflite-micro with
// esp-nn runs, and the conditions that chose it.
//
// Two dispatchers decide, and both are modelled: esp-tflite-micro's esp-nn op wrappers
// (tensorflow/lite/micro/kernels/esp_nn/*.cc: which ops and types reach esp-nn at all) and esp-nn's
// own S3 entry points (esp_nn_conv_s8_esp32s3, esp_nn_depthwise_conv_s8_esp32s3,
// esp_nn_fully_connected_s8_esp32s3, ...: which kernel a shape gets). The rules follow esp-nn at
// d45b843, the commit research/s3_isa_facts.md §7 was read at; each rule names its source.
// Runtime-only conditions (pointer alignment) take the value TFLM gives them: arena tensors and
// scratch buffers are 16-byte aligned.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "kernels/layer.h"

namespace pietune::kernels::espnn {

struct EspnnPath {
  // The S3 kernel esp-nn runs, e.g. "esp_nn_conv_s8_mult8_1x1_esp32s3"; "" when esp-tflite-micro
  // runs the TFLite Micro reference op instead (no esp-nn kernel for the op, type or option).
  std::string kernel;
  // The conditions that chose it, with the layer's numbers:
  // "1x1, pad 0, stride 1, in_ch 32 % 8 == 0".
  std::string reason;
  // esp-nn's portable C code (esp_nn_conv_s8_ansi, esp_nn_depthwise_conv_s8_opt) rather than an S3
  // kernel.
  bool ansi_c_fallback = false;
};

// The figures esp-nn's dispatchers test, read off a layer (esp-nn's names).
struct DispatchFacts {
  ElementType input_type = ElementType::kInt8, weight_type = ElementType::kInt8,
              output_type = ElementType::kInt8;
  int in_w = 0, in_h = 0, in_ch = 0;
  int out_w = 0, out_h = 0, out_ch = 0;
  int filter_w = 0, filter_h = 0, filter_ch = 0;  // filter_ch: conv filter input channels
  int stride_w = 1, stride_h = 1, dilation_w = 1, dilation_h = 1;
  int pad_wd = 0, pad_ht = 0;         // leading (left/top) padding, as TFLM passes it
  int pad_right = 0, pad_bottom = 0;  // trailing padding as esp_nn_conv_s8_esp32s3 derives it
  int ch_mult = 1;
  int row_len = 0;                    // fully connected: elements per output
  long long input_offset = 0;         // -input zero point
  long long filter_offset = 0;        // -weights zero point
  bool broadcast = false;             // ADD/MUL: the inputs' shapes differ
  bool shapes_known = true;           // the op's tensors have the rank esp-nn expects
};

DispatchFacts dispatch_facts(const Layer& layer);

// One row of the dispatch table. Rows are tried in order; the first whose op matches and whose
// predicate holds decides.
struct DispatchRule {
  OpKind op;
  std::string_view op_name;  // non-empty: matches only layers with this op_name (RELU6)
  std::string_view kernel;   // "" = the TFLite Micro reference op
  bool ansi_c_fallback;
  std::string_view condition;  // the rule in prose (README, tests)
  std::string_view source;     // repository, file and function the condition is read from
  bool (*holds)(const DispatchFacts&);
  std::string (*reason)(const DispatchFacts&);
};

std::span<const DispatchRule> dispatch_rules();

// Never throws: every layer pietune reads gets an answer.
EspnnPath espnn_path(const Layer& layer);

// "esp_nn_conv_s8_mult8_1x1_esp32s3 (1x1, pad 0, stride 1, in_ch 32 % 8 == 0)"; the reason alone
// when esp-nn has no kernel ("no esp-nn kernel: TFLM reference op").
std::string espnn_path_text(const EspnnPath& path);

}  // namespace pietune::kernels::espnn
