// Assembly parser: statements to functions, labels and ISA-checked instructions (rules in the header).
#include "emu_bridge/asm/asm_parser.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "emu_bridge/asm/asm_expr.h"
#include "emu_bridge/asm/asm_names.h"
#include "emu_bridge/asm/asm_source.h"
#include "emu_bridge/asm/loop_body.h"
#include "emu_bridge/data_layout.h"
#include "model/ir/builder.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"

namespace pietune::emu {
namespace {

using model::Function;
using model::Insn;
using model::InsnDesc;
using model::Operand;
using model::OperandKind;

constexpr std::uint32_t kDefaultAlignBytes = 4;
constexpr std::int64_t kMaxAlignBytes = 1 << 16;
constexpr std::int64_t kMaxDataBytes = std::int64_t{16} << 20;  // one .space: at most the flash window
constexpr std::string_view kFunctionRule =
    "a function starts at a label named by .global or .type, or at a non-local label outside any function";

// One comma-separated piece of a statement's argument list.
struct Piece {
  std::string_view text;  // trimmed; empty if nothing was written
  std::uint32_t column = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Splits at top-level commas (outside parentheses and strings). Blank `text` gives no pieces.
std::vector<Piece> split_arguments(std::string_view text, std::uint32_t column) {
  std::vector<Piece> pieces;
  std::size_t first_text = 0;
  while (first_text < text.size() && is_blank(text[first_text])) ++first_text;
  if (first_text == text.size()) return pieces;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size()) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '(') ++depth;
      else if (c == ')') --depth;
      if (c != ',' || depth > 0) continue;
    }
    std::size_t first = start;
    while (first < i && is_blank(text[first])) ++first;
    std::size_t last = i;
    while (last > first && is_blank(text[last - 1])) --last;
    pieces.push_back({text.substr(first, last - first), column + static_cast<std::uint32_t>(first)});
    start = i + 1;
  }
  return pieces;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* register_expectation(OperandKind kind) {
  return kind == OperandKind::kAr ? "an a register (a0-a15)" : "a q register (q0-q7)";
}

// A label operand waiting for its definition, checked when the whole file is read.
struct LabelRef {
  std::uint32_t insn_index = 0;
  std::uint32_t label_id = 0;
  SourcePos pos;
  bool literal = false;  // l32r: names a literal of the pool, not an instruction
  bool callee = false;   // call0/4/8/12: names a function of the file
};

// A data value naming a symbol ("table", "table + 4"), checked when the whole file is read.
struct SymbolUse {
  std::string name;
  SourcePos pos;
};

// Parse state of one function, parallel to Program::functions.
struct FunctionState {
  std::unordered_map<std::string, std::uint32_t> label_ids;
  std::vector<LabelRef> refs;
};

// A function or label name: file-wide, like a GNU as symbol.
struct SymbolDef {
  std::uint32_t line = 0;
  std::size_t function = 0;  // the function it starts or belongs to (code symbols)
  bool is_function = false;
  std::optional<std::size_t> section;  // data symbols: index into Program::data
};

// A value of a data directive: a constant, or a symbol's address plus a constant.
struct DataValue {
  std::int64_t constant = 0;
  std::string symbol;  // empty: a plain constant
};

constexpr std::string_view kAutoLiteralPrefix = ".Lpietune_lit";

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  model::Program run(std::string_view text) {
    for (const SourceLine& line : split_source(text, source_)) parse_line(line);
    finish();
    return std::move(program_);
  }

 private:
  SourcePos pos(std::uint32_t line, std::uint32_t column) const { return {source_, line, column}; }

  void parse_line(const SourceLine& line) {
    std::vector<std::pair<std::size_t, std::size_t>> insns;  // (function, insn) of the line's instructions
    for (const Statement& statement : line.statements) parse_statement(line.number, statement, insns);
    if (line.hash_column != 0) annotate(line, insns);
  }

  void parse_statement(std::uint32_t line, const Statement& statement,
                       std::vector<std::pair<std::size_t, std::size_t>>& insns) {
    const std::string_view text = statement.text;
    const std::uint32_t column = statement.column;
    std::size_t at = 0;
    for (;;) {
      std::size_t end = at;
      while (end < text.size() && is_symbol_char(text[end])) ++end;
      if (end == at || end == text.size() || text[end] != ':') break;
      define_label(text.substr(at, end - at), pos(line, column + static_cast<std::uint32_t>(at)));
      at = end + 1;
      while (at < text.size() && is_blank(text[at])) ++at;
      if (at == text.size()) return;
    }
    std::size_t end = at;
    while (end < text.size() && is_symbol_char(text[end])) ++end;
    const std::string_view word = text.substr(at, end - at);
    const SourcePos word_pos = pos(line, column + static_cast<std::uint32_t>(at));
    if (word.empty() || !is_symbol_start(word[0])) {
      fail_at(word_pos, fmt::format("expected an instruction, a directive or a label, got '{}'", text.substr(at)));
    }
    if (end < text.size() && !is_blank(text[end])) {
      fail_at(pos(line, column + static_cast<std::uint32_t>(end)),
              fmt::format("unexpected '{}' after '{}'", text[end], word));
    }
    const std::vector<Piece> args = split_arguments(text.substr(end), column + static_cast<std::uint32_t>(end));
    if (word[0] == '.') {
      directive(word, word_pos, args);
    } else {
      instruction(word, word_pos, args);
      insns.emplace_back(*current_, program_.functions[*current_].insns.size() - 1);
    }
  }

  // ---- labels and functions ----

  void define_label(std::string_view name, const SourcePos& at) {
    if (!is_symbol(name)) {
      const bool numeric = std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
      fail_at(at, numeric ? fmt::format("numeric local label '{}:' is not supported", name)
                          : fmt::format("bad label name '{}'", name));
    }
    if (looks_like_register(name)) fail_at(at, fmt::format("'{}' is a register name, not a label", name));
    if (auto it = symbols_.find(std::string(name)); it != symbols_.end())
      fail_at(at, fmt::format("label '{}' defined twice (first at line {})", name, it->second.line));
    if (constants_.contains(std::string(name))) fail_at(at, fmt::format("'{}' is already a .set constant", name));
    if (data_section_) {
      model::DataSection& section = program_.data[*data_section_];
      section.symbols.push_back({std::string(name), static_cast<std::uint32_t>(section.bytes.size())});
      symbols_.emplace(std::string(name), SymbolDef{at.line, 0, false, *data_section_});
      return;
    }

    const bool starts_function = declared_functions_.contains(std::string(name)) || (!current_ && !is_local_label(name));
    if (starts_function) {
      Function function;
      function.name = std::string(name);
      function.align_bytes = pending_align_ ? pending_align_->first : kDefaultAlignBytes;
      function.iram = code_in_iram_;
      pending_align_.reset();
      program_.functions.push_back(std::move(function));
      states_.emplace_back();
      current_ = program_.functions.size() - 1;
      symbols_.emplace(std::string(name), SymbolDef{at.line, *current_, true, std::nullopt});
      return;
    }
    if (!current_) fail_at(at, fmt::format("label '{}' outside a function ({})", name, kFunctionRule));
    check_no_pending_align();
    Function& function = program_.functions[*current_];
    const std::uint32_t id = label_id(name);
    function.label_defs.push_back({id, static_cast<std::uint32_t>(function.insns.size())});
    symbols_.emplace(std::string(name), SymbolDef{at.line, *current_, false, std::nullopt});
  }

  // The id of a label of the open function, created on first mention.
  std::uint32_t label_id(std::string_view name) {
    Function& function = program_.functions[*current_];
    auto [it, inserted] =
        states_[*current_].label_ids.emplace(std::string(name), static_cast<std::uint32_t>(function.label_names.size()));
    if (inserted) function.label_names.emplace_back(name);
    return it->second;
  }

  void check_no_pending_align() const {
    if (pending_align_)
      fail_at(pending_align_->second, "'.align' inside a function body is not supported (only before a function label)");
  }

  // ---- instructions ----

  void instruction(std::string_view mnemonic, const SourcePos& at, const std::vector<Piece>& args) {
    const std::optional<model::Opcode> opcode = model::find_opcode(mnemonic);
    if (!opcode) fail_at(at, fmt::format("unknown instruction '{}'", mnemonic));
    if (data_section_)
      fail_at(at, fmt::format("instruction '{}' in data section '{}'", mnemonic, program_.data[*data_section_].name));
    if (*opcode == model::Opcode::kMovi && args.size() == 2 && !args[1].text.empty()) {
      // GNU as turns a movi whose value is a symbol or does not fit imm12 into an l32r of a literal.
      const DataValue value = data_value(args[1], at);
      if (!value.symbol.empty() || value.constant < -2048 || value.constant > 2047) {
        const std::string literal = fmt::format("{}{}", kAutoLiteralPrefix, auto_literals_++);
        add_literal(literal, at, value, args[1]);
        instruction("l32r", at, {args[0], Piece{literal, args[1].column}});
        return;
      }
    }
    if (!current_) fail_at(at, fmt::format("instruction '{}' outside a function ({})", mnemonic, kFunctionRule));
    check_no_pending_align();
    const InsnDesc& desc = model::insn_desc(*opcode);
    const std::size_t want = desc.operands.size();
    if (args.size() < want) {
      fail_at(at, fmt::format("too few operands for '{}': expected {}, got {}", desc.mnemonic, want, args.size()));
    }
    if (args.size() > want) {
      fail_at(at.at_column(args[want].column),
              fmt::format("too many operands for '{}': expected {}, got {}", desc.mnemonic, want, args.size()));
    }
    Function& function = program_.functions[*current_];
    Insn insn;
    insn.opcode = *opcode;
    insn.operand_count = static_cast<std::uint8_t>(want);
    insn.source_line = at.line;
    for (std::size_t i = 0; i < want; ++i) {
      const SourcePos op_pos = at.at_column(args[i].column);
      insn.operands[i] = operand(desc.operands[i], i, args[i].text, op_pos);
      if (desc.operands[i].kind == OperandKind::kLabel) {
        states_[*current_].refs.push_back({static_cast<std::uint32_t>(function.insns.size()),
                                           static_cast<std::uint32_t>(insn.operands[i].value), op_pos,
                                           desc.label_is_literal(), desc.label_is_function()});
      }
    }
    const std::string problem = model::check_operands(desc, insn.operands.data(), want);
    if (!problem.empty()) {
      // Kinds and register numbers are already right, so the problem is the first bad immediate.
      for (std::size_t i = 0; i < want; ++i) {
        if (desc.operands[i].kind == OperandKind::kImm && !desc.operands[i].imm.contains(insn.operands[i].value))
          fail_at(at.at_column(args[i].column), problem);
      }
      PIETUNE_CHECK(false) << "operand problem not located: " << problem;
    }
    function.insns.push_back(insn);
  }

  Operand operand(const model::OperandDesc& want, std::size_t index, std::string_view text, const SourcePos& at) {
    if (text.empty()) fail_at(at, fmt::format("expected operand {} ({})", index + 1, want.name));
    switch (want.kind) {
      case OperandKind::kAr:
      case OperandKind::kQr: {
        const std::optional<Operand> reg = parse_register(text);
        if (reg && reg->kind == want.kind) return *reg;
        const bool upper = looks_like_register(text) && std::any_of(text.begin(), text.end(), [](unsigned char c) {
                             return std::isupper(c);
                           });
        fail_at(at, fmt::format("expected {}, got '{}'{}", register_expectation(want.kind), text,
                                upper ? " (register names are lower case)" : ""));
      }
      case OperandKind::kImm: {
        if (want.mreg) {  // a MAC16 data register, held as its number
          const std::optional<int> m = parse_mac16_register(text);
          if (m && want.imm.contains(*m)) return model::imm(*m);
          const std::string allowed = want.imm.min == want.imm.max - 1
                                          ? fmt::format("m{} or m{}", want.imm.min, want.imm.max)
                                          : fmt::format("m{}-m{}", want.imm.min, want.imm.max);
          fail_at(at, fmt::format("expected a MAC16 register ({}), got '{}'", allowed, text));
        }
        if (looks_like_register(text)) fail_at(at, fmt::format("expected an immediate, got '{}'", text));
        const std::int64_t value = evaluate_expression(text, at, [this](std::string_view name) -> std::optional<std::int64_t> {
          auto it = constants_.find(std::string(name));
          if (it == constants_.end()) return std::nullopt;
          return it->second;
        });
        if (value < INT32_MIN || value > INT32_MAX)
          fail_at(at, fmt::format("operand {} ({}): {} does not fit in 32 bits", index + 1, want.name, value));
        return model::imm(static_cast<std::int32_t>(value));
      }
      case OperandKind::kLabel: {
        if (looks_like_register(text) || !is_symbol(text)) fail_at(at, fmt::format("expected a label, got '{}'", text));
        return Operand{OperandKind::kLabel, static_cast<std::int32_t>(label_id(text))};
      }
    }
    PIETUNE_CHECK(false) << "unknown operand kind";
    return {};
  }

  // "# trips=N" on the line of one instruction.
  void annotate(const SourceLine& line, const std::vector<std::pair<std::size_t, std::size_t>>& insns) {
    std::string_view comment = line.hash_comment;
    while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.front()))) comment.remove_prefix(1);
    while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.back()))) comment.remove_suffix(1);
    if (!comment.starts_with("trips=")) return;
    const SourcePos at = pos(line.number, line.hash_column);
    const std::string_view digits = comment.substr(6);
    std::int64_t trips = 0;
    bool ok = !digits.empty() && digits.size() <= 18;
    for (char c : digits) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) trips = trips * 10 + (c - '0');
    }
    if (!ok) fail_at(at, fmt::format("malformed trip count annotation '{}' (expected 'trips=N', N >= 0)", comment));
    if (insns.empty()) fail_at(at, "trip count annotation without an instruction");
    if (insns.size() > 1) fail_at(at, fmt::format("trip count annotation on a line with {} instructions", insns.size()));
    program_.functions[insns[0].first].insns[insns[0].second].trip_count = trips;
  }

  // ---- directives ----

  void expect_args(std::string_view name, const SourcePos& at, const std::vector<Piece>& args, std::size_t count) const {
    if (args.size() != count) {
      fail_at(at, fmt::format("'{}' takes {} argument{}, got {}", name, count, count == 1 ? "" : "s", args.size()));
    }
    for (const Piece& arg : args)
      if (arg.text.empty()) fail_at(at.at_column(arg.column), fmt::format("'{}': empty argument", name));
  }

  std::string_view symbol_arg(std::string_view directive, const SourcePos& at, const Piece& arg) const {
    if (!is_symbol(arg.text) || looks_like_register(arg.text))
      fail_at(at.at_column(arg.column), fmt::format("'{}': expected a symbol name, got '{}'", directive, arg.text));
    return arg.text;
  }

  std::int64_t constant_arg(const SourcePos& at, const Piece& arg) const {
    return evaluate_expression(arg.text, at.at_column(arg.column), [this](std::string_view name) -> std::optional<std::int64_t> {
      auto it = constants_.find(std::string(name));
      if (it == constants_.end()) return std::nullopt;
      return it->second;
    });
  }

  void directive(std::string_view word, const SourcePos& at, const std::vector<Piece>& args) {
    const std::string name = lower(word);
    if (name == ".literal_position" || name == ".file") return;
    if (name == ".text") {
      enter_code(false);
      return;
    }
    if (name == ".data" || name == ".bss") {
      if (!args.empty()) fail_at(at, fmt::format("'{}' takes no argument (use .section for a named section)", word));
      enter_data(name, at);
      return;
    }
    if (name == ".section") {
      if (args.empty() || args[0].text.empty()) fail_at(at, "'.section' needs a section name");
      const std::string_view section = args[0].text;
      if (section.starts_with(".text") || section.starts_with(".iram1")) {
        enter_code(section.starts_with(".iram1"));
        return;
      }
      if (!placement_of(section))
        fail_at(at.at_column(args[0].column),
                fmt::format("unsupported section '{}' (code: .text*, .iram1*; data: .rodata*, .data*, .bss*, "
                            ".sdata*, .sbss*, .dram*, .literal*)",
                            section));
      enter_data(section, at.at_column(args[0].column));
      return;
    }
    if (name == ".literal") {
      if (args.size() < 2) fail_at(at, "'.literal' takes a label and at least one value");
      const std::string label(symbol_arg(word, at, args[0]));
      for (std::size_t i = 1; i < args.size(); ++i) add_literal(i == 1 ? label : std::string(), at, data_value(args[i], at), args[i]);
      return;
    }
    if (data_section_ && data_directive(name, word, at, args)) return;
    if (name == ".align" || name == ".balign" || name == ".p2align") {
      expect_args(word, at, args, 1);
      const std::int64_t value = constant_arg(at, args[0]);
      std::int64_t bytes = value;
      if (name == ".p2align") {
        if (value < 0 || value > 16) fail_at(at.at_column(args[0].column), fmt::format("'.p2align' {} out of range 0..16", value));
        bytes = std::int64_t{1} << value;
      }
      if (bytes < 1 || bytes > kMaxAlignBytes || (bytes & (bytes - 1)) != 0)
        fail_at(at.at_column(args[0].column), fmt::format("alignment {} is not a power of two in 1..{}", bytes, kMaxAlignBytes));
      pending_align_.emplace(static_cast<std::uint32_t>(bytes), at);
      return;
    }
    if (name == ".global" || name == ".globl") {
      if (args.empty()) fail_at(at, fmt::format("'{}' needs a symbol name", word));
      for (const Piece& arg : args) {
        const std::string symbol(symbol_arg(word, at, arg));
        globals_.insert(symbol);
        declared_functions_.insert(symbol);
      }
      return;
    }
    if (name == ".type") {
      expect_args(word, at, args, 2);
      const std::string symbol(symbol_arg(word, at, args[0]));
      const std::string_view type = args[1].text;
      if (type == "@object" || type == "%object" || type == "STT_OBJECT") return;  // a data symbol: nothing to do
      if (type != "@function" && type != "%function" && type != "STT_FUNC")
        fail_at(at.at_column(args[1].column),
                fmt::format("unsupported symbol type '{}' (only @function, @object)", type));
      declared_functions_.insert(symbol);
      return;
    }
    if (name == ".size") {
      expect_args(word, at, args, 2);
      const std::string symbol(symbol_arg(word, at, args[0]));
      auto it = symbols_.find(symbol);
      if (it != symbols_.end() && it->second.section) return;  // a data symbol's size: nothing to do
      if (it == symbols_.end() || !it->second.is_function)
        fail_at(at.at_column(args[0].column), fmt::format("'.size' of unknown function '{}'", symbol));
      if (current_ && *current_ == it->second.function) current_.reset();
      return;
    }
    if (name == ".set" || name == ".equ") {
      expect_args(word, at, args, 2);
      const std::string symbol(symbol_arg(word, at, args[0]));
      if (symbols_.contains(symbol) || declared_functions_.contains(symbol))
        fail_at(at.at_column(args[0].column), fmt::format("'{}': '{}' is already a label or function", word, symbol));
      constants_[symbol] = constant_arg(at, args[1]);
      return;
    }
    fail_at(at, fmt::format("unsupported directive '{}'", word));
  }

  // ---- data sections ----

  void enter_code(bool iram) {
    data_section_.reset();
    code_in_iram_ = iram;
  }

  std::size_t section_index(std::string_view name) {
    for (std::size_t i = 0; i < program_.data.size(); ++i)
      if (program_.data[i].name == name) return i;
    program_.data.push_back(model::DataSection{std::string(name), 1, {}, {}, {}});
    return program_.data.size() - 1;
  }

  void enter_data(std::string_view name, const SourcePos& at) {
    if (placement_of(name) == Placement::kLiteralPool && name != model::kLiteralSection)
      fail_at(at, fmt::format("literal section '{}': use .literal entries (one pool, '{}')", name, model::kLiteralSection));
    pending_align_.reset();  // an .align left at the end of code applies to code, not to the data
    data_section_ = section_index(name);
  }

  // "value", "symbol", "symbol + value", "symbol - value" (value: a constant expression).
  DataValue data_value(const Piece& arg, const SourcePos& at) {
    const SourcePos pos = at.at_column(arg.column);
    std::string_view text = arg.text;
    std::size_t end = 0;
    while (end < text.size() && is_symbol_char(text[end])) ++end;
    const std::string_view head = text.substr(0, end);
    const bool symbol = end > 0 && is_symbol(head) && !looks_like_register(head) && !constants_.contains(std::string(head));
    if (!symbol) return DataValue{constant_arg(at, arg), {}};
    std::size_t rest = end;
    while (rest < text.size() && is_blank(text[rest])) ++rest;
    DataValue value{0, std::string(head)};
    if (rest < text.size()) {
      if (text[rest] != '+' && text[rest] != '-')
        fail_at(pos.at_column(pos.column + static_cast<std::uint32_t>(rest)),
                fmt::format("expected '+' or '-' after symbol '{}'", head));
      const std::int64_t addend = constant_arg(at, Piece{text.substr(rest + 1), arg.column + static_cast<std::uint32_t>(rest + 1)});
      value.constant = text[rest] == '+' ? addend : -addend;
    }
    if (value.constant < INT32_MIN || value.constant > INT32_MAX)
      fail_at(pos, fmt::format("offset {} from '{}' does not fit in 32 bits", value.constant, head));
    symbol_uses_.push_back({value.symbol, pos});
    return value;
  }

  // Appends `bytes` little-endian bytes of a constant (or a 4-byte symbol word) to a section.
  void append_value(std::size_t section_index, const DataValue& value, int bytes, const SourcePos& pos) {
    model::DataSection& section = program_.data[section_index];
    if (!value.symbol.empty()) {
      if (bytes != 4) fail_at(pos, fmt::format("a symbol's address needs 4 bytes ('.word'), not {}", bytes));
      section.relocs.push_back({static_cast<std::uint32_t>(section.bytes.size()), value.symbol,
                                static_cast<std::int32_t>(value.constant)});
      section.bytes.insert(section.bytes.end(), 4, 0);
      return;
    }
    const std::int64_t low = -(std::int64_t{1} << (8 * bytes - 1)), high = (std::int64_t{1} << (8 * bytes)) - 1;
    if (value.constant < low || value.constant > high)
      fail_at(pos, fmt::format("value {} does not fit in {} byte{} ({}..{})", value.constant, bytes, bytes == 1 ? "" : "s",
                               low, high));
    for (int i = 0; i < bytes; ++i) section.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(value.constant) >> (8 * i)));
  }

  // One literal word in the pool; `label` (if not empty) names it.
  void add_literal(const std::string& label, const SourcePos& at, const DataValue& value, const Piece& arg) {
    const std::optional<std::size_t> saved = data_section_;
    const std::size_t pool = section_index(model::kLiteralSection);
    program_.data[pool].align_bytes = std::max<std::uint32_t>(program_.data[pool].align_bytes, 4);
    data_section_ = pool;
    if (!label.empty()) define_label(label, at.at_column(arg.column));
    append_value(pool, value, 4, at.at_column(arg.column));
    data_section_ = saved;
  }

  void pad_to(std::int64_t bytes) {
    model::DataSection& section = program_.data[*data_section_];
    section.align_bytes = std::max(section.align_bytes, static_cast<std::uint32_t>(bytes));
    while (section.bytes.size() % static_cast<std::uint64_t>(bytes) != 0) section.bytes.push_back(0);
  }

  // Directives inside a data section; false if `name` is not one of them.
  bool data_directive(const std::string& name, std::string_view word, const SourcePos& at, const std::vector<Piece>& args) {
    const std::size_t section = *data_section_;
    int width = 0;
    if (name == ".byte") width = 1;
    else if (name == ".short" || name == ".half" || name == ".hword" || name == ".2byte") width = 2;
    else if (name == ".word" || name == ".long" || name == ".int" || name == ".4byte") width = 4;
    if (width != 0) {
      if (args.empty()) fail_at(at, fmt::format("'{}' needs at least one value", word));
      for (const Piece& arg : args) {
        if (arg.text.empty()) fail_at(at.at_column(arg.column), fmt::format("'{}': empty value", word));
        append_value(section, data_value(arg, at), width, at.at_column(arg.column));
      }
      return true;
    }
    if (name == ".space" || name == ".skip" || name == ".zero") {
      if (args.empty() || args.size() > (name == ".zero" ? 1u : 2u) || args[0].text.empty())
        fail_at(at, fmt::format("'{}' takes a size{}", word, name == ".zero" ? "" : " and an optional fill byte"));
      const std::int64_t size = constant_arg(at, args[0]);
      const std::int64_t fill = args.size() == 2 ? constant_arg(at, args[1]) : 0;
      if (size < 0 || size > kMaxDataBytes) fail_at(at.at_column(args[0].column), fmt::format("'{}' size {} out of range 0..{}", word, size, kMaxDataBytes));
      if (fill < -128 || fill > 255) fail_at(at.at_column(args[1].column), fmt::format("fill byte {} out of range -128..255", fill));
      program_.data[section].bytes.insert(program_.data[section].bytes.end(), static_cast<std::size_t>(size),
                                          static_cast<std::uint8_t>(fill));
      return true;
    }
    if (name == ".align" || name == ".balign" || name == ".p2align") {
      expect_args(word, at, args, 1);
      const std::int64_t value = constant_arg(at, args[0]);
      const std::int64_t bytes = name == ".p2align" ? (value >= 0 && value <= 16 ? std::int64_t{1} << value : -1) : value;
      if (bytes < 1 || bytes > kMaxAlignBytes || (bytes & (bytes - 1)) != 0)
        fail_at(at.at_column(args[0].column), fmt::format("alignment {} is not a power of two in 1..{}", value, kMaxAlignBytes));
      pad_to(bytes);
      return true;
    }
    return false;
  }

  // ---- end of file: label resolution and loop limits ----

  void finish() {
    for (const SymbolUse& use : symbol_uses_)
      if (!symbols_.contains(use.name)) fail_at(use.pos, fmt::format("undefined symbol '{}'", use.name));
    for (std::size_t f = 0; f < program_.functions.size(); ++f) {
      Function& function = program_.functions[f];
      function.global = globals_.contains(function.name);
      for (const LabelRef& ref : states_[f].refs) {
        const std::string& name = function.label_names[ref.label_id];
        if (ref.literal) {
          auto it = symbols_.find(name);
          if (it == symbols_.end()) fail_at(ref.pos, fmt::format("undefined literal '{}'", name));
          if (!it->second.section || placement_of(program_.data[*it->second.section].name) != Placement::kLiteralPool)
            fail_at(ref.pos, fmt::format("'{}' is not a literal (l32r loads a '.literal' entry)", name));
          continue;
        }
        if (ref.callee) {
          auto it = symbols_.find(name);
          if (it == symbols_.end()) fail_at(ref.pos, fmt::format("undefined function '{}'", name));
          if (!it->second.is_function || function.label_position(ref.label_id))
            fail_at(ref.pos, fmt::format("'{}' is not a function (a call's target is a function of the file, declared "
                                         "with .global or .type or starting outside any function)",
                                         name));
          continue;
        }
        if (function.label_position(ref.label_id)) continue;
        auto it = symbols_.find(name);
        if (it == symbols_.end()) fail_at(ref.pos, fmt::format("undefined label '{}'", name));
        if (it->second.is_function)
          fail_at(ref.pos, fmt::format("'{}' is a function, not a label of function '{}' (no branches between functions)",
                                       name, function.name));
        fail_at(ref.pos, fmt::format("label '{}' belongs to function '{}', not '{}' (no branches between functions)", name,
                                     program_.functions[it->second.function].name, function.name));
      }
      if (const std::optional<LoopBodyProblem> problem = find_bad_loop_body(function)) {
        for (const LabelRef& ref : states_[f].refs)
          if (ref.insn_index == problem->insn_index) fail_at(ref.pos, problem->message);
        PIETUNE_CHECK(false) << "loop instruction without a label reference";
      }
    }
  }

  std::string_view source_;
  model::Program program_;
  std::vector<FunctionState> states_;
  std::optional<std::size_t> current_;  // the open function
  std::unordered_map<std::string, SymbolDef> symbols_;
  std::unordered_map<std::string, std::int64_t> constants_;
  std::set<std::string> globals_;
  std::set<std::string> declared_functions_;  // named by .global/.globl or .type
  std::optional<std::pair<std::uint32_t, SourcePos>> pending_align_;
  std::optional<std::size_t> data_section_;  // the data section being written; nullopt: code
  bool code_in_iram_ = false;                 // the code section is .iram1* (GNU as starts in .text)
  std::vector<SymbolUse> symbol_uses_;
  std::uint32_t auto_literals_ = 0;
};

// Generated kernels are tens of KB; a file past this is not meant as assembly (and would be held
// whole in memory).
constexpr std::uint64_t kMaxAssemblyFileBytes = 64u << 20;

}  // namespace

model::Program parse_assembly(std::string_view text, std::string_view source_name) {
  return Parser(source_name).run(text);
}

model::Program parse_assembly_file(const std::string& path) {
  const BoundedRead read = read_bounded(path, kMaxAssemblyFileBytes);
  switch (read.outcome) {
    case BoundedRead::Outcome::kRead: return parse_assembly(read.bytes, path);
    case BoundedRead::Outcome::kTooLarge:
      throw InputError(fmt::format("{}: {}: too large for an assembly file", path, read.reason));
    case BoundedRead::Outcome::kReadFailed: throw InputError(fmt::format("{}: cannot read assembly file", path));
    default: throw InputError(fmt::format("{}: cannot open assembly file", path));
  }
}

}  // namespace pietune::emu
