// Assembly printer: one function after another, labels at their positions, trip-count comments.
#include "emu_bridge/asm/asm_printer.h"

#include <set>

#include <fmt/format.h>

#include "emu_bridge/asm/asm_names.h"
#include "emu_bridge/asm/loop_body.h"
#include "model/ir/builder.h"
#include "model/support/error.h"

namespace pietune::emu {
namespace {

constexpr std::string_view kIndent = "    ";

void check_function(const model::Function& function) {
  PIETUNE_CHECK(is_symbol(function.name) && !looks_like_register(function.name))
      << "bad function name '" << function.name << "'";
  PIETUNE_CHECK(function.align_bytes != 0 && (function.align_bytes & (function.align_bytes - 1)) == 0)
      << function.name << ": alignment " << function.align_bytes << " is not a power of two";
  std::set<std::string_view> names;
  for (const std::string& name : function.label_names) {
    PIETUNE_CHECK(is_symbol(name) && !looks_like_register(name)) << function.name << ": bad label name '" << name << "'";
    PIETUNE_CHECK(names.insert(name).second) << function.name << ": label name used twice: " << name;
    PIETUNE_CHECK(name != function.name) << function.name << ": label named like its function";
  }
  std::set<std::uint32_t> bound;
  std::uint32_t last_position = 0;
  for (const model::LabelDef& def : function.label_defs) {
    PIETUNE_CHECK(def.id < function.label_names.size()) << function.name << ": label id " << def.id;
    PIETUNE_CHECK(def.position <= function.insns.size()) << function.name << ": label position " << def.position;
    PIETUNE_CHECK(def.position >= last_position) << function.name << ": labels not in definition order";
    last_position = def.position;
    PIETUNE_CHECK(bound.insert(def.id).second) << function.name << ": label bound twice: " << function.label_names[def.id];
  }
  for (const model::Insn& insn : function.insns) {
    const model::InsnDesc& desc = insn.desc();
    const std::string problem = model::check_operands(desc, insn.operands.data(), insn.operand_count);
    PIETUNE_CHECK(problem.empty()) << function.name << ": " << desc.mnemonic << ": " << problem;
    for (std::size_t i = 0; i < insn.operand_count; ++i) {
      if (insn.operand(i).kind != model::OperandKind::kLabel) continue;
      const auto id = static_cast<std::uint32_t>(insn.operand(i).value);
      PIETUNE_CHECK(bound.contains(id)) << function.name << ": " << desc.mnemonic << " targets an unbound label " << id;
    }
    PIETUNE_CHECK(insn.trip_count >= model::kUnknownTrips) << function.name << ": trip count " << insn.trip_count;
  }
  const std::optional<LoopBodyProblem> loop = find_bad_loop_body(function);
  PIETUNE_CHECK(!loop) << function.name << ": instruction " << loop->insn_index << ": " << loop->message;
}

void print_insn(std::string& out, const model::Function& function, const model::Insn& insn) {
  const model::InsnDesc& desc = insn.desc();
  out += kIndent;
  out += desc.mnemonic;
  for (std::size_t i = 0; i < insn.operand_count; ++i) {
    out += i == 0 ? " " : ", ";
    const model::Operand& op = insn.operand(i);
    switch (op.kind) {
      case model::OperandKind::kAr:
      case model::OperandKind::kQr: out += register_name(op.kind, op.value); break;
      case model::OperandKind::kImm: out += fmt::format("{}", op.value); break;
      case model::OperandKind::kLabel: out += function.label_names[static_cast<std::size_t>(op.value)]; break;
    }
  }
  if (insn.trip_count != model::kUnknownTrips) out += fmt::format("  # trips={}", insn.trip_count);
  out += '\n';
}

void print_function(std::string& out, const model::Function& function) {
  check_function(function);
  out += fmt::format("{}.text\n", kIndent);
  out += fmt::format("{}.align {}\n", kIndent, function.align_bytes);
  if (function.global) out += fmt::format("{}.global {}\n", kIndent, function.name);
  out += fmt::format("{}.type {}, @function\n", kIndent, function.name);
  out += fmt::format("{}:\n", function.name);
  // label_defs is in definition order, which is position order (checked above).
  std::size_t next_def = 0;
  auto print_labels_at = [&](std::size_t position) {
    for (; next_def < function.label_defs.size() && function.label_defs[next_def].position == position; ++next_def)
      out += fmt::format("{}:\n", function.label_names[function.label_defs[next_def].id]);
  };
  for (std::size_t i = 0; i < function.insns.size(); ++i) {
    print_labels_at(i);
    print_insn(out, function, function.insns[i]);
  }
  print_labels_at(function.insns.size());
  out += fmt::format("{}.size {}, .-{}\n", kIndent, function.name, function.name);
}

}  // namespace

std::string print_assembly(const model::Function& function) {
  std::string out;
  print_function(out, function);
  return out;
}

std::string print_assembly(const model::Program& program) {
  std::string out;
  // GNU as symbols are file-wide: function names and labels must all differ.
  std::set<std::string_view> names;
  for (const model::Function& function : program.functions) {
    PIETUNE_CHECK(names.insert(function.name).second) << "symbol defined twice: " << function.name;
    for (const std::string& label : function.label_names)
      PIETUNE_CHECK(names.insert(label).second) << function.name << ": symbol defined twice: " << label;
  }
  for (const model::Function& function : program.functions) {
    if (!out.empty()) out += '\n';
    print_function(out, function);
  }
  return out;
}

}  // namespace pietune::emu
