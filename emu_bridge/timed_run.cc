// Adapter from the emulator's trace to the timing model's ExecEvent stream.
#include "emu_bridge/timed_run.h"

namespace pietune::emu {

model::MemRegion timing_region(Region region) {
  switch (region) {
    case Region::kInternalSram: return model::MemRegion::kSram;
    case Region::kPsram: return model::MemRegion::kPsram;
    case Region::kFlash: return model::MemRegion::kFlash;
  }
  return model::MemRegion::kSram;
}

TimedRun run_timed(Emulator& emulator, const model::Machine& machine, std::string_view symbol,
                   std::span<const std::uint32_t> args, const TimingOptions& timing) {
  const model::TimedDescTable descs(machine);
  model::Pipeline pipeline(machine, descs);
  if (timing.listener) pipeline.set_listener(timing.listener);
  const model::Program& program = emulator.program();
  pipeline.simulate_instruction_cache();
  if (!timing.cold_code)
    for (const model::Function& f : program.functions)
      if (!f.iram) pipeline.warm_code(emulator.function_address(f.name), f.size_bytes());
  RunOptions options;
  options.max_instructions = timing.max_instructions;
  options.trace = [&](const TraceEvent& t) {
    model::ExecEvent e;
    e.insn = &program.functions[t.function].insns[t.insn_index];
    e.pc = t.pc;
    e.index = t.insn_index;
    e.access_count = static_cast<std::uint8_t>(std::min<std::size_t>(t.accesses.size(), e.accesses.size()));
    for (std::uint8_t i = 0; i < e.access_count; ++i) {
      const MemAccess& a = t.accesses[i];
      e.accesses[i] = {a.address, a.bytes, a.store, timing_region(a.region)};
    }
    e.taken = t.branch_taken;
    e.loop_back = t.loop_back;
    e.call_flow = t.call_flow;
    e.code_in_flash = !program.functions[t.function].iram;
    e.window_exceptions = t.window_exceptions;
    pipeline.issue(e);
  };
  TimedRun result;
  result.run = emulator.call(symbol, args, options);
  if (timing.flush_cache_after) pipeline.flush_cache();
  result.cost = pipeline.cost();
  return result;
}

}  // namespace pietune::emu
