// Minimal stand-in for tensorflow/lite/micro/micro_mutable_op_resolver.h: the Add<Op> methods the
// hook calls, keeping what they were given (the test driver reads `added`).
#pragma once

#include "tensorflow/lite/micro/kernels/micro_ops.h"
#include "tensorflow/lite/micro/micro_common.h"

namespace tflite {

template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
  TfLiteStatus AddAdd(const TFLMRegistration& r = Register_ADD()) { return add(r); }
  TfLiteStatus AddAveragePool2D(const TFLMRegistration& r = Register_AVERAGE_POOL_2D()) { return add(r); }
  TfLiteStatus AddConv2D(const TFLMRegistration& r = Register_CONV_2D()) { return add(r); }
  TfLiteStatus AddDepthwiseConv2D(const TFLMRegistration& r = Register_DEPTHWISE_CONV_2D()) { return add(r); }
  TfLiteStatus AddFullyConnected(const TFLMRegistration& r = Register_FULLY_CONNECTED()) { return add(r); }
  TfLiteStatus AddMaxPool2D(const TFLMRegistration& r = Register_MAX_POOL_2D()) { return add(r); }
  TfLiteStatus AddMul(const TFLMRegistration& r = Register_MUL()) { return add(r); }
  TfLiteStatus AddTranspose(const TFLMRegistration& r = Register_TRANSPOSE()) { return add(r); }

  TFLMRegistration added[tOpCount] = {};
  unsigned int count = 0;

 private:
  TfLiteStatus add(const TFLMRegistration& r) {
    if (count == tOpCount) return kTfLiteError;
    added[count++] = r;
    return kTfLiteOk;
  }
};

}  // namespace tflite
