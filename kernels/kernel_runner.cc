// A generated kernel on given data in the emulator (see the header).
#include "kernels/kernel_runner.h"

#include <utility>

#include "emu_bridge/emulator.h"
#include "emu_bridge/memory_map.h"
#include "kernels/emu_layout.h"
#include "kernels/layout_order.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

std::uint32_t align16(std::uint64_t value) { return static_cast<std::uint32_t>((value + 15) / 16 * 16); }

}  // namespace

KernelRun run_kernel(const Layer& layer, const GeneratedKernel& kernel,
                     std::span<const std::vector<std::uint8_t>> inputs) {
  PIETUNE_CHECK(inputs.size() == layer.inputs.size()) << inputs.size() << " != " << layer.inputs.size();
  for (std::size_t i = 0; i < inputs.size(); ++i)
    PIETUNE_CHECK(std::cmp_equal(inputs[i].size(), layer.inputs[i].size_bytes()))
        << "input " << i << ": " << inputs[i].size() << " != " << layer.inputs[i].size_bytes();
  const auto out_bytes = static_cast<std::uint32_t>(layer.output().size_bytes());
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
  // The argument inputs one after the other in PSRAM, then the output.
  std::vector<std::uint32_t> in_addrs;
  std::uint32_t next = emu::kPsramBase + 64;
  for (std::size_t i : kernel_argument_inputs(layer)) {
    in_addrs.push_back(next);
    memory.load(next, nhwc_to_layout(inputs[i], layer.inputs[i].shape, kernel.layout));
    next = align16(std::uint64_t{next} + inputs[i].size() + kernel.input_overread_bytes + 64);
  }
  const std::uint32_t out_addr = next;
  KernelRun run;
  try {
    std::vector<std::uint32_t> args = {in_addrs.at(0), out_addr, kCallBlockAddr};
    if (in_addrs.size() > 1) args.push_back(in_addrs[1]);
    run.instructions = emulator.call(kernel.symbol, args).instructions;
  } catch (const emu::EmuFault& fault) {
    run.fault = fault.what();
    return run;
  }
  run.output = layout_to_nhwc(memory.dump(out_addr, out_bytes), layer.output().shape, kernel.layout);
  return run;
}

}  // namespace pietune::kernels
