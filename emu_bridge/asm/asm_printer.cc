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
  }
  std::set<std::uint32_t> bound;
  std::uint32_t last_position = 0;
  for (const model::LabelDef& def : function.label_defs) {
    PIETUNE_CHECK(def.id < function.label_names.size()) << function.name << ": label id " << def.id;
    PIETUNE_CHECK(def.position <= function.insns.size()) << function.name << ": label position " << def.position;
    PIETUNE_CHECK(def.position >= last_position) << function.name << ": labels not in definition order";
    last_position = def.position;
    PIETUNE_CHECK(bound.insert(def.id).second) << function.name << ": label bound twice: " << function.label_names[def.id];
    PIETUNE_CHECK(function.label_names[def.id] != function.name) << function.name << ": label named like its function";
  }
  for (const model::Insn& insn : function.insns) {
    const model::InsnDesc& desc = insn.desc();
    const std::string problem = model::check_operands(desc, insn.operands.data(), insn.operand_count);
    PIETUNE_CHECK(problem.empty()) << function.name << ": " << desc.mnemonic << ": " << problem;
    for (std::size_t i = 0; i < insn.operand_count; ++i) {
      if (insn.operand(i).kind != model::OperandKind::kLabel) continue;
      const auto id = static_cast<std::uint32_t>(insn.operand(i).value);
      if (desc.label_is_literal()) continue;  // a literal of the pool, checked with the program
      if (desc.label_is_function()) {  // a callee: a function of the program, never a local label
        PIETUNE_CHECK(!bound.contains(id)) << function.name << ": " << desc.mnemonic << " calls a local label";
        continue;
      }
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
      case model::OperandKind::kImm:
        out += i < desc.operands.size() && desc.operands[i].mreg ? mac16_register_name(op.value) : fmt::format("{}", op.value);
        break;
      case model::OperandKind::kLabel: out += function.label_names[static_cast<std::size_t>(op.value)]; break;
    }
  }
  if (insn.trip_count != model::kUnknownTrips) out += fmt::format("  # trips={}", insn.trip_count);
  out += '\n';
}

void print_function(std::string& out, const model::Function& function) {
  check_function(function);
  // ESP-IDF's linker script puts .iram1* in IRAM; "ax": allocated, executable, as IRAM_ATTR does.
  out += function.iram ? fmt::format("{}.section .iram1.{},\"ax\"\n", kIndent, function.name)
                       : fmt::format("{}.text\n", kIndent);
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

// Data bytes as GNU as directives: labels at their offsets, relocated words as ".word symbol+c", runs
// of 16 or more zero bytes as ".zero N", the rest as ".byte" lines of up to 16 values.
void print_data_bytes(std::string& out, const model::DataSection& section) {
  std::size_t next_symbol = 0, next_reloc = 0;
  std::size_t at = 0;
  const std::size_t size = section.bytes.size();
  auto next_stop = [&] {
    std::size_t stop = size;
    if (next_symbol < section.symbols.size()) stop = std::min<std::size_t>(stop, section.symbols[next_symbol].offset);
    if (next_reloc < section.relocs.size()) stop = std::min<std::size_t>(stop, section.relocs[next_reloc].offset);
    return stop;
  };
  for (;;) {
    for (; next_symbol < section.symbols.size() && section.symbols[next_symbol].offset == at; ++next_symbol)
      out += fmt::format("{}:\n", section.symbols[next_symbol].name);
    if (at >= size) break;
    if (next_reloc < section.relocs.size() && section.relocs[next_reloc].offset == at) {
      const model::DataReloc& r = section.relocs[next_reloc++];
      out += r.addend == 0 ? fmt::format("{}.word {}\n", kIndent, r.symbol)
                           : fmt::format("{}.word {} {} {}\n", kIndent, r.symbol, r.addend < 0 ? '-' : '+',
                                         r.addend < 0 ? -std::int64_t{r.addend} : std::int64_t{r.addend});
      at += 4;
      continue;
    }
    const std::size_t stop = next_stop();
    std::size_t zeros = 0;
    while (at + zeros < stop && section.bytes[at + zeros] == 0) ++zeros;
    if (zeros >= 16) {
      out += fmt::format("{}.zero {}\n", kIndent, zeros);
      at += zeros;
      continue;
    }
    const std::size_t end = std::min(stop, at + 16);
    out += fmt::format("{}.byte ", kIndent);
    for (std::size_t i = at; i < end; ++i) out += fmt::format("{}{}", i == at ? "" : ",", section.bytes[i]);
    out += '\n';
    at = end;
  }
}

// The literal pool as ".literal NAME, value" entries (4 bytes each, a name on the first of each
// run), before the code; other sections after it, each under its .section name.
void print_literals(std::string& out, const model::DataSection& pool) {
  PIETUNE_CHECK(pool.bytes.size() % 4 == 0) << "literal pool of " << pool.bytes.size() << " bytes";
  out += fmt::format("{}.text\n{}.literal_position\n", kIndent, kIndent);
  std::size_t next_symbol = 0, next_reloc = 0;
  for (std::size_t at = 0; at < pool.bytes.size(); at += 4) {
    PIETUNE_CHECK(next_symbol < pool.symbols.size() && pool.symbols[next_symbol].offset <= at) << "unnamed literal";
    std::string name;
    if (pool.symbols[next_symbol].offset == at) name = pool.symbols[next_symbol++].name;
    PIETUNE_CHECK(!name.empty()) << "literal at offset " << at << " without a name";
    std::string value;
    if (next_reloc < pool.relocs.size() && pool.relocs[next_reloc].offset == at) {
      const model::DataReloc& r = pool.relocs[next_reloc++];
      value = r.addend == 0 ? r.symbol : fmt::format("{} {} {}", r.symbol, r.addend < 0 ? '-' : '+',
                                                     r.addend < 0 ? -std::int64_t{r.addend} : std::int64_t{r.addend});
    } else {
      std::uint32_t word = 0;
      for (int i = 0; i < 4; ++i) word |= std::uint32_t{pool.bytes[at + i]} << (8 * i);
      value = fmt::format("{}", static_cast<std::int32_t>(word));
    }
    out += fmt::format("{}.literal {}, {}\n", kIndent, name, value);
  }
}

void print_section(std::string& out, const model::DataSection& section) {
  out += fmt::format("{}.section {}\n", kIndent, section.name);
  if (section.align_bytes > 1) out += fmt::format("{}.balign {}\n", kIndent, section.align_bytes);
  print_data_bytes(out, section);
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
    for (const model::LabelDef& def : function.label_defs)
      PIETUNE_CHECK(names.insert(function.label_names[def.id]).second)
          << function.name << ": symbol defined twice: " << function.label_names[def.id];
  }
  for (const model::DataSection& section : program.data)
    for (const model::DataSymbol& symbol : section.symbols)
      PIETUNE_CHECK(names.insert(symbol.name).second) << section.name << ": symbol defined twice: " << symbol.name;
  for (const model::DataSection& section : program.data)
    if (section.name == model::kLiteralSection) print_literals(out, section);
  for (const model::Function& function : program.functions) {
    if (!out.empty()) out += '\n';
    print_function(out, function);
  }
  for (const model::DataSection& section : program.data) {
    if (section.name == model::kLiteralSection) continue;
    if (!out.empty()) out += '\n';
    print_section(out, section);
  }
  return out;
}

}  // namespace pietune::emu
