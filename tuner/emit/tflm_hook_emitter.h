// The TensorFlow Lite Micro hook: <model>_pietune_tflm.h / .cc, generated next to the header.
//
// For each op with at least one tuned layer, a registration that is the stock one (its init,
// free, prepare) with its invoke replaced: a node whose output tensor index is one of a tuned
// layer's (the header's table, `output_tensor`) runs pietune's kernel on the tensors TFLM hands
// it, any other node the stock invoke. `pietune_<model>_add_kernels(resolver)` adds them to a
// tflite::MicroMutableOpResolver. Targets the TFLM API with TFLMRegistration
// (tensorflow/lite/micro/micro_common.h, TFLM from 2023 on; esp-tflite-micro 1.3): Register_<OP>(),
// MicroMutableOpResolver<N>::Add<Op>(const TFLMRegistration&), tflite::micro::GetEvalInput /
// GetEvalOutput / GetTensorData<int8_t>. The hook does not call set_scratch: the application
// gives the scratch once, before the first invoke.
#pragma once

#include <string>

#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

std::string emit_tflm_hook_header(const EmitContext& context);
std::string emit_tflm_hook_source(const EmitContext& context);

}  // namespace pietune::tuner
