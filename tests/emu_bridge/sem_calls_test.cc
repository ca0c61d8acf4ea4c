// Calls (issue 14 item 2): call0/4/8/12, callx0/4/8/12, ret, ret.n, jx; the register window
// (rotation, a0's call increment, WindowStart), window overflow when a call chain outgrows the 64
// physical registers and underflow on the way back, results right at any depth; the assembler's
// calls by name and through a literal; and the call cost in detailed timing.
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/timed_run.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"

namespace pietune::emu {
namespace {

model::Program assemble(std::string_view text) { return parse_assembly(text, "calls.S"); }

// The callee returns its a0 (the return address with the call increment in bits 31:30) in a2 and
// its first argument in a3; the caller stores both to memory at a2 (its first argument).
std::string a0_probe(std::string_view call, std::string_view arg_reg) {
  return fmt::format(R"(
    .text
    .align 4
    .global caller
    .type caller, @function
caller:
    entry a1, 64
    movi {1}, 41
    mov a15, a2
.Lsite:
    {0} probe
    s32i {2}, a15, 0
    s32i {3}, a15, 4
    retw.n
    .align 4
    .global probe
    .type probe, @function
probe:
    entry a1, 32
    mov a3, a2
    mov a2, a0
    retw
)",
                     call, arg_reg, call == "call4" ? "a6" : call == "call8" ? "a10" : "a14",
                     call == "call4" ? "a7" : call == "call8" ? "a11" : "a15");
}

struct A0Case {
  std::string call;
  std::string arg;  // the caller's register that is the callee's a2
  std::uint32_t increment;
};

class WindowedCall : public ::testing::TestWithParam<A0Case> {};

TEST_P(WindowedCall, RotatesTheWindowAndEncodesTheIncrementInA0) {
  const A0Case& c = GetParam();
  std::string text = a0_probe(c.call, c.arg);
  if (c.call == "call12") {  // a15 is the callee's a3 after call12: keep the pointer in a4
    for (auto [from, to] : {std::pair<std::string, std::string>{"mov a15, a2", "mov a4, a2"},
                            {"s32i a14, a15, 0", "s32i a14, a4, 0"},
                            {"s32i a15, a15, 4", "s32i a15, a4, 4"}})
      text.replace(text.find(from), from.size(), to);
  }
  Emulator emu(assemble(text));
  const std::uint32_t out = kSramBase + 0x100;
  emu.call("caller", {out});
  const std::vector<std::uint8_t> bytes = emu.memory().dump(out, 8);
  std::uint32_t a0 = 0, arg = 0;
  std::memcpy(&a0, bytes.data(), 4);
  std::memcpy(&arg, bytes.data() + 4, 4);
  const std::uint32_t site = emu.insn_address(0, 3);  // entry, movi, mov, call
  EXPECT_EQ(a0 >> 30, c.increment);
  EXPECT_EQ(a0 & 0x3FFFFFFFu, (site + 3) & 0x3FFFFFFFu);
  EXPECT_EQ(arg, 41u);
  EXPECT_EQ(emu.state().window_base, 0u);
}

INSTANTIATE_TEST_SUITE_P(Calls, WindowedCall,
                         ::testing::Values(A0Case{"call4", "a6", 1}, A0Case{"call8", "a10", 2},
                                           A0Case{"call12", "a14", 3}),
                         [](const auto& info) {
                           const std::string& call = info.param.call;
                           return "Call" + call.substr(4) + "_a0";
                         });

// sum(n) = n + sum(n - 1), sum(0) = 0, by recursion with callN; every frame keeps n and n + 100 in
// registers the overflow handler spills (a2/a3 for call4, a4/a5 for call8, a4/a11 for call12) and
// checks them after its call, so a wrong spill or restore changes the result.
std::string recursive_sum(int n_call) {
  if (n_call == 4)
    return R"(
    .text
    .align 4
    .global sum
    .type sum, @function
sum:
    entry a1, 32
    addi a3, a2, 100
    beqz a2, .Ldone
    addi a6, a2, -1
    call4 sum
    addi a3, a3, -100
    sub a3, a3, a2      # 0 when a2 and a3 survived
    add a2, a2, a6
    add a2, a2, a3
.Ldone:
    retw
)";
  if (n_call == 8)
    return R"(
    .text
    .align 4
    .global sum
    .type sum, @function
sum:
    entry a1, 48
    mov a4, a2
    addi a5, a2, 100
    beqz a2, .Ldone
    addi a10, a2, -1
    call8 sum
    addi a5, a5, -100
    sub a5, a5, a4
    add a2, a10, a4
    add a2, a2, a5
.Ldone:
    retw
)";
  return R"(
    .text
    .align 4
    .global sum
    .type sum, @function
sum:
    entry a1, 64
    mov a4, a2
    addi a11, a2, 100
    beqz a2, .Ldone
    addi a14, a2, -1
    call12 sum
    addi a11, a11, -100
    sub a11, a11, a4
    add a2, a14, a4
    add a2, a2, a11
.Ldone:
    retw
)";
}

struct DepthCase {
  int call = 8;
  std::uint32_t n = 0;
  bool overflows = false;
};

class CallDepth : public ::testing::TestWithParam<DepthCase> {};

TEST_P(CallDepth, ResultsAreRightAtAnyDepth) {
  const DepthCase& c = GetParam();
  Emulator emu(assemble(recursive_sum(c.call)));
  const RunResult r = emu.call("sum", {c.n});
  EXPECT_EQ(r.return_value, c.n * (c.n + 1) / 2);
  EXPECT_EQ(r.window_overflows > 0, c.overflows);
  EXPECT_EQ(r.window_overflows, r.window_underflows);  // every spilled frame is restored once
  EXPECT_EQ(emu.state().window_base, 0u);
  EXPECT_EQ(emu.state().window_start, 1u);  // only the host's frame is live again
}

// 64 registers hold the host's frame (8 registers: it called with call8) and 7 call8 frames: sum(6)
// runs 7 frames, the innermost never touching a8..a15, so nothing spills; sum(7)'s 7th frame sets
// up its call in a10 and spills the host's frame. call4 frames take 4 registers (14 fit after
// the host's), call12 frames 12 (4 fit).
INSTANTIATE_TEST_SUITE_P(Calls, CallDepth,
                         ::testing::Values(DepthCase{8, 6, false}, DepthCase{8, 7, true}, DepthCase{8, 10, true},
                                           DepthCase{8, 40, true}, DepthCase{4, 10, false}, DepthCase{4, 14, true},
                                           DepthCase{4, 40, true}, DepthCase{12, 3, false}, DepthCase{12, 10, true},
                                           DepthCase{12, 25, true}),
                         [](const auto& info) {
                           return fmt::format("Call{}_depth{}", info.param.call, info.param.n);
                         });

TEST(Calls, Call8_OverflowSpillsToTheAbiSaveAreas) {
  // At depth 7 the host's frame is spilled: its a0..a3 go to the 16 bytes below the root's a1.
  Emulator emu(assemble(recursive_sum(8)));
  RunOptions options;
  options.stack_top = kSramBase + 0x8000;
  const RunResult r = emu.call("sum", {7u}, options);
  EXPECT_EQ(r.return_value, 28u);
  EXPECT_GE(r.window_overflows, 1u);
  const std::uint32_t root_sp = options.stack_top - 48;
  const std::vector<std::uint8_t> saved = emu.memory().dump(root_sp - 16, 8);
  std::uint32_t host_a0 = 0xFFFFFFFF, host_a1 = 0;
  std::memcpy(&host_a0, saved.data(), 4);
  std::memcpy(&host_a1, saved.data() + 4, 4);
  EXPECT_EQ(host_a0, 0u);
  EXPECT_EQ(host_a1, options.stack_top);
}

TEST(Calls, Call8_OverflowTraceReportsEachException) {
  Emulator emu(assemble(recursive_sum(8)));
  std::uint64_t overflow8 = 0, underflow8 = 0, other = 0, call_flows = 0;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) {
    overflow8 += e.window_exceptions[1];
    underflow8 += e.window_exceptions[4];
    other += e.window_exceptions[0] + e.window_exceptions[2] + e.window_exceptions[3] + e.window_exceptions[5];
    call_flows += e.call_flow;
  };
  const RunResult r = emu.call("sum", {10u}, options);
  EXPECT_EQ(r.return_value, 55u);
  EXPECT_EQ(overflow8, r.window_overflows);
  EXPECT_EQ(underflow8, r.window_underflows);
  EXPECT_EQ(other, 0u);
  EXPECT_EQ(call_flows, 20u);  // 10 calls and 10 returns to a caller inside the program
}

constexpr std::string_view kCall0 = R"(
    .text
    .align 4
    .global outer
    .type outer, @function
outer:
    entry a1, 32
    mov a7, a0          # call0 overwrites a0: keep the return address
    call0 twice
    call0 twice_n
    mov a0, a7
    retw.n
    .align 4
    .global twice
    .type twice, @function
twice:
    add a2, a2, a2
    ret
    .align 4
    .global twice_n
    .type twice_n, @function
twice_n:
    add.n a2, a2, a2
    ret.n
)";

TEST(Calls, Call0_AndRet_FollowTheCall0Abi) {
  Emulator emu(assemble(kCall0));
  const RunResult r = emu.call("outer", {5u});
  EXPECT_EQ(r.return_value, 20u);
  EXPECT_EQ(r.window_overflows, 0u);
}

TEST(Calls, Ret_ReturnsToA0) {
  Emulator emu(assemble(kCall0));
  std::vector<std::uint32_t> pcs;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) { pcs.push_back(e.pc); };
  emu.call("outer", {1u}, options);
  // entry, mov, call0, add, ret, (back) call0 ...
  ASSERT_GE(pcs.size(), 6u);
  EXPECT_EQ(pcs[5], emu.insn_address(0, 3));
}

TEST(Calls, RetN_ReturnsToA0) {
  Emulator emu(assemble(kCall0));
  EXPECT_EQ(emu.call("outer", {3u}).return_value, 12u);
}

// callxN through a literal holding a function's address (.literal + l32r), and through movi.
std::string callx_program(std::string_view callx, std::string_view arg, std::string_view result) {
  return fmt::format(R"(
    .text
    .literal_position
    .literal .Lhelper, helper
    .align 4
    .global main_fn
    .type main_fn, @function
main_fn:
    entry a1, 64
    l32r a3, .Lhelper
    mov {1}, a2
    {0} a3
    mov a2, {2}
    retw
    .align 4
    .global helper
    .type helper, @function
helper:
    entry a1, 32
    addmi a2, a2, 1024
    retw
)",
                     callx, arg, result);
}

TEST(Calls, Callx4_ThroughALiteral) {
  Emulator emu(assemble(callx_program("callx4", "a6", "a6")));
  EXPECT_EQ(emu.call("main_fn", {1u}).return_value, 1025u);
}
TEST(Calls, Callx8_ThroughALiteral) {
  Emulator emu(assemble(callx_program("callx8", "a10", "a10")));
  EXPECT_EQ(emu.call("main_fn", {2u}).return_value, 1026u);
}
TEST(Calls, Callx12_ThroughALiteral) {
  Emulator emu(assemble(callx_program("callx12", "a14", "a14")));
  EXPECT_EQ(emu.call("main_fn", {3u}).return_value, 1027u);
}

TEST(Calls, Callx0_ThroughMovi) {
  Emulator emu(assemble(R"(
    .text
    .align 4
    .global outer
    .type outer, @function
outer:
    entry a1, 32
    mov a7, a0
    movi a3, twice
    callx0 a3
    mov a0, a7
    retw
    .align 4
    .global twice
    .type twice, @function
twice:
    add a2, a2, a2
    ret
)"));
  EXPECT_EQ(emu.call("outer", {21u}).return_value, 42u);
}

TEST(Calls, Jx_JumpsToARegister) {
  // A tail jump: `tail` runs in main_fn's window and returns for it.
  Emulator emu(assemble(R"(
    .text
    .align 4
    .global main_fn
    .type main_fn, @function
main_fn:
    entry a1, 32
    movi a3, tail
    addi a2, a2, 1
    jx a3
    .align 4
    .global tail
    .type tail, @function
tail:
    addi a2, a2, 10
    retw
)"));
  EXPECT_EQ(emu.call("main_fn", {5u}).return_value, 16u);
}

TEST(Calls, Jx_ToANonInstructionFaults) {
  Emulator emu(assemble(R"(
    .text
    .align 4
    .global main_fn
    .type main_fn, @function
main_fn:
    entry a1, 32
    movi a3, 0x1234
    jx a3
    retw
)"));
  try {
    emu.call("main_fn", {});
    FAIL() << "expected a fault";
  } catch (const EmuFault& e) {
    EXPECT_EQ(e.fault().kind, FaultKind::kBadTarget);
    EXPECT_NE(std::string(e.what()).find("jump to 0x00001234, not an instruction"), std::string::npos) << e.what();
  }
}

TEST(Calls, Call8_ToADataLabelIsRefused) {
  try {
    assemble(R"(
    .text
    .align 4
    .global main_fn
    .type main_fn, @function
main_fn:
    entry a1, 32
.Lhere:
    call8 .Lhere
    retw
)");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'.Lhere' is not a function"), std::string::npos) << e.what();
  }
}

TEST(Calls, Call8_RoundTripsThroughThePrinter) {
  const model::Program parsed = assemble(recursive_sum(8) + callx_program("callx8", "a10", "a10"));
  const std::string text = print_assembly(parsed);
  EXPECT_NE(text.find("call8 sum"), std::string::npos) << text;
  EXPECT_NE(text.find("callx8 a3"), std::string::npos) << text;
  EXPECT_EQ(print_assembly(assemble(text)), text);
  Emulator emu(assemble(text));
  EXPECT_EQ(emu.call("sum", {12u}).return_value, 78u);
  EXPECT_EQ(emu.call("main_fn", {4u}).return_value, 1028u);
}

// Timing: every cycle of a call, a return inside the program and a window exception is a call
// cost, and the cost follows the machine's parameters.
TEST(CallTiming, Call8_CostIsInTheCallCause) {
  Emulator emu(assemble(recursive_sum(8)));
  const model::Machine& machine = model::default_machine();
  const std::uint32_t n = 10;
  const TimedRun t = run_timed(emu, machine, "sum", std::vector<std::uint32_t>{n});
  EXPECT_EQ(t.run.return_value, 55u);
  ASSERT_GT(t.run.window_overflows, 0u);
  const double exceptions = static_cast<double>(t.run.window_overflows) *
                                (machine.window_exception_overhead_cycles + machine.window_handler_cycles[1]) +
                            static_cast<double>(t.run.window_underflows) *
                                (machine.window_exception_overhead_cycles + machine.window_handler_cycles[4]);
  const double expected = n * machine.call_penalty + n * machine.return_penalty +
                          (n + 1) * machine.entry_extra_cycles + exceptions;
  EXPECT_DOUBLE_EQ(t.cost.call, expected);
  EXPECT_GT(t.cost.call, 0);
  EXPECT_DOUBLE_EQ(t.cost.breakdown_sum(), t.cost.cycles);
}

TEST(CallTiming, Call8_CyclesFollowTheParameters) {
  const model::Program program = assemble(recursive_sum(8));
  model::Machine base = model::default_machine();
  model::Machine changed = base;
  changed.call_penalty = base.call_penalty + 3;
  changed.return_penalty = base.return_penalty + 1;
  changed.entry_extra_cycles = base.entry_extra_cycles + 2;
  changed.window_exception_overhead_cycles = base.window_exception_overhead_cycles + 10;
  changed.window_handler_cycles[1] += 4;  // overflow8
  Emulator e1(program), e2(program);
  const std::uint32_t n = 12;
  const TimedRun a = run_timed(e1, base, "sum", std::vector<std::uint32_t>{n});
  const TimedRun b = run_timed(e2, changed, "sum", std::vector<std::uint32_t>{n});
  const double overflows = static_cast<double>(a.run.window_overflows);
  const double underflows = static_cast<double>(a.run.window_underflows);
  const double delta = n * 3.0 + n * 1.0 + (n + 1) * 2.0 + (overflows + underflows) * 10.0 + overflows * 4.0;
  EXPECT_DOUBLE_EQ(b.cost.call - a.cost.call, delta);
  EXPECT_DOUBLE_EQ(b.cost.cycles - a.cost.cycles, delta);
  EXPECT_DOUBLE_EQ(b.cost.branch, a.cost.branch);
}

TEST(CallTiming, Call8_TheHostsReturnStaysAJump) {
  // A function that calls nothing costs what it did before calls existed: its retw to the host is
  // a jump (branch cause), not a call cost.
  Emulator emu(assemble(recursive_sum(8)));
  const TimedRun t = run_timed(emu, model::default_machine(), "sum", std::vector<std::uint32_t>{0u});
  EXPECT_DOUBLE_EQ(t.cost.call, 0);
  EXPECT_DOUBLE_EQ(t.cost.branch, model::default_machine().jump_penalty + model::default_machine().taken_branch_penalty);
}

TEST(CallTiming, Call8_FastModeRefusesCodeThatCalls) {
  const model::Program program = assemble(recursive_sum(8));
  try {
    model::FastModel(model::default_machine()).estimate(program.functions[0]);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("call8"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("detailed mode"), std::string::npos) << e.what();
  }
}

TEST(CallTiming, Call12_WindowExceptionsUseTheirHandlersCycles) {
  Emulator emu(assemble(recursive_sum(12)));
  const model::Machine& machine = model::default_machine();
  std::array<std::uint64_t, 6> seen{};
  RunOptions options;
  options.trace = [&](const TraceEvent& e) {
    for (std::size_t k = 0; k < 6; ++k) seen[k] += e.window_exceptions[k];
  };
  const std::uint32_t n = 9;
  emu.call("sum", {n}, options);
  Emulator timed(assemble(recursive_sum(12)));
  const TimedRun t = run_timed(timed, machine, "sum", std::vector<std::uint32_t>{n});
  EXPECT_EQ(t.run.return_value, 45u);
  EXPECT_GT(seen[2], 0u);  // overflow12: call12 frames
  EXPECT_EQ(seen[1], 1u);  // overflow8: the host's frame, once
  double exceptions = 0;
  for (std::size_t k = 0; k < 6; ++k)
    exceptions += static_cast<double>(seen[k]) * (machine.window_exception_overhead_cycles + machine.window_handler_cycles[k]);
  EXPECT_DOUBLE_EQ(t.cost.call, n * (machine.call_penalty + machine.return_penalty) +
                                    (n + 1) * machine.entry_extra_cycles + exceptions);
}

}  // namespace
}  // namespace pietune::emu
