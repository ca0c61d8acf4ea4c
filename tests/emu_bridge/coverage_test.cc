// coverage: every row of the ISA table has semantics (the dispatch entry) and at least one semantics
// test named after its Opcode id (a case name or test name "<Id>" or "<Id>_<what>").
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/semantics/dispatch.h"
#include "model/isa/insn_desc.h"

namespace pietune::emu {
namespace {

constexpr const char* kIds[] = {
#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) #id,
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN
};
static_assert(std::size(kIds) == model::kOpcodeCount);

TEST(Coverage, EveryRowHasSemantics) {
  std::set<Handler> distinct;
  for (const model::InsnDesc& d : model::all_insns()) {
    ASSERT_NE(semantics(d.opcode), nullptr) << d.mnemonic;
    distinct.insert(semantics(d.opcode));
  }
  EXPECT_EQ(distinct.size(), model::kOpcodeCount);  // one entry per row, no row borrowing another's
}

// The last '/'-separated part of every registered test name, e.g. "EeVaddsS8_reference".
std::set<std::string> test_names() {
  std::set<std::string> names;
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  for (int s = 0; s < unit.total_test_suite_count(); ++s) {
    const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
    for (int t = 0; t < suite.total_test_count(); ++t) {
      std::string name = suite.GetTestInfo(t)->name();
      names.insert(name.substr(name.rfind('/') + 1));
    }
  }
  return names;
}

TEST(Coverage, EveryRowHasASemanticsTest) {
  const std::set<std::string> names = test_names();
  for (std::size_t i = 0; i < model::kOpcodeCount; ++i) {
    const std::string id = kIds[i];
    bool found = false;
    for (auto it = names.lower_bound(id); it != names.end() && it->compare(0, id.size(), id) == 0; ++it)
      found = found || it->size() == id.size() || (*it)[id.size()] == '_';
    EXPECT_TRUE(found) << "no semantics test for " << model::all_insns()[i].mnemonic << " (name a case " << id << "_...)";
  }
}

}  // namespace
}  // namespace pietune::emu
