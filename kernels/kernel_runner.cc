// A generated kernel on given data in the emulator (see the header).
#include "kernels/kernel_runner.h"

#include "emu_bridge/emulator.h"
#include "emu_bridge/memory_map.h"
#include "kernels/emu_layout.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

std::uint32_t align16(std::uint64_t value) { return static_cast<std::uint32_t>((value + 15) / 16 * 16); }

}  // namespace

KernelRun run_kernel(const Layer& layer, const GeneratedKernel& kernel, std::span<const std::uint8_t> input) {
  const auto in_bytes = static_cast<std::uint32_t>(layer.input().size_bytes());
  const auto out_bytes = static_cast<std::uint32_t>(layer.output().size_bytes());
  PIETUNE_CHECK(input.size() == in_bytes) << input.size() << " != " << in_bytes;
  emu::Emulator emulator(kernel.program);
  emu::Memory& memory = emulator.memory();
  std::vector<std::uint8_t> block;
  const auto word = [&](std::uint32_t w) {
    for (int k = 0; k < 4; ++k) block.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  };
  std::uint32_t flash = emu::kFlashBase;
  for (const ConstantBuffer& c : kernel.constants) {
    memory.load(flash, c.bytes);
    word(flash);
    flash = align16(flash + c.bytes.size() + 64);
  }
  word(kernel.scratch_bytes == 0 ? 0 : kernel.scratch_bytes <= kSramScratchLimit ? kSramScratchAddr : kPsramScratchAddr);
  memory.load(kCallBlockAddr, block);
  const std::uint32_t in_addr = emu::kPsramBase + 64;
  const std::uint32_t out_addr = align16(std::uint64_t{in_addr} + in_bytes + kernel.input_overread_bytes + 64);
  memory.load(in_addr, std::vector<std::uint8_t>(input.begin(), input.end()));
  KernelRun run;
  try {
    const std::uint32_t args[] = {in_addr, out_addr, kCallBlockAddr};
    run.instructions = emulator.call(kernel.symbol, args).instructions;
  } catch (const emu::EmuFault& fault) {
    run.fault = fault.what();
    return run;
  }
  run.output = memory.dump(out_addr, out_bytes);
  return run;
}

}  // namespace pietune::kernels
