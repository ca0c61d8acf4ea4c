// libFuzzer harness for JSON layer files (the `inspect`/`tune`/`query` input besides .tflite):
// every input must either read or throw pietune::InputError; anything else (crash, sanitizer
// report, an nlohmann exception) is a finding.
//
//   cmake --build build-fuzz --target layer_file_fuzz   (configured as in tflite_reader_fuzz.cc)
//   mkdir -p corpus && build-fuzz/tests/fuzz/layer_file_fuzz corpus tests/data/layers examples/capi
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/layer_json.h"
#include "model/support/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const pietune::kernels::Model model =
        pietune::kernels::parse_layer_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    // What the CLI does next with an accepted layer file must be safe too.
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
