// libFuzzer harness for the .tflite reader: every input must either read or throw
// pietune::InputError; anything else (crash, sanitizer report, other exception) is a finding.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
//         -DPIETUNE_FUZZ=ON -DPIETUNE_SANITIZE=ON -DPIETUNE_BENCH=OFF
//   cmake --build build-fuzz --target tflite_reader_fuzz
//   mkdir -p corpus && build-fuzz/tests/fuzz/tflite_reader_fuzz corpus examples/models -max_len=400000
#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "tuner/tflite/tflite_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const pietune::kernels::Model model =
        pietune::tuner::read_tflite(std::span<const std::uint8_t>(data, size), "fuzz.tflite");
    // What the CLI does next with an accepted model must be safe too.
    for (const pietune::kernels::Layer& layer : model.layers) {
      (void)layer.macs();
      (void)layer.weight_bytes();
      (void)layer.activation_bytes();
      (void)layer.full_identity();
    }
    (void)pietune::kernels::layers_to_json_text(model.layers);
  } catch (const pietune::InputError&) {
    // Rejected with a message: the expected outcome for bad input.
  }
  return 0;
}
