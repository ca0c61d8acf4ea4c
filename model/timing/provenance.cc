// Abstract interpretation of the scalar pointer arithmetic generated kernels use.
#include "model/timing/provenance.h"

#include <algorithm>

namespace pietune::model {
namespace {

constexpr std::uint8_t kNoOperand = 0xFF;

// How a load or store forms its address and moves its base register, from its row in the ISA table.
struct AddressForm {
  std::uint8_t base = kNoOperand;       // the "as" operand
  std::uint8_t offset = kNoOperand;     // immediate added to the address without updating (l32i, ld.qr)
  std::uint8_t step = kNoOperand;       // post-increment: immediate (.ip) or register "ad" (.xp)
  std::int32_t step_const = 0;          // post-increment of the .incp forms
  bool data_dependent = false;          // the address depends on vector data (ldxq/stxq)
};

std::int32_t incp_step(std::string_view m) {
  if (m.find("ldbc.incp") != std::string_view::npos) return m.find("8.") != std::string_view::npos ? 1 : 2;
  return 16;
}

const std::vector<AddressForm>& address_forms() {
  static const std::vector<AddressForm> table = [] {
    std::vector<AddressForm> t;
    for (const InsnDesc& d : all_insns()) {
      AddressForm f;
      if (d.has(kFlagLoad) || d.has(kFlagStore)) {
        for (std::size_t i = 0; i < d.operands.size(); ++i) {
          const OperandDesc& op = d.operands[i];
          if (op.kind == OperandKind::kAr && op.name == "as") f.base = static_cast<std::uint8_t>(i);
        }
        const bool updates = f.base != kNoOperand && d.operands[f.base].role == Role::kInOut;
        for (std::size_t i = 0; i < d.operands.size(); ++i) {
          const OperandDesc& op = d.operands[i];
          const bool imm = op.kind == OperandKind::kImm && op.name.starts_with("imm");
          if (imm && f.offset == kNoOperand && f.step == kNoOperand)
            (updates ? f.step : f.offset) = static_cast<std::uint8_t>(i);
          if (updates && op.kind == OperandKind::kAr && op.name == "ad") f.step = static_cast<std::uint8_t>(i);
        }
        if (updates && d.mnemonic.find(".incp") != std::string_view::npos) f.step_const = incp_step(d.mnemonic);
        f.data_dependent = d.mnemonic.find("xq.32") != std::string_view::npos;
      }
      t.push_back(f);
    }
    return t;
  }();
  return table;
}

AbstractValue unknown(std::int16_t buffer = AbstractValue::kNoBuffer) { return {buffer, false, 0}; }

// a + b (scale * a + b for addx*); a pointer plus an integer stays a pointer.
AbstractValue sum(const AbstractValue& a, const AbstractValue& b, int scale = 1) {
  const bool a_ptr = a.buffer != AbstractValue::kNoBuffer, b_ptr = b.buffer != AbstractValue::kNoBuffer;
  if (a_ptr && b_ptr) return unknown();
  if (a_ptr && scale != 1) return unknown();
  const std::int16_t buffer = a_ptr ? a.buffer : b.buffer;
  if (!a.known || !b.known) return unknown(buffer);
  return {buffer, true, a.value * scale + b.value};
}

AbstractValue difference(const AbstractValue& a, const AbstractValue& b) {
  if (b.buffer != AbstractValue::kNoBuffer) return unknown();
  if (!a.known || !b.known) return unknown(a.buffer);
  return {a.buffer, true, a.value - b.value};
}

std::int64_t imm(const Insn& insn, std::size_t operand) { return insn.operands[operand].value; }

}  // namespace

Provenance::Provenance(const std::vector<std::vector<int>>& tables) : tables_(&tables) {
  regs_[1] = {AbstractValue::kFrame, true, 0};
  for (int k = 0; k < 6; ++k) regs_[static_cast<std::size_t>(2 + k)] = {static_cast<std::int16_t>(k), true, 0};
}

AbstractValue Provenance::access(const Insn& insn) const {
  const AddressForm& f = address_forms()[static_cast<std::size_t>(insn.opcode)];
  if (f.base == kNoOperand) return unknown();
  AbstractValue v = regs_[static_cast<std::size_t>(insn.operands[f.base].value)];
  if (f.data_dependent) v.known = false;
  if (f.offset != kNoOperand) v.value += imm(insn, f.offset);
  return v;
}

AbstractValue Provenance::load(const AbstractValue& base, std::int64_t offset) const {
  if (!base.known) return unknown();
  const std::int64_t at = base.value + offset;
  if (at < 0 || at % 4 != 0) return unknown();
  const std::int64_t word = at / 4;
  if (base.buffer == AbstractValue::kFrame)
    return word < kFrameWords ? frame_[static_cast<std::size_t>(word)] : unknown();
  if (base.buffer < 0 || static_cast<std::size_t>(base.buffer) >= tables_->size()) return unknown();
  const std::vector<int>& table = (*tables_)[static_cast<std::size_t>(base.buffer)];
  if (static_cast<std::size_t>(word) >= table.size() || table[static_cast<std::size_t>(word)] < 0) return unknown();
  return {static_cast<std::int16_t>(table[static_cast<std::size_t>(word)]), true, 0};
}

// A store through a frame pointer: s32i records the stored value in its slot; other stores forget
// the slots they may overlap (all of them when the address is unknown).
void Provenance::store_to_frame(const Insn& insn) {
  const AbstractValue at = access(insn);
  if (at.buffer != AbstractValue::kFrame) return;
  if (!at.known || at.value < 0) {
    frame_.fill(unknown());
    return;
  }
  const bool word_store = insn.opcode == Opcode::kS32i || insn.opcode == Opcode::kS32iN;
  if (word_store && at.value % 4 == 0) {
    if (at.value / 4 < kFrameWords) frame_[static_cast<std::size_t>(at.value / 4)] = reg(insn, 0);
    return;
  }
  for (std::int64_t w = at.value / 4; w <= (at.value + 15) / 4 && w < kFrameWords; ++w)
    frame_[static_cast<std::size_t>(w)] = unknown();
}

void Provenance::post_increment(const Insn& insn) {
  const AddressForm& f = address_forms()[static_cast<std::size_t>(insn.opcode)];
  AbstractValue& base = reg(insn, f.base);
  if (f.step != kNoOperand && insn.operands[f.step].kind == OperandKind::kImm) {
    base.value += imm(insn, f.step);
  } else if (f.step != kNoOperand) {
    base = sum(base, reg(insn, f.step));
  } else if (f.step_const != 0) {
    base.value += f.step_const;
  } else {
    base.known = false;
  }
}

void Provenance::step(const Insn& insn) {
  const InsnDesc& d = insn.desc();
  if (d.has(kFlagStore)) store_to_frame(insn);
  switch (insn.opcode) {
    case Opcode::kEntry: regs_[1] = {AbstractValue::kFrame, true, 0}; return;
    case Opcode::kMovi: case Opcode::kMoviN: reg(insn, 0) = {AbstractValue::kNoBuffer, true, imm(insn, 1)}; return;
    case Opcode::kMov: case Opcode::kMovN: reg(insn, 0) = reg(insn, 1); return;
    case Opcode::kAddi: case Opcode::kAddiN: case Opcode::kAddmi:
      reg(insn, 0) = sum(reg(insn, 1), {AbstractValue::kNoBuffer, true, imm(insn, 2)});
      return;
    case Opcode::kAdd: case Opcode::kAddN: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2)); return;
    case Opcode::kAddx2: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 2); return;
    case Opcode::kAddx4: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 4); return;
    case Opcode::kAddx8: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 8); return;
    case Opcode::kSub: reg(insn, 0) = difference(reg(insn, 1), reg(insn, 2)); return;
    case Opcode::kSlli: {
      const AbstractValue s = reg(insn, 1);
      const bool integer = s.buffer == AbstractValue::kNoBuffer && s.known;
      reg(insn, 0) = integer ? AbstractValue{AbstractValue::kNoBuffer, true, s.value << imm(insn, 2)} : unknown();
      return;
    }
    case Opcode::kL32i: case Opcode::kL32iN: reg(insn, 0) = load(reg(insn, 1), imm(insn, 2)); return;
    default: break;
  }
  // Anything else: outputs are unknown integers; a post-incremented base keeps its buffer and
  // moves by its step; another updated (inout) register keeps its buffer but not its displacement.
  const std::uint8_t base = address_forms()[static_cast<std::size_t>(insn.opcode)].base;
  for (std::size_t i = 0; i < d.operands.size(); ++i) {
    const OperandDesc& op = d.operands[i];
    if (op.kind != OperandKind::kAr || op.role == Role::kIn) continue;
    AbstractValue& r = reg(insn, i);
    if (i == base && op.role == Role::kInOut) {
      post_increment(insn);
    } else {
      r = op.role == Role::kInOut ? unknown(r.buffer) : unknown();
    }
  }
}

void Provenance::extrapolate(const Provenance& earlier, std::int64_t iterations) {
  auto move = [&](AbstractValue& now, const AbstractValue& before) {
    if (now.known && before.known && now.buffer == before.buffer) now.value += (now.value - before.value) * iterations;
  };
  for (std::size_t i = 0; i < regs_.size(); ++i) move(regs_[i], earlier.regs_[i]);
  for (std::size_t i = 0; i < frame_.size(); ++i) move(frame_[i], earlier.frame_[i]);
}

}  // namespace pietune::model
