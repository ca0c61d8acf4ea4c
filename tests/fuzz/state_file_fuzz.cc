// libFuzzer harness for emu state files: every input must either read or throw
// pietune::InputError; an accepted state is then applied to an emulator and dumped again, as
// `pietune emu --state IN.json --dump-state OUT.json` does.
//
//   cmake --build build-fuzz --target state_file_fuzz   (configured as in tflite_reader_fuzz.cc)
//   mkdir -p corpus && build-fuzz/tests/fuzz/state_file_fuzz corpus tests/data/asm -max_len=20000
// Blocks naming a "file" are read relative to the current folder, so run it from a scratch folder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/state_file.h"
#include "model/support/error.h"

namespace {

// A function that only enters and returns: the state goes in and comes out unchanged.
const pietune::model::Program& empty_function() {
  static const pietune::model::Program program =
      pietune::emu::parse_assembly("    .global f\nf:\n    entry a1, 32\n    retw.n\n", "fuzz.S");
  return program;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const pietune::emu::StateFile state =
        pietune::emu::parse_state(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json", ".");
    pietune::emu::Emulator emulator(empty_function());
    pietune::emu::apply_state(state, emulator);
    emulator.call("f", state.args(), {});
    (void)pietune::emu::dump_state(emulator, state, 0).dump();
  } catch (const pietune::InputError&) {
    // Rejected with a message (an EmuFault is one too): the expected outcome for bad input.
  }
  return 0;
}
