// insn_table: the ISA rows agree with the assembler-checked syntax table and the TRM stage facts.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "model/isa/insn_desc.h"

namespace pietune::model {
namespace {

TEST(InsnTable, LookupIsCaseInsensitiveAndUnique) {
  ASSERT_TRUE(find_opcode("EE.VLD.128.IP").has_value());
  EXPECT_EQ(*find_opcode("ee.vld.128.ip"), Opcode::kEeVld128Ip);
  EXPECT_FALSE(find_opcode("ee.vld.129.ip").has_value());
  for (const InsnDesc& d : all_insns()) EXPECT_EQ(*find_opcode(d.mnemonic), d.opcode) << d.mnemonic;
}

// Every PIE row matches pie_syntax.tsv (checked against GNU as for the esp32s3 core): size, operand
// count, order of kinds and immediate ranges.
TEST(InsnTable, PieRowsMatchAssemblerCheckedSyntaxTable) {
  std::ifstream tsv(PIETUNE_SOURCE_DIR "/model/isa/data/pie_syntax.tsv");
  ASSERT_TRUE(tsv) << "missing syntax table";
  std::string line;
  std::getline(tsv, line);  // header
  int matched = 0;
  while (std::getline(tsv, line)) {
    std::istringstream fields(line);
    std::string mnemonic, size, operands;
    std::getline(fields, mnemonic, '\t');
    std::getline(fields, size, '\t');
    std::getline(fields, operands, '\t');
    auto opcode = find_opcode(mnemonic);
    if (!opcode) continue;  // not in pietune's subset
    const InsnDesc& d = insn_desc(*opcode);
    EXPECT_EQ(d.size_bytes, std::stoi(size)) << mnemonic;
    std::vector<std::string> specs;
    if (operands != "-") {
      std::istringstream ops(operands);
      for (std::string op; std::getline(ops, op, ',');) specs.push_back(op);
    }
    ASSERT_EQ(d.operands.size(), specs.size()) << mnemonic;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const std::string& spec = specs[i];
      const std::string kind = spec.substr(spec.find(':') + 1, spec.rfind(':') - spec.find(':') - 1);
      const OperandDesc& op = d.operands[i];
      if (kind == "q") EXPECT_EQ(op.kind, OperandKind::kQr) << mnemonic << " operand " << i;
      else if (kind == "a") EXPECT_EQ(op.kind, OperandKind::kAr) << mnemonic << " operand " << i;
      else {
        ASSERT_EQ(op.kind, OperandKind::kImm) << mnemonic << " operand " << i;
        const std::string want = "imm[" + std::to_string(op.imm.min) + ".." + std::to_string(op.imm.max) + "/" +
                                 std::to_string(op.imm.step) + "]";
        EXPECT_EQ(kind, want) << mnemonic << " operand " << i;
      }
      const std::string role = spec.substr(spec.rfind(':') + 1);
      if (op.kind != OperandKind::kImm) {
        EXPECT_EQ(role == "in" || role == "inout", op.reads()) << mnemonic << " operand " << i;
        EXPECT_EQ(role == "out" || role == "inout", op.writes()) << mnemonic << " operand " << i;
      }
    }
    ++matched;
  }
  EXPECT_GE(matched, 180);
}

// Stage facts quoted from TRM Table 1.7-2 (s3_isa_facts.md §5.2), spot-checked row by row.
TEST(InsnTable, StagesFollowTheTrmTable) {
  const InsnDesc& vld = insn_desc(Opcode::kEeVld128Ip);
  EXPECT_EQ(vld.operands[0].def_stage, 2);  // qu at M
  EXPECT_EQ(vld.operands[1].use_stage, 1);  // as at E
  EXPECT_EQ(vld.operands[1].def_stage, 1);
  const InsnDesc& mac = insn_desc(Opcode::kEeVmulasS8AccxLdIpQup);
  ASSERT_EQ(mac.states.size(), 2u);
  EXPECT_EQ(mac.states[0].reg, SpecialReg::kAccx);
  EXPECT_EQ(mac.states[0].use_stage, 2);
  EXPECT_EQ(mac.states[0].def_stage, 2);
  EXPECT_EQ(mac.operands[5].def_stage, 1);  // qs0 funnel update at E
  EXPECT_EQ(mac.macs, 16);
  EXPECT_EQ(insn_desc(Opcode::kEeVmulasS16Qacc).macs, 8);
  const InsnDesc& srcmb = insn_desc(Opcode::kEeSrcmbS8Qacc);
  EXPECT_EQ(srcmb.operands[0].def_stage, 1);
  EXPECT_EQ(srcmb.units, UnitGroup::kSrcmb);
  EXPECT_EQ(insn_desc(Opcode::kEeVreluS8).operands[0].def_stage, 2);
  EXPECT_EQ(insn_desc(Opcode::kStQr).operands[0].use_stage, 2);  // measured: ST.QR reads at M
  EXPECT_EQ(insn_desc(Opcode::kMvQr).operands[0].def_stage, 1);  // measured: MV.QR defines at E
  EXPECT_EQ(insn_desc(Opcode::kL32i).operands[0].def_stage, 2);  // scalar load-use = 1 stall
}

// Base rows added for hand-written S3 code: the DIV32 result latency (16, HW-C estimate), salt at E,
// l32r a load whose label names a literal (not a branch target).
TEST(InsnTable, DividerSaltAndL32rRows) {
  for (Opcode op : {Opcode::kQuos, Opcode::kQuou, Opcode::kRems, Opcode::kRemu}) {
    EXPECT_EQ(insn_desc(op).operands[0].def_stage, 16) << insn_desc(op).mnemonic;
    EXPECT_EQ(insn_desc(op).operands[1].use_stage, 1) << insn_desc(op).mnemonic;
  }
  EXPECT_EQ(insn_desc(Opcode::kSalt).operands[0].def_stage, 1);
  EXPECT_EQ(insn_desc(Opcode::kSaltu).operands[0].def_stage, 1);
  const InsnDesc& l32r = insn_desc(Opcode::kL32r);
  EXPECT_TRUE(l32r.has(kFlagLoad));
  EXPECT_EQ(l32r.operands[0].def_stage, 2);
  EXPECT_EQ(l32r.label_operand(), 1u);
  EXPECT_TRUE(l32r.label_is_literal());
  EXPECT_FALSE(insn_desc(Opcode::kBeq).label_is_literal());
  EXPECT_FALSE(insn_desc(Opcode::kLoop).label_is_literal());
  EXPECT_FALSE(insn_desc(Opcode::kAdd).label_is_literal());
}

TEST(InsnTable, ImmediateRangesAndSets) {
  const ImmRange& vld = insn_desc(Opcode::kEeVld128Ip).operands[2].imm;
  EXPECT_TRUE(vld.contains(-2048));
  EXPECT_TRUE(vld.contains(2032));
  EXPECT_FALSE(vld.contains(2048));
  EXPECT_FALSE(vld.contains(8));
  const ImmRange& fused = insn_desc(Opcode::kEeVmulasS8AccxLdIp).operands[2].imm;
  EXPECT_TRUE(fused.contains(496));
  EXPECT_FALSE(fused.contains(512));
  const ImmRange& b4 = insn_desc(Opcode::kBeqi).operands[1].imm;
  EXPECT_TRUE(b4.contains(-1));
  EXPECT_TRUE(b4.contains(256));
  EXPECT_FALSE(b4.contains(9));
  EXPECT_FALSE(insn_desc(Opcode::kAddiN).operands[2].imm.contains(0));
}

TEST(InsnTable, ControlFlowFlags) {
  EXPECT_TRUE(insn_desc(Opcode::kLoopgtz).has(kFlagLoop));
  EXPECT_EQ(insn_desc(Opcode::kLoopgtz).label_operand(), 1u);
  EXPECT_TRUE(insn_desc(Opcode::kBbci).has(kFlagBranch));
  EXPECT_EQ(insn_desc(Opcode::kBbci).label_operand(), 2u);
  EXPECT_TRUE(insn_desc(Opcode::kRetwN).has(kFlagReturn));
  EXPECT_EQ(insn_desc(Opcode::kRetwN).size_bytes, 2);
  EXPECT_TRUE(insn_desc(Opcode::kEeVst128Ip).has(kFlagStore));
  EXPECT_TRUE(insn_desc(Opcode::kEeVmulasS8QaccLdbcIncp).has(kFlagLoad));
}

TEST(InsnTable, CallsAndReturns) {
  for (Opcode op : {Opcode::kCall0, Opcode::kCall4, Opcode::kCall8, Opcode::kCall12}) {
    const InsnDesc& d = insn_desc(op);
    EXPECT_TRUE(d.has(kFlagCall)) << d.mnemonic;
    EXPECT_EQ(d.label_operand(), 0u) << d.mnemonic;
    EXPECT_TRUE(d.label_is_function()) << d.mnemonic;
    EXPECT_FALSE(d.label_is_literal()) << d.mnemonic;
    EXPECT_EQ(d.size_bytes, 3) << d.mnemonic;
  }
  for (Opcode op : {Opcode::kCallx0, Opcode::kCallx4, Opcode::kCallx8, Opcode::kCallx12}) {
    const InsnDesc& d = insn_desc(op);
    EXPECT_TRUE(d.has(kFlagCall)) << d.mnemonic;
    EXPECT_FALSE(d.label_operand().has_value()) << d.mnemonic;
    EXPECT_EQ(d.operands[0].kind, OperandKind::kAr) << d.mnemonic;
  }
  EXPECT_TRUE(insn_desc(Opcode::kRet).has(kFlagReturn));
  EXPECT_EQ(insn_desc(Opcode::kRetN).size_bytes, 2);
  EXPECT_TRUE(insn_desc(Opcode::kJx).has(kFlagJump));
  EXPECT_FALSE(insn_desc(Opcode::kJ).label_is_function());
  EXPECT_EQ(find_opcode("CALLX12"), Opcode::kCallx12);
}

}  // namespace
}  // namespace pietune::model
