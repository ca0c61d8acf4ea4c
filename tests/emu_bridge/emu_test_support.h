// Test support for the emulator tests: a one-function machine built with FunctionBuilder, register
// and lane helpers, and the per-row semantics case type shared by the family test files.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emu_bridge/emulator.h"
#include "model/ir/builder.h"

namespace pietune::emu::testing {

using model::a;
using model::FunctionBuilder;
using model::imm;
using model::Opcode;
using model::Operand;
using model::q;

inline constexpr std::uint32_t kData = 0x3FC90000;  // a 16-byte aligned SRAM address for test data

// The program `entry a1, 32; <body>; retw.n` as function "f", in an emulator. The register
// accessors use the callee's view (window base 2 while it runs, physical a[8 + i]); run() passes the
// preset a2..a7 as the call's arguments, so a test presets every register the same way.
class Machine {
 public:
  explicit Machine(const std::function<void(FunctionBuilder&)>& body) : emu_(build(body)) {}
  Machine(Opcode opcode, std::initializer_list<Operand> operands)
      : Machine([&](FunctionBuilder& b) { b.emit(opcode, operands); }) {}
  // One instruction whose operands are only known at run time (table-driven cases). The emulator
  // checks them against the row.
  Machine(Opcode opcode, const std::vector<Operand>& operands) : emu_(build_one(opcode, operands)) {}

  std::uint32_t& a(int i) { return emu_.state().physical_ar[static_cast<std::size_t>(8 + i)]; }
  QReg& q(int i) { return emu_.state().q[static_cast<std::size_t>(i)]; }
  MachineState& st() { return emu_.state(); }
  Memory& mem() { return emu_.memory(); }
  Emulator& emu() { return emu_; }

  // Runs f; records the executed opcodes.
  RunResult run(RunOptions options = {}) {
    std::vector<std::uint32_t> args;
    for (int i = 2; i <= 7; ++i) args.push_back(a(i));
    TraceHook user = options.trace;
    options.trace = [this, user](const TraceEvent& e) {
      executed_.insert(e.opcode);
      if (user) user(e);
    };
    return emu_.call("f", args, options);
  }
  bool executed(Opcode opcode) const { return executed_.count(opcode) != 0; }

  void poke(std::uint32_t addr, const std::vector<std::uint8_t>& bytes) { mem().load(addr, bytes); }
  std::vector<std::uint8_t> peek(std::uint32_t addr, std::uint32_t bytes) const { return emu_.memory().dump(addr, bytes); }

 private:
  static model::Program build(const std::function<void(FunctionBuilder&)>& body) {
    FunctionBuilder b("f");
    b.emit(Opcode::kEntry, {model::a(1), model::imm(32)});
    body(b);
    b.emit(Opcode::kRetwN, {});
    model::Program p;
    p.functions.push_back(std::move(b).finish());
    return p;
  }

  static model::Program build_one(Opcode opcode, const std::vector<Operand>& operands) {
    model::Program p = build([](FunctionBuilder&) {});
    model::Insn insn;
    insn.opcode = opcode;
    insn.operand_count = static_cast<std::uint8_t>(operands.size());
    for (std::size_t i = 0; i < operands.size() && i < model::kMaxOperands; ++i) insn.operands[i] = operands[i];
    auto& insns = p.functions[0].insns;
    insns.insert(insns.begin() + 1, insn);
    return p;
  }

  Emulator emu_;
  std::set<Opcode> executed_;
};

// A q register from lane values of type T (lane 0 first).
template <typename T>
QReg make_q(std::initializer_list<T> lanes) {
  QReg out{};
  std::size_t i = 0;
  for (T v : lanes) {
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
    ++i;
  }
  return out;
}

template <typename T>
QReg splat_q(T value) {
  QReg out{};
  for (std::size_t i = 0; i < 16 / sizeof(T); ++i) std::memcpy(out.data() + i * sizeof(T), &value, sizeof(T));
  return out;
}

// Bytes 0..15 = first, first + 1, ...
inline QReg iota_q(int first) {
  QReg out{};
  for (int i = 0; i < 16; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(first + i);
  return out;
}

template <typename T>
std::vector<T> lanes_of(const QReg& q) {
  std::vector<T> out(16 / sizeof(T));
  std::memcpy(out.data(), q.data(), 16);
  return out;
}

inline std::vector<std::uint8_t> bytes_of(const QReg& q) { return {q.begin(), q.end()}; }

// Bytes first, first + 1, ... (mod 256).
inline std::vector<std::uint8_t> iota_bytes(std::size_t count, int first = 0) {
  std::vector<std::uint8_t> out(count);
  for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<std::uint8_t>(first + static_cast<int>(i));
  return out;
}

// One semantics case: a single instruction of row `opcode` between entry and retw.n.
// Its test name is `name`, which starts with the row's Opcode id (e.g. "EeVaddsS8_saturates"):
// tests/emu_bridge/coverage_test.cc checks that every row has at least one such case.
struct SemCase {
  std::string name;
  Opcode opcode;
  std::vector<Operand> operands;
  std::function<void(Machine&)> setup;
  std::function<void(Machine&)> check;
};

inline void run_case(const SemCase& c) {
  Machine m(c.opcode, c.operands);
  if (c.setup) c.setup(m);
  m.run();
  EXPECT_TRUE(m.executed(c.opcode));
  if (c.check) c.check(m);
}

struct SemCaseName {
  std::string operator()(const ::testing::TestParamInfo<SemCase>& info) const { return info.param.name; }
};

}  // namespace pietune::emu::testing
