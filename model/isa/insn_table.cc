// Builds the InsnDesc rows from the .def lists once, parsing each row's operand and state specs.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <unordered_map>

#include "model/isa/insn_desc.h"
#include "model/support/error.h"

namespace pietune::model {
namespace {

// Xtensa branch-immediate tables (ISA RM: b4const, b4constu) and the ADDI.N immediate set.
constexpr std::array<std::int32_t, 16> kB4Const = {-1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256};
constexpr std::array<std::int32_t, 16> kB4ConstU = {32768, 65536, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256};
constexpr std::array<std::int32_t, 16> kAddiN = {-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

struct RowSpec {
  Opcode opcode;
  std::string_view mnemonic;
  int size_bytes;
  std::string_view operands;
  std::string_view states;
  UnitGroup units;
  std::uint16_t flags;
  int macs;
};

constexpr RowSpec kRows[] = {
#define PIETUNE_INSN(id, mnemonic, size, operands, states, units, flags, macs) \
  {Opcode::k##id, mnemonic, size, operands, states, UnitGroup::units, static_cast<std::uint16_t>(flags), macs},
#include "model/isa/base_rows.def"
#include "model/isa/pie_rows.def"
#undef PIETUNE_INSN
};
static_assert(std::size(kRows) == kOpcodeCount);

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  if (trim(s).empty()) return parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return parts;
}

std::int32_t to_int(std::string_view s, std::string_view row) {
  std::int32_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  PIETUNE_CHECK(ec == std::errc() && ptr == s.data() + s.size()) << "row " << row << ": bad number '" << s << "'";
  return value;
}

// "imm[-2048..2032/16]" or "imm{b4const}".
ImmRange parse_imm(std::string_view kind, std::string_view row) {
  ImmRange range;
  if (kind.starts_with("imm{")) {
    std::string_view name = kind.substr(4, kind.size() - 5);
    if (name == "b4const") range.set = kB4Const;
    else if (name == "b4constu") range.set = kB4ConstU;
    else if (name == "addin") range.set = kAddiN;
    else PIETUNE_CHECK(false) << "row " << row << ": unknown immediate set " << name;
    range.min = *std::min_element(range.set.begin(), range.set.end());
    range.max = *std::max_element(range.set.begin(), range.set.end());
    return range;
  }
  PIETUNE_CHECK(kind.starts_with("imm[") && kind.ends_with("]")) << "row " << row << ": bad kind " << kind;
  std::string_view body = kind.substr(4, kind.size() - 5);
  std::size_t dots = body.find("..");
  std::size_t slash = body.find('/');
  PIETUNE_CHECK(dots != std::string_view::npos && slash != std::string_view::npos) << "row " << row;
  range.min = to_int(body.substr(0, dots), row);
  range.max = to_int(body.substr(dots + 2, slash - dots - 2), row);
  range.step = to_int(body.substr(slash + 1), row);
  return range;
}

// "in@1", "out@2", "inout@1/2" -> role and stages.
void parse_role(std::string_view text, Role& role, std::int8_t& use, std::int8_t& def, std::string_view row) {
  std::size_t at = text.find('@');
  PIETUNE_CHECK(at != std::string_view::npos) << "row " << row << ": missing stage in " << text;
  std::string_view name = text.substr(0, at);
  std::string_view stages = text.substr(at + 1);
  if (name == "in") {
    role = Role::kIn;
    use = static_cast<std::int8_t>(to_int(stages, row));
  } else if (name == "out") {
    role = Role::kOut;
    def = static_cast<std::int8_t>(to_int(stages, row));
  } else {
    PIETUNE_CHECK(name == "inout") << "row " << row << ": bad role " << name;
    role = Role::kInOut;
    std::size_t slash = stages.find('/');
    PIETUNE_CHECK(slash != std::string_view::npos) << "row " << row << ": inout needs use/def stages";
    use = static_cast<std::int8_t>(to_int(stages.substr(0, slash), row));
    def = static_cast<std::int8_t>(to_int(stages.substr(slash + 1), row));
  }
}

OperandDesc parse_operand(std::string_view spec, std::string_view row) {
  OperandDesc op;
  std::size_t colon = spec.find(':');
  PIETUNE_CHECK(colon != std::string_view::npos) << "row " << row << ": bad operand " << spec;
  op.name = spec.substr(0, colon);
  std::string_view rest = spec.substr(colon + 1);
  if (rest.starts_with("imm")) {
    op.kind = OperandKind::kImm;
    op.imm = parse_imm(rest, row);
    op.use_stage = 1;
    return op;
  }
  if (rest == "label") {
    op.kind = OperandKind::kLabel;
    return op;
  }
  // "m[0..3]:out@2": a MAC16 data register (a kImm holding the register number).
  if (rest.starts_with("m[")) {
    const std::size_t close = rest.find(']');
    PIETUNE_CHECK(close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':')
        << "row " << row << ": bad operand " << spec;
    const std::string_view body = rest.substr(2, close - 2);
    const std::size_t dots = body.find("..");
    PIETUNE_CHECK(dots != std::string_view::npos) << "row " << row << ": bad register range " << body;
    op.kind = OperandKind::kImm;
    op.mreg = true;
    op.imm.min = to_int(body.substr(0, dots), row);
    op.imm.max = to_int(body.substr(dots + 2), row);
    PIETUNE_CHECK(op.imm.min >= 0 && op.imm.max <= 3 && op.imm.min <= op.imm.max) << "row " << row << ": m register range";
    parse_role(rest.substr(close + 2), op.role, op.use_stage, op.def_stage, row);
    return op;
  }
  std::size_t colon2 = rest.find(':');
  PIETUNE_CHECK(colon2 != std::string_view::npos) << "row " << row << ": bad operand " << spec;
  std::string_view kind = rest.substr(0, colon2);
  PIETUNE_CHECK(kind == "a" || kind == "q") << "row " << row << ": bad register kind " << kind;
  op.kind = kind == "a" ? OperandKind::kAr : OperandKind::kQr;
  parse_role(rest.substr(colon2 + 1), op.role, op.use_stage, op.def_stage, row);
  return op;
}

SpecialReg special_reg(std::string_view name, std::string_view row) {
  if (name == "ACCX") return SpecialReg::kAccx;
  if (name == "QACC_L") return SpecialReg::kQaccL;
  if (name == "QACC_H") return SpecialReg::kQaccH;
  if (name == "SAR") return SpecialReg::kSar;
  if (name == "SAR_BYTE") return SpecialReg::kSarByte;
  if (name == "ACC") return SpecialReg::kAcc;
  PIETUNE_CHECK(false) << "row " << row << ": unknown special register " << name;
  return SpecialReg::kAccx;
}

StateAccess parse_state(std::string_view spec, std::string_view row) {
  StateAccess access;
  std::size_t colon = spec.find(':');
  PIETUNE_CHECK(colon != std::string_view::npos) << "row " << row << ": bad state " << spec;
  access.reg = special_reg(spec.substr(0, colon), row);
  Role role;
  parse_role(spec.substr(colon + 1), role, access.use_stage, access.def_stage, row);
  return access;
}

struct Table {
  std::vector<InsnDesc> rows;
  std::unordered_map<std::string, Opcode> by_mnemonic;
};

const Table& table() {
  static const Table instance = [] {
    Table t;
    t.rows.reserve(kOpcodeCount);
    for (const RowSpec& spec : kRows) {
      InsnDesc desc;
      desc.opcode = spec.opcode;
      desc.mnemonic = spec.mnemonic;
      desc.size_bytes = static_cast<std::uint8_t>(spec.size_bytes);
      for (std::string_view op : split(spec.operands, ',')) desc.operands.push_back(parse_operand(op, spec.mnemonic));
      for (std::string_view st : split(spec.states, ',')) desc.states.push_back(parse_state(st, spec.mnemonic));
      desc.units = spec.units;
      desc.flags = spec.flags;
      desc.macs = static_cast<std::uint8_t>(spec.macs);
      PIETUNE_CHECK(static_cast<std::size_t>(spec.opcode) == t.rows.size()) << spec.mnemonic;
      auto [it, inserted] = t.by_mnemonic.emplace(std::string(spec.mnemonic), spec.opcode);
      PIETUNE_CHECK(inserted) << "duplicate mnemonic " << spec.mnemonic;
      t.rows.push_back(std::move(desc));
    }
    return t;
  }();
  return instance;
}

}  // namespace

bool ImmRange::contains(std::int64_t value) const {
  if (!set.empty()) return std::find(set.begin(), set.end(), value) != set.end();
  return value >= min && value <= max && (value - min) % step == 0;
}

std::optional<std::size_t> InsnDesc::label_operand() const {
  for (std::size_t i = 0; i < operands.size(); ++i)
    if (operands[i].kind == OperandKind::kLabel) return i;
  return std::nullopt;
}

const InsnDesc& insn_desc(Opcode opcode) {
  const auto index = static_cast<std::size_t>(opcode);
  PIETUNE_CHECK(index < kOpcodeCount) << "opcode " << index;
  return table().rows[index];
}

std::optional<Opcode> find_opcode(std::string_view mnemonic) {
  std::string lower(mnemonic);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto& map = table().by_mnemonic;
  auto it = map.find(lower);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::span<const InsnDesc> all_insns() { return table().rows; }

const char* to_string(SpecialReg reg) {
  switch (reg) {
    case SpecialReg::kAccx: return "ACCX";
    case SpecialReg::kQaccL: return "QACC_L";
    case SpecialReg::kQaccH: return "QACC_H";
    case SpecialReg::kSar: return "SAR";
    case SpecialReg::kSarByte: return "SAR_BYTE";
    case SpecialReg::kAcc: return "ACC";
    case SpecialReg::kCount: break;
  }
  return "?";
}

}  // namespace pietune::model
