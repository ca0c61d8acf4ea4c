// Semantics of base Xtensa control flow: conditional branches (register, zero and b4const forms,
// bit tests), j, jx, the zero-overhead loops LOOP/LOOPNEZ/LOOPGTZ, the calls (call0/4/8/12,
// callx0/4/8/12, ret) and the windowed entry/retw (window exceptions: windows.cc).
#include <fmt/format.h>

#include "emu_bridge/semantics/dispatch.h"
#include "emu_bridge/semantics/lanes.h"

namespace pietune::emu {
namespace {

inline std::int32_t s32(std::uint32_t v) { return static_cast<std::int32_t>(v); }

inline void branch_if(Cpu& cpu, const Decoded& d, bool taken) {
  if (taken) cpu.jump(d.target);
}

// as, at, label.
template <typename Cond>
void branch_rr(Cpu& cpu, const Decoded& d, Cond cond) {
  branch_if(cpu, d, cond(cpu.ar(d.r[0]), cpu.ar(d.r[1])));
}

// as, label.
template <typename Cond>
void branch_z(Cpu& cpu, const Decoded& d, Cond cond) {
  branch_if(cpu, d, cond(s32(cpu.ar(d.r[0]))));
}

// as, count, label (ISA RM LOOP*): LCOUNT = as - 1, LBEG = next instruction, LEND = the label;
// LOOPNEZ skips to LEND when as == 0, LOOPGTZ when as <= 0 (a taken branch: no loop-back there).
enum class LoopKind { kLoop, kNez, kGtz };
template <LoopKind kKind>
void loop(Cpu& cpu, const Decoded& d) {
  const Decoded& end = cpu.code[d.target];
  // Encoding: LEND = pc + 4 + uimm8, so the end label must lie 0..255 bytes past pc + 4.
  const std::int64_t offset = std::int64_t{end.pc} - (std::int64_t{d.pc} + 4);
  if (offset < 0 || offset > 255)
    cpu.fault(FaultKind::kLoopRange,
              fmt::format("loop end {} bytes after pc + 4, the LOOP encoding reaches 0..255", offset));
  const std::uint32_t count = cpu.ar(d.r[0]);
  cpu.st.lcount = count - 1;
  cpu.st.lbeg = d.pc + d.size_bytes;
  cpu.st.lend = end.pc;
  cpu.lbeg_index = cpu.cur + 1;
  cpu.lend_index = d.target;
  bool skip = false;
  if constexpr (kKind == LoopKind::kNez) skip = count == 0;
  if constexpr (kKind == LoopKind::kGtz) skip = s32(count) <= 0;
  if (skip) cpu.jump(d.target);
}

}  // namespace

PIETUNE_SEMANTICS(Beq) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s == t; }); }
PIETUNE_SEMANTICS(Bne) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s != t; }); }
PIETUNE_SEMANTICS(Blt) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s32(s) < s32(t); }); }
PIETUNE_SEMANTICS(Bge) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s32(s) >= s32(t); }); }
PIETUNE_SEMANTICS(Bltu) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s < t; }); }
PIETUNE_SEMANTICS(Bgeu) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return s >= t; }); }
PIETUNE_SEMANTICS(Bany) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return (s & t) != 0; }); }
PIETUNE_SEMANTICS(Bnone) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return (s & t) == 0; }); }
PIETUNE_SEMANTICS(Ball) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return (~s & t) == 0; }); }
PIETUNE_SEMANTICS(Bnall) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return (~s & t) != 0; }); }
PIETUNE_SEMANTICS(Bbc) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return ((s >> (t & 31)) & 1) == 0; }); }
PIETUNE_SEMANTICS(Bbs) { branch_rr(cpu, d, [](std::uint32_t s, std::uint32_t t) { return ((s >> (t & 31)) & 1) != 0; }); }

PIETUNE_SEMANTICS(Beqz) { branch_z(cpu, d, [](std::int32_t s) { return s == 0; }); }
PIETUNE_SEMANTICS(Bnez) { branch_z(cpu, d, [](std::int32_t s) { return s != 0; }); }
PIETUNE_SEMANTICS(Bltz) { branch_z(cpu, d, [](std::int32_t s) { return s < 0; }); }
PIETUNE_SEMANTICS(Bgez) { branch_z(cpu, d, [](std::int32_t s) { return s >= 0; }); }
PIETUNE_SEMANTICS(BeqzN) { branch_z(cpu, d, [](std::int32_t s) { return s == 0; }); }
PIETUNE_SEMANTICS(BnezN) { branch_z(cpu, d, [](std::int32_t s) { return s != 0; }); }

// as, b4const / b4constu value, label: the immediate is the decoded constant.
PIETUNE_SEMANTICS(Beqi) { branch_if(cpu, d, s32(cpu.ar(d.r[0])) == d.imm); }
PIETUNE_SEMANTICS(Bnei) { branch_if(cpu, d, s32(cpu.ar(d.r[0])) != d.imm); }
PIETUNE_SEMANTICS(Blti) { branch_if(cpu, d, s32(cpu.ar(d.r[0])) < d.imm); }
PIETUNE_SEMANTICS(Bgei) { branch_if(cpu, d, s32(cpu.ar(d.r[0])) >= d.imm); }
PIETUNE_SEMANTICS(Bltui) { branch_if(cpu, d, cpu.ar(d.r[0]) < static_cast<std::uint32_t>(d.imm)); }
PIETUNE_SEMANTICS(Bgeui) { branch_if(cpu, d, cpu.ar(d.r[0]) >= static_cast<std::uint32_t>(d.imm)); }
// as, bit, label.
PIETUNE_SEMANTICS(Bbci) { branch_if(cpu, d, ((cpu.ar(d.r[0]) >> (d.imm & 31)) & 1) == 0); }
PIETUNE_SEMANTICS(Bbsi) { branch_if(cpu, d, ((cpu.ar(d.r[0]) >> (d.imm & 31)) & 1) != 0); }

PIETUNE_SEMANTICS(J) { cpu.jump(d.target); }

PIETUNE_SEMANTICS(Loop) { loop<LoopKind::kLoop>(cpu, d); }
PIETUNE_SEMANTICS(Loopnez) { loop<LoopKind::kNez>(cpu, d); }
PIETUNE_SEMANTICS(Loopgtz) { loop<LoopKind::kGtz>(cpu, d); }

// entry as, N (ISA RM): AR[CALLINC * 4 + s[1:0]] = AR[s] - N in the caller's window (after the
// WindowCheck on that register), then the window rotates by CALLINC and WindowStart[WindowBase]
// is set. Without a pending windowed call (CALLINC == 0) this is a fault.
PIETUNE_SEMANTICS(Entry) {
  MachineState& st = cpu.st;
  if (st.callinc == 0) cpu.fault(FaultKind::kNoCall, "entry without a windowed call");
  cpu.window_check(st.callinc);
  const std::uint32_t frame = cpu.ar(d.r[0]) - static_cast<std::uint32_t>(d.imm);
  st.ar(static_cast<int>(st.callinc * 4 + (d.r[0] & 3u))) = frame;
  st.window_base = (st.window_base + st.callinc) & 15;
  st.window_start |= 1u << st.window_base;
  st.callinc = 0;
  cpu.update_free_quads();
}

namespace {

// retw (ISA RM): n = a0[31:30] is the caller's window increment (0: no caller); the caller's
// frame must be the live frame n quads below (else its WindowStart bit is clear: a window
// underflow restores it first); WindowStart[WindowBase] is cleared, the window rotates back by n
// and execution continues at {pc[31:30], a0[29:0]}.
void retw(Cpu& cpu, const Decoded& d) {
  MachineState& st = cpu.st;
  const std::uint32_t a0 = st.ar(0);
  const std::uint32_t n = a0 >> 30;
  if (n == 0) cpu.fault(FaultKind::kNoCaller, "return with no caller (a0[31:30] = 0)");
  const std::uint32_t target = (d.pc & 0xC0000000u) | (a0 & 0x3FFFFFFFu);
  const bool to_host = target == cpu.host_return_pc;
  const std::uint32_t index = to_host ? kNoIndex : cpu.target_index(target, "return to", FaultKind::kBadReturn);
  for (std::uint32_t k = 1; k < n; ++k)
    if ((st.window_start >> ((st.window_base - k) & 15)) & 1u)
      cpu.fault(FaultKind::kBadReturn,
                fmt::format("return with call increment {} but a live frame {} quads below (RETW is undefined)", n, k));
  if (!((st.window_start >> ((st.window_base - n) & 15)) & 1u)) cpu.window_underflow(n, to_host);
  st.window_start &= ~(1u << st.window_base);
  st.window_base = (st.window_base - n) & 15;
  cpu.update_free_quads();
  if (to_host) {
    cpu.stop = true;
    cpu.jump(cpu.cur);
  } else {
    cpu.jump(index);
  }
}

// callN (ISA RM CALL4/8/12, CALLX4/8/12): a<4n> = n << 30 | (pc + 3)[29:0], PS.CALLINC = n; the
// callee's ENTRY rotates the window. n = 0 (CALL0/CALLX0): a0 = pc + 3, no window change.
template <std::uint32_t kN>
void call_to(Cpu& cpu, const Decoded& d, std::uint32_t index) {
  const std::uint32_t ret = d.pc + d.size_bytes;
  if constexpr (kN == 0) {
    cpu.ar(0) = ret;
  } else {
    cpu.ar(static_cast<std::uint8_t>(4 * kN)) = (kN << 30) | (ret & 0x3FFFFFFFu);
    cpu.st.callinc = kN;
  }
  cpu.jump(index);
}

template <std::uint32_t kN>
void callx(Cpu& cpu, const Decoded& d) {
  const std::uint32_t index = cpu.target_index(cpu.ar(d.r[0]), "call to");
  call_to<kN>(cpu, d, index);
}

// ret / ret.n (CALL0 ABI): continue at a0.
void ret(Cpu& cpu) {
  const std::uint32_t target = cpu.ar(0);
  if (target == cpu.host_return_pc) cpu.fault(FaultKind::kBadReturn, "ret to the host, which called with call8 (use retw)");
  cpu.jump(cpu.target_index(target, "return to", FaultKind::kBadReturn));
}

}  // namespace

PIETUNE_SEMANTICS(Retw) { retw(cpu, d); }
PIETUNE_SEMANTICS(RetwN) { retw(cpu, d); }

// call FUNCTION: the target index was resolved at load time (Decoded::target).
PIETUNE_SEMANTICS(Call0) { call_to<0>(cpu, d, d.target); }
PIETUNE_SEMANTICS(Call4) { call_to<1>(cpu, d, d.target); }
PIETUNE_SEMANTICS(Call8) { call_to<2>(cpu, d, d.target); }
PIETUNE_SEMANTICS(Call12) { call_to<3>(cpu, d, d.target); }
PIETUNE_SEMANTICS(Callx0) { callx<0>(cpu, d); }
PIETUNE_SEMANTICS(Callx4) { callx<1>(cpu, d); }
PIETUNE_SEMANTICS(Callx8) { callx<2>(cpu, d); }
PIETUNE_SEMANTICS(Callx12) { callx<3>(cpu, d); }
PIETUNE_SEMANTICS(Ret) { ret(cpu); }
PIETUNE_SEMANTICS(RetN) { ret(cpu); }
PIETUNE_SEMANTICS(Jx) { cpu.jump(cpu.target_index(cpu.ar(d.r[0]), "jump to")); }

}  // namespace pietune::emu
