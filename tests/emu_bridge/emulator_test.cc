// emulator: layout, the windowed call, zero-overhead loops, faults with their messages, the trace hook.
#include "emu_bridge/emulator.h"

#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using model::Label;
using model::target;

model::Program program_of(std::vector<model::Function> functions) {
  model::Program p;
  p.functions = std::move(functions);
  return p;
}

// Expects `fn` to throw an EmuFault of `kind` whose message is exactly `message`.
template <typename Fn>
void expect_fault(Fn fn, FaultKind kind, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "no fault, expected: " << message;
  } catch (const EmuFault& e) {
    EXPECT_EQ(e.fault().kind, kind);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Emulator, WindowedCallPassesArgumentsAndReturnsA2) {
  Machine m([](FunctionBuilder& b) {
    b.emit(Opcode::kAdd, {a(2), a(2), a(3)});
    b.emit(Opcode::kSub, {a(2), a(2), a(7)});
  });
  m.a(2) = 5;
  m.a(3) = 7;
  m.a(7) = 2;
  const RunResult r = m.run();
  EXPECT_EQ(r.return_value, 10u);
  EXPECT_EQ(r.instructions, 4u);  // entry, add, sub, retw.n
  EXPECT_EQ(m.st().window_base, 0u);
  // The callee's a1 was the host's stack pointer minus the entry frame.
  EXPECT_EQ(m.a(1), kDefaultStackTop - 32);
  // a0 held the return address with CALLINC 2 in bits 31:30.
  EXPECT_EQ(m.a(0) >> 30, 2u);
}

TEST(Emulator, StatePersistsAcrossCalls) {
  Machine m([](FunctionBuilder& b) { b.emit(Opcode::kEeVmulasS8Accx, {q(0), q(1)}); });
  m.q(0) = splat_q<std::int8_t>(2);
  m.q(1) = splat_q<std::int8_t>(3);
  m.run();
  m.run();
  EXPECT_EQ(m.st().accx, 2 * 16 * 6);
}

TEST(Emulator, FunctionsAreLaidOutAlignedFromTheCodeBase) {
  FunctionBuilder f1("first");
  f1.emit(Opcode::kEntry, {a(1), imm(16)});
  f1.emit(Opcode::kNopN, {});
  f1.emit(Opcode::kRetwN, {});
  model::Function first = std::move(f1).finish();
  FunctionBuilder f2("second");
  f2.emit(Opcode::kEntry, {a(1), imm(16)});
  f2.emit(Opcode::kMovi, {a(2), imm(42)});
  f2.emit(Opcode::kRetwN, {});
  model::Function second = std::move(f2).finish();
  second.align_bytes = 16;
  Emulator emu(program_of({first, second}));
  EXPECT_EQ(emu.function_address("first"), kCodeBase);
  EXPECT_EQ(emu.function_address("second"), kCodeBase + 16);
  EXPECT_EQ(emu.insn_address(0, 1), kCodeBase + 3);
  EXPECT_EQ(emu.insn_address(1, 2), kCodeBase + 16 + 6);
  EXPECT_EQ(emu.insn_text(1, 1), "movi a2, 42");
  EXPECT_EQ(emu.call("second", {}).return_value, 42u);
  EXPECT_THROW(emu.call("third", {}), InputError);
  EXPECT_THROW(emu.function_address("third"), InputError);
  EXPECT_THROW(emu.call("first", {1, 2, 3, 4, 5, 6, 7}), InputError);
}

// entry; movi a8, 0; <loop> a2, end; addi a8, a8, 1; end: mov a2, a8; retw.n
std::uint32_t count_loop_trips(Opcode loop_opcode, std::uint32_t count) {
  Machine m([&](FunctionBuilder& b) {
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    b.zero_overhead_loop(loop_opcode, a(2), -1, [&] { b.emit(Opcode::kAddi, {a(8), a(8), imm(1)}); });
    b.emit(Opcode::kMov, {a(2), a(8)});
  });
  m.a(2) = count;
  return m.run().return_value;
}

TEST(Emulator, ZeroOverheadLoopsRunTheirCount) {
  EXPECT_EQ(count_loop_trips(Opcode::kLoop, 5), 5u);
  EXPECT_EQ(count_loop_trips(Opcode::kLoop, 1), 1u);
  EXPECT_EQ(count_loop_trips(Opcode::kLoopnez, 7), 7u);
  EXPECT_EQ(count_loop_trips(Opcode::kLoopgtz, 3), 3u);
}

TEST(Emulator, LoopnezSkipsTheBodyForZero) { EXPECT_EQ(count_loop_trips(Opcode::kLoopnez, 0), 0u); }

TEST(Emulator, LoopgtzSkipsTheBodyForZeroAndNegative) {
  EXPECT_EQ(count_loop_trips(Opcode::kLoopgtz, 0), 0u);
  EXPECT_EQ(count_loop_trips(Opcode::kLoopgtz, static_cast<std::uint32_t>(-3)), 0u);
}

TEST(Emulator, LoopSetsLoopRegisters) {
  Machine m([&](FunctionBuilder& b) {
    b.zero_overhead_loop(Opcode::kLoop, a(2), 4, [&] { b.emit(Opcode::kNop, {}); });
  });
  m.a(2) = 4;
  m.run();
  EXPECT_EQ(m.st().lbeg, kCodeBase + 6);  // entry (3) + loop (3)
  EXPECT_EQ(m.st().lend, kCodeBase + 9);  // after the one-nop body
  EXPECT_EQ(m.st().lcount, 0u);
}

TEST(Emulator, BranchToLoopEndExitsTheLoop) {
  // The branch is the last body instruction: taken, it exits; not taken, the loop goes back.
  Machine m([&](FunctionBuilder& b) {
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    Label end = b.new_label("end");
    b.emit(Opcode::kLoop, {a(2), target(end)});
    b.emit(Opcode::kAddi, {a(8), a(8), imm(1)});
    b.emit(Opcode::kBeqi, {a(8), imm(3), target(end)});
    b.bind(end);
    b.emit(Opcode::kMov, {a(2), a(8)});
  });
  m.a(2) = 10;
  EXPECT_EQ(m.run().return_value, 3u);
  EXPECT_EQ(m.st().lcount, 7u);  // left where the early exit happened
}

TEST(Emulator, CountedBranchLoop) {
  Machine m([&](FunctionBuilder& b) {
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    b.counted_loop(a(2), 6, [&] { b.emit(Opcode::kAddi, {a(8), a(8), imm(2)}); });
    b.emit(Opcode::kMov, {a(2), a(8)});
  });
  m.a(2) = 6;
  EXPECT_EQ(m.run().return_value, 12u);
}

TEST(Emulator, InstructionLimitFault) {
  Machine m([&](FunctionBuilder& b) {
    Label top = b.named_label("top");
    b.bind(top);
    b.emit(Opcode::kJ, {target(top)});
  });
  RunOptions options;
  options.max_instructions = 1000;
  expect_fault([&] { m.run(options); }, FaultKind::kInstructionLimit,
               "instruction limit 1000 reached at pc 0x40378003 (j top)");
  EXPECT_EQ(m.st().pc, 0x40378003u);
}

TEST(Emulator, InstructionLimitNamesThePieInstruction) {
  Machine m([&](FunctionBuilder& b) {
    Label top = b.named_label("top");
    b.bind(top);
    b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(0)});
    b.emit(Opcode::kJ, {target(top)});
  });
  m.a(2) = kData;
  RunOptions options;
  options.max_instructions = 1001;  // entry, then 500 x (vld, j): the next one is the vld
  expect_fault([&] { m.run(options); }, FaultKind::kInstructionLimit,
               "instruction limit 1001 reached at pc 0x40378003 (ee.vld.128.ip q0, a2, 0)");
}

TEST(Emulator, AccessOutsideMappedMemoryFault) {
  Machine m([&](FunctionBuilder& b) { b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)}); });
  m.a(2) = 0x1234;
  try {
    m.run();
    ADD_FAILURE() << "no fault";
  } catch (const EmuFault& e) {
    EXPECT_EQ(std::string(e.what()),
              "pc 0x40378003 (ee.vld.128.ip q0, a2, 16): load of 16 bytes at 0x00001230: outside mapped memory");
    EXPECT_EQ(e.fault().kind, FaultKind::kUnmappedAccess);
    EXPECT_EQ(e.fault().pc, 0x40378003u);
    EXPECT_EQ(e.fault().text, "ee.vld.128.ip q0, a2, 16");
    ASSERT_TRUE(e.fault().address.has_value());
    EXPECT_EQ(*e.fault().address, 0x1230u);
  }
  // The faulting instruction changed nothing.
  EXPECT_EQ(m.a(2), 0x1234u);
}

TEST(Emulator, AccessStraddlingTheEndOfSramFaults) {
  Machine m(Opcode::kL32i, {a(8), a(2), imm(0)});
  m.a(2) = kSramBase + kSramSizeBytes - 2;
  expect_fault([&] { m.run(); }, FaultKind::kUnmappedAccess,
               "pc 0x40378003 (l32i a8, a2, 0): load of 4 bytes at 0x3fcffffe: outside mapped memory");
}

TEST(Emulator, StoreToFlashFaults) {
  Machine m(Opcode::kS32i, {a(8), a(2), imm(0)});
  m.a(2) = kFlashBase;
  expect_fault([&] { m.run(); }, FaultKind::kUnmappedAccess,
               "pc 0x40378003 (s32i a8, a2, 0): store of 4 bytes at 0x3c000000: store to flash (read-only)");
}

TEST(Emulator, ReturnWithNoCallerFaults) {
  FunctionBuilder b("leaf");
  b.emit(Opcode::kRetwN, {});
  Emulator emu(program_of({std::move(b).finish()}));
  expect_fault([&] { emu.call("leaf", {}); }, FaultKind::kNoCaller,
               "pc 0x40378000 (retw.n): return with no caller (a0[31:30] = 0)");
}

TEST(Emulator, EntryWithoutCallFaults) {
  FunctionBuilder b("again");
  Label top = b.named_label("top");
  b.bind(top);
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kJ, {target(top)});
  Emulator emu(program_of({std::move(b).finish()}));
  expect_fault([&] { emu.call("again", {}); }, FaultKind::kNoCall,
               "pc 0x40378000 (entry a1, 32): entry without a windowed call");
}

TEST(Emulator, RunningPastTheEndOfAFunctionFaults) {
  FunctionBuilder b("open");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kNop, {});
  Emulator emu(program_of({std::move(b).finish()}));
  expect_fault([&] { emu.call("open", {}); }, FaultKind::kRanOffEnd,
               "pc 0x40378006: execution ran past the end of function 'open'");
}

TEST(Emulator, LoopEndOutOfEncodingRangeFaults) {
  Machine m([&](FunctionBuilder& b) {
    b.zero_overhead_loop(Opcode::kLoop, a(2), 1, [&] {
      for (int i = 0; i < 90; ++i) b.emit(Opcode::kNop, {});  // 270 bytes
    });
  });
  m.a(2) = 1;
  expect_fault([&] { m.run(); }, FaultKind::kLoopRange,
               "pc 0x40378003 (loop a2, .Lf_loop_end0): loop end 269 bytes after pc + 4, the LOOP encoding reaches 0..255");
}

TEST(Emulator, RejectsInvalidOperands) {
  model::Function f;
  f.name = "bad";
  model::Insn insn;
  insn.opcode = Opcode::kAddi;
  insn.operand_count = 3;
  insn.operands = {a(2), a(2), imm(1000)};
  f.insns.push_back(insn);
  EXPECT_THROW(Emulator(program_of({f})), InputError);
}

TEST(Emulator, TraceHookSeesPcIndexAccessesAndRegions) {
  Machine m([&](FunctionBuilder& b) {
    Label skip = b.named_label("skip");
    b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});   // SRAM, 2 bytes off the grid
    b.emit(Opcode::kL32i, {a(8), a(3), imm(4)});          // PSRAM
    b.emit(Opcode::kL16ui, {a(9), a(4), imm(0)});         // flash
    b.emit(Opcode::kS8i, {a(9), a(2), imm(0)});           // store to SRAM
    b.emit(Opcode::kBnez, {a(8), target(skip)});
    b.emit(Opcode::kNop, {});
    b.bind(skip);
  });
  m.a(2) = kData + 2;
  m.a(3) = kPsramBase + 0x100;
  m.a(4) = kFlashBase + 0x42;
  m.poke(kPsramBase + 0x104, {1, 0, 0, 0});
  std::vector<TraceEvent> events;
  std::vector<std::vector<MemAccess>> accesses;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) {
    events.push_back(e);
    accesses.emplace_back(e.accesses.begin(), e.accesses.end());
  };
  m.run(options);
  ASSERT_EQ(events.size(), 7u);  // entry, vld, l32i, l16ui, s8i, bnez (taken), retw.n
  EXPECT_EQ(events[0].opcode, Opcode::kEntry);
  EXPECT_EQ(events[1].pc, kCodeBase + 3);
  EXPECT_EQ(events[1].insn_index, 1u);
  EXPECT_EQ(events[1].function, 0u);
  ASSERT_EQ(accesses[1].size(), 1u);
  EXPECT_EQ(accesses[1][0].address, kData);
  EXPECT_EQ(accesses[1][0].bytes, 16);
  EXPECT_FALSE(accesses[1][0].store);
  EXPECT_EQ(accesses[1][0].region, Region::kInternalSram);
  ASSERT_EQ(accesses[2].size(), 1u);
  EXPECT_EQ(accesses[2][0].address, kPsramBase + 0x104);
  EXPECT_EQ(accesses[2][0].region, Region::kPsram);
  EXPECT_EQ(accesses[3][0].region, Region::kFlash);
  EXPECT_EQ(accesses[3][0].bytes, 2);
  EXPECT_TRUE(accesses[4][0].store);
  EXPECT_EQ(accesses[4][0].address, kData + 18);  // after the post-increment
  EXPECT_TRUE(events[5].branch_taken);
  EXPECT_EQ(events[6].opcode, Opcode::kRetwN);
  EXPECT_TRUE(accesses[0].empty());
}

TEST(Emulator, TraceHookReportsLoopBack) {
  Machine m([&](FunctionBuilder& b) {
    b.zero_overhead_loop(Opcode::kLoop, a(2), 3, [&] {
      b.emit(Opcode::kNop, {});
      b.emit(Opcode::kNop, {});
    });
  });
  m.a(2) = 3;
  std::vector<TraceEvent> events;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) { events.push_back(e); };
  m.run(options);
  // entry, loop, 3 x (nop, nop), retw.n
  ASSERT_EQ(events.size(), 9u);
  int backs = 0;
  for (const TraceEvent& e : events) backs += e.loop_back ? 1 : 0;
  EXPECT_EQ(backs, 2);
  EXPECT_TRUE(events[3].loop_back);
  EXPECT_EQ(events[4].insn_index, 2u);
  EXPECT_FALSE(events[1].branch_taken);
}

}  // namespace
}  // namespace pietune::emu::testing
