// pipeline: hazard rules, resource conflicts, bubbles and cache misses on short instruction streams.
#include "model/timing/pipeline.h"

#include <gtest/gtest.h>

#include "model/ir/builder.h"
#include "model/support/error.h"

namespace pietune::model {
namespace {

// Issues a straight-line function once, every access in `region` at consecutive 16-byte lines.
Cost run(const Function& f, std::vector<IssueRecord>* records = nullptr, MemRegion region = MemRegion::kSram) {
  const Machine& machine = default_machine();
  TimedDescTable descs(machine);
  Pipeline pipe(machine, descs);
  if (records) pipe.set_listener([records](const IssueRecord& r) { records->push_back(r); });
  std::uint32_t addr = 0x3D000000;
  for (std::uint32_t i = 0; i < f.insns.size(); ++i) {
    ExecEvent e;
    e.insn = &f.insns[i];
    e.index = i;
    const InsnDesc& d = f.insns[i].desc();
    if (d.has(kFlagLoad) || d.has(kFlagStore)) {
      e.access_count = 1;
      e.accesses[0] = {addr, 16, d.has(kFlagStore), region};
      addr += 16;
    }
    pipe.issue(e);
  }
  return pipe.cost();
}

void expect_consistent(const Cost& c) {
  EXPECT_DOUBLE_EQ(c.breakdown_sum(), c.cycles);
  EXPECT_DOUBLE_EQ(c.issue, static_cast<double>(c.instructions));
}

TEST(Pipeline, VectorLoadThenConsumerStallsOneCycle) {
  FunctionBuilder b("f");
  b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
  b.emit(Opcode::kEeVmulasS8Accx, {q(0), q(1)});
  std::vector<IssueRecord> records;
  Cost c = run(std::move(b).finish(), &records);
  EXPECT_DOUBLE_EQ(c.cycles, 3);
  EXPECT_DOUBLE_EQ(c.data_stall, 1);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].cause, StallCause::kData);
  EXPECT_EQ(records[1].culprit_index, 0);
  EXPECT_EQ(reg_name(records[1].culprit_reg), "q0");
  expect_consistent(c);
}

TEST(Pipeline, OneFillerHidesTheLoadUse) {
  FunctionBuilder b("f");
  b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
  b.emit(Opcode::kEeAndq, {q(3), q(4), q(5)});
  b.emit(Opcode::kEeVmulasS8Accx, {q(0), q(1)});
  EXPECT_DOUBLE_EQ(run(std::move(b).finish()).cycles, 3);
}

TEST(Pipeline, MeasuredAnchorsFromSilicon) {
  // HW-T anchors (facts §5.4): l32i -> add stalls 1; add -> add 0; LD.QR -> ST.QR 0; MV.QR -> ANDQ 0;
  // ANDQ -> ANDQ 0; LD.ACCX -> ST.ACCX 1; VMULAS chains 0.
  struct Case {
    Opcode producer;
    std::initializer_list<Operand> p_ops;
    Opcode consumer;
    std::initializer_list<Operand> c_ops;
    double stall;
  };
  const Case cases[] = {
      {Opcode::kL32i, {a(2), a(3), imm(0)}, Opcode::kAdd, {a(4), a(2), a(2)}, 1},
      {Opcode::kAdd, {a(2), a(3), a(3)}, Opcode::kAdd, {a(4), a(2), a(2)}, 0},
      {Opcode::kLdQr, {q(1), a(3), imm(0)}, Opcode::kStQr, {q(1), a(4), imm(0)}, 0},
      {Opcode::kLdQr, {q(1), a(3), imm(0)}, Opcode::kEeAndq, {q(2), q(1), q(1)}, 1},
      {Opcode::kMvQr, {q(1), q(3)}, Opcode::kEeAndq, {q(2), q(1), q(1)}, 0},
      {Opcode::kEeAndq, {q(1), q(3), q(3)}, Opcode::kEeAndq, {q(2), q(1), q(1)}, 0},
      {Opcode::kEeLdAccxIp, {a(3), imm(8)}, Opcode::kEeStAccxIp, {a(4), imm(8)}, 1},
      {Opcode::kEeVmulasU16Qacc, {q(1), q(2)}, Opcode::kEeVmulasU16Qacc, {q(3), q(4)}, 0},
      {Opcode::kEeVmulasU16Qacc, {q(1), q(2)}, Opcode::kEeStQaccLL128Ip, {a(4), imm(16)}, 1},
      {Opcode::kEeVreluS16, {q(1), a(2), a(3)}, Opcode::kEeMovS16Qacc, {q(1)}, 1},
  };
  for (const Case& c : cases) {
    FunctionBuilder b("f");
    b.emit(c.producer, c.p_ops);
    b.emit(c.consumer, c.c_ops);
    Function f = std::move(b).finish();
    Cost cost = run(f);
    EXPECT_DOUBLE_EQ(cost.cycles - 2, c.stall) << f.insns[0].desc().mnemonic << " -> " << f.insns[1].desc().mnemonic;
    expect_consistent(cost);
  }
}

TEST(Pipeline, SrcmbAfterAnyMacPaysAResourceCycle) {
  // VMULAS.U16.ACCX (no QACC dependency) then SRCMB.S16.QACC: +1 from the shared 40-bit adders.
  FunctionBuilder b("f");
  b.emit(Opcode::kEeVmulasU16Accx, {q(1), q(2)});
  b.emit(Opcode::kEeSrcmbS16Qacc, {q(3), a(4), imm(0)});
  Cost c = run(std::move(b).finish());
  EXPECT_DOUBLE_EQ(c.cycles, 3);
  EXPECT_DOUBLE_EQ(c.resource_stall, 1);
  // The same pair with ANDQ instead of SRCMB: no stall.
  FunctionBuilder b2("g");
  b2.emit(Opcode::kEeVmulasU16Accx, {q(1), q(2)});
  b2.emit(Opcode::kEeAndq, {q(3), q(4), q(5)});
  EXPECT_DOUBLE_EQ(run(std::move(b2).finish()).cycles, 2);
}

TEST(Pipeline, SrsAfterMacOnTheSameAccumulator) {
  FunctionBuilder b("f");
  b.emit(Opcode::kEeVmulasS8Accx, {q(1), q(2)});
  b.emit(Opcode::kEeSrsAccx, {a(3), a(4), imm(0)});
  Cost c = run(std::move(b).finish());
  EXPECT_DOUBLE_EQ(c.cycles, 3);
  expect_consistent(c);
}

TEST(Pipeline, PsramStreamMissesOncePerLine) {
  FunctionBuilder b("f");
  for (int i = 0; i < 8; ++i) b.emit(Opcode::kEeVld128Ip, {q(i % 4), a(2), imm(16)});
  const Machine& m = default_machine();
  Cost c = run(std::move(b).finish(), nullptr, MemRegion::kPsram);
  EXPECT_EQ(c.cache_misses, 8u * 16u / static_cast<unsigned>(m.dcache_line_bytes));
  EXPECT_DOUBLE_EQ(c.cache_miss, static_cast<double>(c.cache_misses) * m.psram_line_fill_cycles());
  expect_consistent(c);
}

TEST(DataCache, LruEvictsTheOldestWayOfASet) {
  DataCache cache(4 * 2 * 16, 2, 16);  // 4 sets, 2 ways
  const std::uint32_t set_stride = 4 * 16;
  EXPECT_FALSE(cache.access(0, false).hit);
  EXPECT_FALSE(cache.access(set_stride, true).hit);
  EXPECT_TRUE(cache.access(0, false).hit);
  CacheOutcome third = cache.access(2 * set_stride, false);  // evicts the dirty line at set_stride
  EXPECT_FALSE(third.hit);
  EXPECT_TRUE(third.wrote_back);
  EXPECT_TRUE(cache.access(0, false).hit);
  EXPECT_FALSE(cache.access(set_stride, false).hit);
}

TEST(Machine, BundledDescriptionLoadsWithSources) {
  const Machine& m = default_machine();
  EXPECT_EQ(m.name, "esp32s3");
  EXPECT_EQ(m.taken_branch_penalty, 2);
  EXPECT_NEAR(m.psram_line_fill_cycles(), 75.0 + 1.43 * 32, 1e-9);  // the values in esp32s3.json
  for (const auto& [key, param] : m.params) EXPECT_FALSE(param.source.empty()) << key;
  EXPECT_EQ(m.hash_hex().size(), 16u);
}

TEST(Machine, BadFilesGiveClearErrors) {
  EXPECT_THROW(parse_machine("{", "m.json"), InputError);
  try {
    parse_machine(R"({"name": "x", "parameters": {"clock_hz": {"value": 1, "source": "s"}}})", "m.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "m.json: parameter 'clock_hz': 1 outside 1000000..1000000000");
  }
  try {
    parse_machine(R"({"name": "x", "parameters": {"warp_speed": {"value": 1, "source": "s"}}})", "m.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "m.json: parameter 'warp_speed': unknown parameter");
  }
}

}  // namespace
}  // namespace pietune::model
