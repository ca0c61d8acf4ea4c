// Minimal stand-in for tensorflow/lite/micro/kernels/micro_ops.h: the stock registrations of the
// ops pietune tunes.
#pragma once

#include "tensorflow/lite/micro/micro_common.h"

namespace tflite {
TFLMRegistration Register_ADD();
TFLMRegistration Register_AVERAGE_POOL_2D();
TFLMRegistration Register_CONV_2D();
TFLMRegistration Register_DEPTHWISE_CONV_2D();
TFLMRegistration Register_FULLY_CONNECTED();
TFLMRegistration Register_MAX_POOL_2D();
TFLMRegistration Register_MUL();
TFLMRegistration Register_TRANSPOSE();
}  // namespace tflite
