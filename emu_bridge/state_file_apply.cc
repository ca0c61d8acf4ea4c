// State file to emulator and back: applying a loaded state before a call, dumping it after.
#include <fmt/format.h>

#include "emu_bridge/emulator.h"
#include "emu_bridge/state_file.h"
#include "emu_bridge/state_file_hex.h"

namespace pietune::emu {
namespace {

// Emulator::call plays a call8 from the host window 0, so the entered function's window starts 8
// registers up (emulator.h): its a<i> is physical register 8 + i, before the call and after it returns.
constexpr int kCalleeWindowBase = 2;

std::uint32_t& callee_ar(MachineState& state, int i) {
  return state.physical_ar[static_cast<std::size_t>((kCalleeWindowBase * 4 + i) & (kPhysicalArCount - 1))];
}

std::uint32_t callee_ar(const MachineState& state, int i) {
  return state.physical_ar[static_cast<std::size_t>((kCalleeWindowBase * 4 + i) & (kPhysicalArCount - 1))];
}

}  // namespace

void apply_state(const StateFile& state, Emulator& emulator) {
  for (const MemoryBlock& block : state.memory) emulator.memory().load(block.addr, block.bytes);
  MachineState& st = emulator.state();
  for (int i = kFirstStateAr + kArgCount; i < 16; ++i)
    if (state.ar[static_cast<std::size_t>(i)]) callee_ar(st, i) = *state.ar[static_cast<std::size_t>(i)];
  for (std::size_t i = 0; i < state.q.size(); ++i)
    if (state.q[i]) st.q[i] = *state.q[i];
  if (state.accx) st.set_accx(*state.accx);
  if (state.qacc_l) st.qacc.set_low(*state.qacc_l);
  if (state.qacc_h) st.qacc.set_high(*state.qacc_h);
  if (state.sar) st.sar = *state.sar;
  if (state.sar_byte) st.sar_byte = *state.sar_byte;
}

nlohmann::ordered_json dump_state(const Emulator& emulator, const StateFile& input, std::uint64_t instructions) {
  const MachineState& st = emulator.state();
  nlohmann::ordered_json out;
  nlohmann::ordered_json ar = nlohmann::ordered_json::object();
  for (int i = kFirstStateAr; i < 16; ++i) ar[fmt::format("a{}", i)] = callee_ar(st, i);
  out["ar"] = ar;
  nlohmann::ordered_json q = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < st.q.size(); ++i) q[fmt::format("q{}", i)] = to_hex(st.q[i]);
  out["q"] = q;
  out["accx"] = st.accx;
  out["qacc_l"] = to_hex(st.qacc.low());
  out["qacc_h"] = to_hex(st.qacc.high());
  out["sar"] = st.sar;
  out["sar_byte"] = st.sar_byte;
  nlohmann::ordered_json memory = nlohmann::ordered_json::array();
  for (const MemoryBlock& block : input.memory) {
    const std::vector<std::uint8_t> bytes =
        emulator.memory().dump(block.addr, static_cast<std::uint32_t>(block.bytes.size()));
    memory.push_back({{"addr", block.addr}, {"hex", to_hex(bytes)}});
  }
  out["memory"] = memory;
  out["instructions"] = instructions;
  return out;
}

}  // namespace pietune::emu
