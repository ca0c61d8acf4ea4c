// Runs the generated TFLM hook of hello_world_int8 (three FULLY_CONNECTED layers, output tensors
// 7, 8 and 9) against the stand-in API: the hooked registration must run pietune's kernel, with
// the tensors' buffers and the layer's call block, on a node writing a tuned tensor, and the stock
// invoke on any other node; its prepare stays the stock one. Exit 0 when all holds.
#include <cstdio>

#include "hello_world_int8_pietune.h"
#include "hello_world_int8_pietune_tflm.h"
#include "tensorflow/lite/micro/kernels/kernel_util.h"

namespace {

TfLiteEvalTensor g_tensors[10];
int g_stock_invokes = 0, g_stock_prepares = 0;
struct Call {
  int kernel = -1;
  const int8_t* input = nullptr;
  int8_t* output = nullptr;
  const uint32_t* call_block = nullptr;
} g_last;

TfLiteStatus stock_prepare(TfLiteContext*, TfLiteNode*) {
  ++g_stock_prepares;
  return kTfLiteOk;
}
TfLiteStatus stock_invoke(TfLiteContext*, TfLiteNode*) {
  ++g_stock_invokes;
  return kTfLiteOk;
}

int check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "hook_driver: %s\n", what);
  return ok ? 0 : 1;
}

}  // namespace

namespace tflite {
TFLMRegistration Register_FULLY_CONNECTED() {
  TFLMRegistration r{};
  r.prepare = stock_prepare;
  r.invoke = stock_invoke;
  r.builtin_code = 9;
  return r;
}
TFLMRegistration Register_ADD() { return {}; }
TFLMRegistration Register_AVERAGE_POOL_2D() { return {}; }
TFLMRegistration Register_CONV_2D() { return {}; }
TFLMRegistration Register_DEPTHWISE_CONV_2D() { return {}; }
TFLMRegistration Register_MAX_POOL_2D() { return {}; }
TFLMRegistration Register_MUL() { return {}; }
TFLMRegistration Register_TRANSPOSE() { return {}; }
namespace micro {
const TfLiteEvalTensor* GetEvalInput(const TfLiteContext*, const TfLiteNode* node, int index) {
  return &g_tensors[node->inputs->data[index]];
}
TfLiteEvalTensor* GetEvalOutput(const TfLiteContext*, const TfLiteNode* node, int index) {
  return &g_tensors[node->outputs->data[index]];
}
}  // namespace micro
}  // namespace tflite

// The kernels and call blocks the generated header declares (the .S defines them on the chip).
extern "C" {
uint32_t pietune_hello_world_int8_l0_call_block[8], pietune_hello_world_int8_l1_call_block[8],
    pietune_hello_world_int8_l2_call_block[8];
void record(int kernel, const int8_t* input, int8_t* output, const uint32_t* call_block) {
  g_last = {kernel, input, output, call_block};
}
void pietune_hello_world_int8_l0(const int8_t* i, int8_t* o, const uint32_t* c) { record(0, i, o, c); }
void pietune_hello_world_int8_l1(const int8_t* i, int8_t* o, const uint32_t* c) { record(1, i, o, c); }
void pietune_hello_world_int8_l2(const int8_t* i, int8_t* o, const uint32_t* c) { record(2, i, o, c); }
}

int main() {
  static int8_t buffers[10][16];
  for (int t = 0; t < 10; ++t) g_tensors[t].data.int8 = buffers[t];
  tflite::MicroMutableOpResolver<4> resolver;
  int failures = check(pietune_hello_world_int8_add_kernels(resolver) == kTfLiteOk, "add_kernels failed");
  failures += check(resolver.count == 1, "one registration (FULLY_CONNECTED) expected");
  const TFLMRegistration& fc = resolver.added[0];
  failures += check(fc.builtin_code == 9 && fc.prepare == stock_prepare, "the stock registration is not kept");

  // Layer 1: input tensor 7, weights 4, bias 5, output tensor 8.
  TfLiteIntArray inputs = {3, {7, 4, 5, 0}}, outputs = {1, {8, 0, 0, 0}};
  TfLiteNode node{&inputs, &outputs, nullptr, nullptr};
  failures += check(fc.prepare(nullptr, &node) == kTfLiteOk && g_stock_prepares == 1, "prepare is not the stock one");
  failures += check(fc.invoke(nullptr, &node) == kTfLiteOk, "invoke failed");
  failures += check(g_last.kernel == 1 && g_last.input == buffers[7] && g_last.output == buffers[8] &&
                        g_last.call_block == pietune_hello_world_int8_l1_call_block,
                    "layer 1 did not run pietune's kernel on its tensors");
  failures += check(g_stock_invokes == 0, "the stock kernel ran on a tuned layer");

  // A node writing a tensor no tuned layer writes: the stock kernel.
  outputs.data[0] = 3;
  g_last = {};
  failures += check(fc.invoke(nullptr, &node) == kTfLiteOk && g_stock_invokes == 1 && g_last.kernel == -1,
                    "an untuned node did not run the stock kernel");
  return failures == 0 ? 0 : 1;
}
