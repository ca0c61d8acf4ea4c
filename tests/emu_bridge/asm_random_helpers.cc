// Random valid programs built with FunctionBuilder, and a name-based dump to compare programs.
#include "tests/emu_bridge/asm_random_helpers.h"

#include <algorithm>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/ir/builder.h"

namespace pietune::emu::testing {
namespace {

using model::FunctionBuilder;
using model::Opcode;
using model::OperandKind;

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  model::Operand random_operand(const model::OperandDesc& desc, const std::vector<model::Label>& labels) {
    switch (desc.kind) {
      case OperandKind::kAr: return model::a(uniform(0, 15));
      case OperandKind::kQr: return model::q(uniform(0, 7));
      case OperandKind::kLabel: return model::target(labels[static_cast<std::size_t>(uniform(0, int(labels.size()) - 1))]);
      case OperandKind::kImm: break;
    }
    const model::ImmRange& range = desc.imm;
    if (!range.set.empty()) return model::imm(range.set[static_cast<std::size_t>(uniform(0, int(range.set.size()) - 1))]);
    const int steps = (range.max - range.min) / range.step;
    const int pick = chance(0.2) ? (chance(0.5) ? 0 : steps) : uniform(0, steps);  // boundaries often
    return model::imm(range.min + pick * range.step);
  }

  void emit_random(FunctionBuilder& b, Opcode opcode, const std::vector<model::Label>& labels) {
    const model::InsnDesc& desc = model::insn_desc(opcode);
    std::vector<model::Operand> ops;
    for (const model::OperandDesc& op : desc.operands) ops.push_back(random_operand(op, labels));
    model::Insn& insn = emit(b, opcode, ops);
    if (chance(0.05)) insn.trip_count = chance(0.5) ? uniform(0, 1000) : std::int64_t{1} << uniform(20, 50);
  }

  static model::Insn& emit(FunctionBuilder& b, Opcode opcode, const std::vector<model::Operand>& ops) {
    switch (ops.size()) {
      case 0: return b.emit(opcode, {});
      case 1: return b.emit(opcode, {ops[0]});
      case 2: return b.emit(opcode, {ops[0], ops[1]});
      case 3: return b.emit(opcode, {ops[0], ops[1], ops[2]});
      case 4: return b.emit(opcode, {ops[0], ops[1], ops[2], ops[3]});
      case 5: return b.emit(opcode, {ops[0], ops[1], ops[2], ops[3], ops[4]});
      case 6: return b.emit(opcode, {ops[0], ops[1], ops[2], ops[3], ops[4], ops[5]});
      default: return b.emit(opcode, {ops[0], ops[1], ops[2], ops[3], ops[4], ops[5], ops[6]});
    }
  }

  model::Function random_function(std::string name) {
    FunctionBuilder b(name);
    std::vector<Opcode> opcodes;
    for (const model::InsnDesc& d : model::all_insns()) opcodes.push_back(d.opcode);
    std::shuffle(opcodes.begin(), opcodes.end(), rng_);
    if (chance(0.1)) opcodes.clear();  // an empty function prints and parses too
    std::vector<Opcode> plain;  // loop-body material: no label operands
    for (Opcode op : opcodes)
      if (!model::insn_desc(op).label_operand()) plain.push_back(op);

    std::vector<model::Label> labels;
    for (int i = 0, n = uniform(1, 6); i < n; ++i)
      labels.push_back(chance(0.3) ? b.named_label(fmt::format("{}_target{}", name, i)) : b.new_label("t"));
    std::vector<bool> bound(labels.size(), false);
    auto bind_some = [&] {
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (!bound[i] && chance(0.02)) {
          b.bind(labels[i]);
          bound[i] = true;
        }
      }
    };
    for (Opcode opcode : opcodes) {
      bind_some();
      const model::InsnDesc& desc = model::insn_desc(opcode);
      if (desc.has(model::kFlagLoop)) {
        const int body = uniform(1, 5);
        b.zero_overhead_loop(opcode, model::a(uniform(2, 15)), chance(0.3) ? model::kUnknownTrips : uniform(0, 5000), [&] {
          for (int i = 0; i < body && !plain.empty(); ++i)
            emit_random(b, plain[static_cast<std::size_t>(uniform(0, int(plain.size()) - 1))], labels);
          if (plain.empty()) b.emit(Opcode::kNop, {});
        });
      } else {
        emit_random(b, opcode, labels);
      }
    }
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (!bound[i]) b.bind(labels[i]);
    model::Function f = std::move(b).finish();
    f.global = chance(0.7);
    f.align_bytes = 1u << uniform(0, 6);
    return f;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace

model::Program random_program(std::uint32_t seed) {
  Generator gen(seed);
  model::Program program;
  for (int i = 0, n = gen.uniform(1, 3); i < n; ++i)
    program.functions.push_back(gen.random_function(fmt::format("pietune_fn{}_{}", seed, i)));
  // l32r names a literal of the pool, not a code label: give each one its own literal, some holding
  // a constant, some a function's address (a relocation).
  model::DataSection pool{std::string(model::kLiteralSection), 4, {}, {}, {}};
  for (model::Function& f : program.functions) {
    for (model::Insn& insn : f.insns) {
      if (!insn.desc().label_is_literal()) continue;
      const std::string name = fmt::format(".L{}_lit{}", f.name, pool.symbols.size());
      const auto offset = static_cast<std::uint32_t>(pool.bytes.size());
      pool.symbols.push_back({name, offset});
      const auto value = static_cast<std::uint32_t>(gen.uniform(-100000, 100000));
      for (int i = 0; i < 4; ++i) pool.bytes.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
      if (gen.chance(0.3)) {
        pool.relocs.push_back({offset, program.functions[0].name, gen.uniform(-8, 8)});
        for (int i = 0; i < 4; ++i) pool.bytes[offset + static_cast<std::uint32_t>(i)] = 0;
      }
      const std::size_t operand = *insn.desc().label_operand();
      insn.operands[operand] = model::target(model::Label{static_cast<std::uint32_t>(f.label_names.size())});
      f.label_names.push_back(name);
    }
  }
  if (!pool.bytes.empty()) program.data.push_back(std::move(pool));
  // call0/4/8/12 name a function of the program (possibly the caller itself), not a code label.
  for (model::Function& f : program.functions) {
    for (model::Insn& insn : f.insns) {
      if (!insn.desc().label_is_function()) continue;
      const std::string& callee =
          program.functions[static_cast<std::size_t>(gen.uniform(0, int(program.functions.size()) - 1))].name;
      auto it = std::find(f.label_names.begin(), f.label_names.end(), callee);
      const auto id = static_cast<std::uint32_t>(it - f.label_names.begin());
      if (it == f.label_names.end()) f.label_names.push_back(callee);
      insn.operands[*insn.desc().label_operand()] = model::target(model::Label{id});
    }
  }
  return program;
}

std::string describe(const model::Program& program) {
  std::string out;
  for (const model::Function& f : program.functions) {
    out += fmt::format("function {} global={} align={}\n", f.name, f.global, f.align_bytes);
    for (const model::LabelDef& def : f.label_defs) out += fmt::format("  label {} at {}\n", f.label_names[def.id], def.position);
    for (const model::Insn& insn : f.insns) {
      out += fmt::format("  {}", insn.desc().mnemonic);
      for (std::size_t i = 0; i < insn.operand_count; ++i) {
        const model::Operand& op = insn.operand(i);
        if (op.kind == OperandKind::kLabel) out += fmt::format(" L:{}", f.label_names[static_cast<std::size_t>(op.value)]);
        else out += fmt::format(" {}:{}", static_cast<int>(op.kind), op.value);
      }
      out += fmt::format(" trips={}\n", insn.trip_count);
    }
  }
  for (const model::DataSection& d : program.data) {
    out += fmt::format("section {} align={} bytes={}\n", d.name, d.align_bytes, fmt::join(d.bytes, ","));
    for (const model::DataSymbol& sym : d.symbols) out += fmt::format("  symbol {} at {}\n", sym.name, sym.offset);
    for (const model::DataReloc& r : d.relocs) out += fmt::format("  word {}{:+} at {}\n", r.symbol, r.addend, r.offset);
  }
  return out;
}

}  // namespace pietune::emu::testing
