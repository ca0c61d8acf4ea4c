// Register-window exceptions (ISA RM, WindowedRegisterOption; 64 physical ARs on the S3, facts §1),
// modelled by their effect: the window overflow and underflow handlers of ESP-IDF's
// xtensa_vectors.S run as if the exception had been taken, so results stay right at any depth.
//
// Overflow (WindowCheck): an instruction naming a register of quad k (a4k..a4k+3) of its window
// while WindowStart has a bit at WindowBase + 1..k: the frame F starting at the first such bit
// (the oldest live frame) is spilled. Its width is the distance to the next WindowStart bit
// (overflow4 / 8 / 12 when that is 1 / 2 / 3 quads). The handler runs in F's window:
//   a0..a3 -> [a(4w+1) - 16 .. - 4]  (a(4w+1): F's callee's stack pointer, w = F's width in quads)
//   w >= 2: caller_sp = [a1 - 12] (saved when F's caller was spilled);
//           a4..a(4w-1) -> [caller_sp - 16 - 16(w-1) ..]  (the extra save area at the top of F's frame)
// then RFWO clears F's WindowStart bit. Underflow (RETW with the caller's bit clear): the
// caller's frame (width n = a0[31:30]) is restored from the same places, in the caller's window
// (its callee's a1 = a(4n+1)), and RFWU sets its bit.
#include <fmt/format.h>

#include "emu_bridge/cpu.h"

namespace pietune::emu {
namespace {

inline bool start_bit(const MachineState& st, std::uint32_t quad) { return (st.window_start >> (quad & 15)) & 1u; }
inline std::uint32_t& phys(MachineState& st, std::uint32_t quad, std::uint32_t i) {
  return st.physical_ar[(quad * 4 + i) & 63];
}

std::uint32_t load_word(Cpu& cpu, std::uint32_t addr) {
  std::uint32_t v = 0;
  if (!cpu.mem.read(addr, &v, 4)) [[unlikely]] cpu.access_fault(addr, 4, false);
  return v;
}
void store_word(Cpu& cpu, std::uint32_t addr, std::uint32_t v) {
  if (!cpu.mem.write(addr, &v, 4)) [[unlikely]] cpu.access_fault(addr, 4, true);
}

}  // namespace

void Cpu::update_free_quads() {
  std::uint32_t free = 0;
  while (free < 3 && !start_bit(st, st.window_base + free + 1)) ++free;
  free_quads = free;
}

void Cpu::window_check(std::uint32_t quads) {
  while (quads > free_quads) {
    const std::uint32_t frame = (st.window_base + free_quads + 1) & 15;  // F: the oldest live frame
    std::uint32_t width = 3;
    if (start_bit(st, frame + 1)) width = 1;
    else if (start_bit(st, frame + 2)) width = 2;
    const bool host = frame == 0 && !host_frame_spilled;
    const std::uint32_t callee_sp = phys(st, frame + width, 1);
    for (std::uint32_t i = 0; i < 4; ++i) store_word(*this, callee_sp - 16 + 4 * i, phys(st, frame, i));
    if (width >= 2 && !host) {
      const std::uint32_t caller_sp = load_word(*this, phys(st, frame, 1) - 12);
      const std::uint32_t extra = caller_sp - 16 - 16 * (width - 1);
      for (std::uint32_t i = 4; i < 4 * width; ++i) store_word(*this, extra + 4 * (i - 4), phys(st, frame + i / 4, i % 4));
    }
    if (host) host_frame_spilled = true;
    st.window_start &= ~(1u << frame);
    ++window_overflows;
    if (tracing) ++window_events[width - 1];
    update_free_quads();
  }
}

void Cpu::window_underflow(std::uint32_t n, bool to_host) {
  const std::uint32_t frame = (st.window_base - n) & 15;  // the caller's a0..a3
  const std::uint32_t callee_sp = st.ar(1);
  for (std::uint32_t i = 0; i < 4; ++i) phys(st, frame, i) = load_word(*this, callee_sp - 16 + 4 * i);
  if (n >= 2 && !to_host) {
    const std::uint32_t caller_sp = load_word(*this, phys(st, frame, 1) - 12);
    const std::uint32_t extra = caller_sp - 16 - 16 * (n - 1);
    for (std::uint32_t i = 4; i < 4 * n; ++i) phys(st, frame + i / 4, i % 4) = load_word(*this, extra + 4 * (i - 4));
  }
  if (to_host) host_frame_spilled = false;
  st.window_start |= 1u << frame;
  ++window_underflows;
  if (tracing) ++window_events[3 + n - 1];
}

std::uint32_t Cpu::target_index(std::uint32_t pc, const char* what, FaultKind kind) {
  const std::uint32_t index = index_of_pc(pc);
  if (index == kNoIndex || code[index].sentinel)
    fault(kind, fmt::format("{} 0x{:08x}, not an instruction of the program", what, pc), pc);
  return index;
}

}  // namespace pietune::emu
