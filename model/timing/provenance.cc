// Abstract interpretation of the scalar pointer arithmetic generated kernels use.
#include "model/timing/provenance.h"

#include <algorithm>
#include <cmath>

#include "model/support/error.h"

namespace pietune::model {

// How a load or store forms its address and moves its base register, and which address
// registers an instruction writes, from its row in the ISA table.
struct AddressForm {
  static constexpr std::uint8_t kNoOperand = 0xFF;
  std::uint8_t base = kNoOperand;       // the "as" operand
  std::uint8_t offset = kNoOperand;     // immediate added to the address without updating (l32i, ld.qr)
  std::uint8_t step = kNoOperand;       // post-increment: immediate (.ip) or register "ad" (.xp)
  std::int32_t step_const = 0;          // post-increment of the .incp forms
  bool data_dependent = false;          // the address depends on vector data (ldxq/stxq)
  bool store = false;
  std::uint8_t writes = 0;              // address-register operands written: written[0..writes)
  std::array<std::uint8_t, 4> written{};
  std::uint8_t inout_mask = 0;          // bit i: written[i] is also read (updated in place)
  std::uint8_t reads = 0;               // address-register operands read: read[0..reads)
  std::array<std::uint8_t, 4> read{};
};

namespace {

constexpr std::uint8_t kNoOperand = AddressForm::kNoOperand;

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
      f.store = d.has(kFlagStore);
      for (std::size_t i = 0; i < d.operands.size(); ++i) {
        const OperandDesc& op = d.operands[i];
        if (op.kind != OperandKind::kAr) continue;
        PIETUNE_CHECK(f.writes < f.written.size() && f.reads < f.read.size()) << d.mnemonic;
        if (op.role != Role::kOut) f.read[f.reads++] = static_cast<std::uint8_t>(i);
        if (op.role == Role::kIn) continue;
        if (op.role == Role::kInOut) f.inout_mask = static_cast<std::uint8_t>(f.inout_mask | (1u << f.writes));
        f.written[f.writes++] = static_cast<std::uint8_t>(i);
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
  return AbstractValue::of(buffer, std::int64_t{a.value} * scale + b.value);
}

AbstractValue difference(const AbstractValue& a, const AbstractValue& b) {
  if (b.buffer != AbstractValue::kNoBuffer) return unknown();
  if (!a.known || !b.known) return unknown(a.buffer);
  return AbstractValue::of(a.buffer, std::int64_t{a.value} - b.value);
}

std::int64_t imm(const Insn& insn, std::size_t operand) { return insn.operands[operand].value; }

}  // namespace

Provenance::Provenance(const std::vector<std::vector<int>>& tables)
    : tables_(&tables), forms_(address_forms().data()) {
  regs_[1] = {AbstractValue::kFrame, true, 0};
  for (int k = 0; k < 6; ++k) regs_[static_cast<std::size_t>(2 + k)] = {static_cast<std::int16_t>(k), true, 0};
}

AbstractValue Provenance::access(const Insn& insn) const {
  const AddressForm& f = forms_[static_cast<std::size_t>(insn.opcode)];
  if (f.base == kNoOperand) return unknown();
  AbstractValue v = regs_[static_cast<std::size_t>(insn.operands[f.base].value)];
  if (f.data_dependent) v.known = false;
  if (f.offset != kNoOperand && v.known) v = AbstractValue::of(v.buffer, std::int64_t{v.value} + imm(insn, f.offset));
  return v;
}

AbstractValue Provenance::load(const AbstractValue& base, std::int64_t offset) const {
  if (!base.known) return unknown();
  const std::int64_t at = std::int64_t{base.value} + offset;
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
  for (std::int64_t w = at.value / 4; w <= (std::int64_t{at.value} + 15) / 4 && w < kFrameWords; ++w)
    frame_[static_cast<std::size_t>(w)] = unknown();
}

void Provenance::post_increment(const Insn& insn) {
  const AddressForm& f = forms_[static_cast<std::size_t>(insn.opcode)];
  AbstractValue& base = reg(insn, f.base);
  if (f.step != kNoOperand && insn.operands[f.step].kind == OperandKind::kImm) {
    base = AbstractValue::of(base.buffer, std::int64_t{base.value} + imm(insn, f.step));
  } else if (f.step != kNoOperand) {
    base = sum(base, reg(insn, f.step));
  } else if (f.step_const != 0) {
    base = AbstractValue::of(base.buffer, std::int64_t{base.value} + f.step_const);
  } else {
    base.known = false;
  }
}

void Provenance::step(const Insn& insn) {
  const AddressForm& f = forms_[static_cast<std::size_t>(insn.opcode)];
  if (f.store) store_to_frame(insn);
  switch (insn.opcode) {
    case Opcode::kEntry: regs_[1] = {AbstractValue::kFrame, true, 0}; return;
    case Opcode::kMovi: case Opcode::kMoviN:
      reg(insn, 0) = AbstractValue::of(AbstractValue::kNoBuffer, imm(insn, 1));
      return;
    case Opcode::kMov: case Opcode::kMovN: reg(insn, 0) = reg(insn, 1); return;
    case Opcode::kAddi: case Opcode::kAddiN: case Opcode::kAddmi:
      reg(insn, 0) = sum(reg(insn, 1), AbstractValue::of(AbstractValue::kNoBuffer, imm(insn, 2)));
      return;
    case Opcode::kAdd: case Opcode::kAddN: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2)); return;
    case Opcode::kAddx2: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 2); return;
    case Opcode::kAddx4: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 4); return;
    case Opcode::kAddx8: reg(insn, 0) = sum(reg(insn, 1), reg(insn, 2), 8); return;
    case Opcode::kSub: reg(insn, 0) = difference(reg(insn, 1), reg(insn, 2)); return;
    case Opcode::kSlli: {
      const AbstractValue s = reg(insn, 1);
      const bool integer = s.buffer == AbstractValue::kNoBuffer && s.known;
      const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(s.value) << imm(insn, 2));
      reg(insn, 0) = integer ? AbstractValue{AbstractValue::kNoBuffer, true, shifted} : unknown();
      return;
    }
    case Opcode::kL32i: case Opcode::kL32iN: reg(insn, 0) = load(reg(insn, 1), imm(insn, 2)); return;
    default: break;
  }
  // Anything else: outputs are unknown integers; a post-incremented base keeps its buffer and
  // moves by its step; another updated (inout) register keeps its buffer but not its displacement.
  for (std::uint8_t w = 0; w < f.writes; ++w) {
    const std::uint8_t i = f.written[w];
    const bool inout = (f.inout_mask >> w) & 1u;
    AbstractValue& r = reg(insn, i);
    if (i == f.base && inout) {
      post_increment(insn);
    } else {
      r = inout ? unknown(r.buffer) : unknown();
    }
  }
}

RegisterUse register_use(const Insn& insn) {
  RegisterUse u;
  const AddressForm& form = address_forms()[static_cast<std::size_t>(insn.opcode)];
  for (std::uint8_t k = 0; k < form.reads; ++k)
    u.reads.regs = static_cast<std::uint16_t>(u.reads.regs | (1u << insn.operands[form.read[k]].value));
  for (std::uint8_t k = 0; k < form.writes; ++k)
    u.writes.regs = static_cast<std::uint16_t>(u.writes.regs | (1u << insn.operands[form.written[k]].value));
  if (form.base != kNoOperand && insn.operands[form.base].value == 1) {
    const std::int64_t at = form.offset != kNoOperand ? insn.operands[form.offset].value : 0;
    const std::int64_t first = std::max<std::int64_t>(at / 4, 0), last = form.store ? (at + 15) / 4 : at / 4;
    for (std::int64_t w = first; w <= last && w < Provenance::kFrameWords; ++w)
      (form.store ? u.writes.frame : u.reads.frame) |= std::uint64_t{1} << w;
  }
  return u;
}

void append(RegisterUse& code, const RegisterUse& next) {
  code.reads.regs = static_cast<std::uint16_t>(code.reads.regs | (next.reads.regs & ~code.writes.regs));
  code.reads.frame |= next.reads.frame & ~code.writes.frame;
  code.writes.regs = static_cast<std::uint16_t>(code.writes.regs | next.writes.regs);
  code.writes.frame |= next.writes.frame;
}

bool Provenance::same_up_to_shift(const Provenance& then, const RegisterSet& live_in,
                                  std::vector<double>& shift) const {
  auto same = [&](const AbstractValue& now, const AbstractValue& was) {
    if (now.buffer != was.buffer || now.known != was.known) return false;
    if (!now.known) return true;
    if (now.buffer < 0) return now.value == was.value;
    const auto b = static_cast<std::size_t>(now.buffer);
    const auto moved = static_cast<double>(std::int64_t{now.value} - was.value);
    const bool table = b < tables_->size() && !(*tables_)[b].empty();
    if (table && moved != 0) return false;
    if (std::isnan(shift[b])) shift[b] = moved;
    return shift[b] == moved;
  };
  for (std::size_t r = 0; r < regs_.size(); ++r)
    if (((live_in.regs >> r) & 1u) && !same(regs_[r], then.regs_[r])) return false;
  for (std::size_t w = 0; w < frame_.size(); ++w)
    if (((live_in.frame >> w) & 1u) && !same(frame_[w], then.frame_[w])) return false;
  return true;
}

void Provenance::replay(const Provenance& then_after, const RegisterSet& written, const std::vector<double>& shift) {
  auto take = [&](AbstractValue& now, const AbstractValue& was) {
    now = was;
    if (was.known && was.buffer >= 0 && !std::isnan(shift[static_cast<std::size_t>(was.buffer)]))
      now = AbstractValue::of(was.buffer,
                              was.value + static_cast<std::int64_t>(shift[static_cast<std::size_t>(was.buffer)]));
  };
  for (std::size_t r = 0; r < regs_.size(); ++r)
    if ((written.regs >> r) & 1u) take(regs_[r], then_after.regs_[r]);
  for (std::size_t w = 0; w < frame_.size(); ++w)
    if ((written.frame >> w) & 1u) take(frame_[w], then_after.frame_[w]);
}

void Provenance::extrapolate(const Provenance& earlier, std::int64_t iterations) {
  auto move = [&](AbstractValue& now, const AbstractValue& before) {
    if (!now.known || !before.known || now.buffer != before.buffer) return;
    const double moved = now.value + (static_cast<double>(now.value) - before.value) * static_cast<double>(iterations);
    now = std::fabs(moved) < 2147483647.0 ? AbstractValue::of(now.buffer, static_cast<std::int64_t>(moved))
                                          : AbstractValue{now.buffer, false, 0};
  };
  for (std::size_t i = 0; i < regs_.size(); ++i) move(regs_[i], earlier.regs_[i]);
  for (std::size_t i = 0; i < frame_.size(); ++i) move(frame_[i], earlier.frame_[i]);
}

}  // namespace pietune::model
