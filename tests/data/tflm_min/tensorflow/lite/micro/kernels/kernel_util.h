// Minimal stand-in for tensorflow/lite/micro/kernels/kernel_util.h: tensor access from an Eval.
#pragma once

#include "tensorflow/lite/c/common.h"

namespace tflite::micro {
const TfLiteEvalTensor* GetEvalInput(const TfLiteContext* context, const TfLiteNode* node, int index);
TfLiteEvalTensor* GetEvalOutput(const TfLiteContext* context, const TfLiteNode* node, int index);

template <typename T>
T* GetTensorData(TfLiteEvalTensor* tensor) {
  return tensor != nullptr ? reinterpret_cast<T*>(tensor->data.raw) : nullptr;
}
template <typename T>
const T* GetTensorData(const TfLiteEvalTensor* tensor) {
  return tensor != nullptr ? reinterpret_cast<const T*>(tensor->data.raw) : nullptr;
}
}  // namespace tflite::micro
