// Emulator internals: the predecoded instruction record and Cpu, the execution context every
// semantics handler works on (state, memory, next-instruction control, access recording).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "emu_bridge/emulator.h"
#include "emu_bridge/machine_state.h"
#include "emu_bridge/memory_map.h"
#include "model/ir/program.h"

namespace pietune::emu {

static_assert(std::endian::native == std::endian::little, "the emulator keeps lanes in host byte order");

struct Cpu;
struct Decoded;
// One handler per ISA row (emu::semantics(opcode)); executes one instruction.
using Handler = void (*)(Cpu& cpu, const Decoded& d);

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

// One instruction, resolved once at load time: no lookups on the hot path.
struct Decoded {
  Handler fn = nullptr;
  // Operand i's register number (AR, QR or MAC16 m0..m3) in assembler order; 0 for immediates and labels.
  std::array<std::uint8_t, model::kMaxOperands> r{};
  std::int32_t imm = 0;   // the first immediate operand
  std::int32_t imm2 = 0;  // the second immediate operand (extui mask, ldxq/stxq sel8)
  std::uint32_t target = kNoIndex;  // the label operand's instruction (decoded index)
  std::uint32_t pc = 0;
  std::uint32_t function = 0;
  std::uint32_t insn_index = 0;
  std::uint32_t size_bytes = 0;
  model::Opcode opcode{};
  // Highest AR quad (register / 4) the instruction names, a<4n> of CALLn/CALLXn included: the
  // ISA's WindowCheck raises a window overflow when a live older frame holds one of them.
  std::uint8_t quads = 0;
  bool sentinel = false;  // the record after a function's last instruction (running into it faults)
};

struct Cpu {
  MachineState st;
  Memory mem;
  std::vector<Decoded> code;              // every function's instructions, each followed by a sentinel
  const model::Program* program = nullptr;

  // Control of the current step (set by the run loop, changed by control-flow handlers).
  std::uint32_t cur = 0;   // index of the executing instruction
  std::uint32_t next = 0;  // index to execute next
  bool jumped = false;     // a branch/jump/loop-skip/return went to `next`
  bool stop = false;       // the entered function returned to the host
  std::uint32_t lbeg_index = kNoIndex;
  std::uint32_t lend_index = kNoIndex;
  std::uint32_t host_return_pc = 0;

  // Register windows (emu_bridge/semantics/windows.cc). free_quads: how many quads after
  // WindowBase (0..3) hold no live older frame; an instruction naming a higher quad first raises
  // window overflows. The host caller's frame (window 0 at the start of a run) has no caller of
  // its own: spilling it stores a0..a3 like any frame, but it has no extra save area.
  std::uint32_t free_quads = 3;
  bool host_frame_spilled = false;
  // Window exceptions of the current instruction (overflow4/8/12, underflow4/8/12), reset per
  // instruction while tracing; and the run's totals.
  std::array<std::uint8_t, 6> window_events{};
  std::uint64_t window_overflows = 0;
  std::uint64_t window_underflows = 0;

  // Data accesses of the current instruction, recorded only while tracing.
  bool tracing = false;
  std::uint8_t access_count = 0;
  std::array<MemAccess, 2> accesses{};

  std::uint32_t& ar(std::uint8_t i) { return st.ar(i); }
  QReg& q(std::uint8_t i) { return st.q[i & 7]; }

  void jump(std::uint32_t index) {
    next = index;
    jumped = true;
  }

  // Data memory. `addr` is final (PIE masking already applied).
  template <std::uint32_t kBytes>
  void read(std::uint32_t addr, void* out) {
    if (!mem.read(addr, out, kBytes)) [[unlikely]] access_fault(addr, kBytes, false);
    if (tracing) [[unlikely]] record(addr, kBytes, false);
  }
  template <std::uint32_t kBytes>
  void write(std::uint32_t addr, const void* in) {
    if (!mem.write(addr, in, kBytes)) [[unlikely]] access_fault(addr, kBytes, true);
    if (tracing) [[unlikely]] record(addr, kBytes, true);
  }

  void record(std::uint32_t addr, std::uint32_t bytes, bool store);
  [[noreturn]] void access_fault(std::uint32_t addr, std::uint32_t bytes, bool store);
  // Throws an EmuFault about the current instruction; `what` follows "pc 0x... (text): ".
  [[noreturn]] void fault(FaultKind kind, const std::string& what, std::optional<std::uint32_t> address = {});
  // Decoded index of the instruction at `pc`, or kNoIndex.
  std::uint32_t index_of_pc(std::uint32_t pc) const;
  // Decoded index of a call/jump/return target; faults (`kind`) if it is not an instruction.
  std::uint32_t target_index(std::uint32_t pc, const char* what, FaultKind kind = FaultKind::kBadTarget);

  // Recomputes free_quads from WindowBase and WindowStart.
  void update_free_quads();
  // Raises window overflows (one per spilled frame, as the ISA's WindowCheck does) until quads
  // 1..`quads` after WindowBase are free: each spills the oldest live frame the way ESP-IDF's
  // _WindowOverflow4/8/12 handlers do (a0..a3 to the 16 bytes below its callee's a1; a4..a7 or
  // a4..a11 to the extra save area below its caller's base save area).
  void window_check(std::uint32_t quads);
  // RETW's underflow: the caller's frame (n quads, n = a0[31:30]) was spilled; restores it the
  // way _WindowUnderflow4/8/12 do and sets its WindowStart bit.
  void window_underflow(std::uint32_t n, bool to_host);
  std::string text_of(const Decoded& d) const;
};

}  // namespace pietune::emu
