// Emulator: code layout, predecoding, the windowed host call and the run loop.
#include "emu_bridge/emulator.h"

#include <algorithm>

#include <fmt/format.h>

#include "emu_bridge/cpu.h"
#include "emu_bridge/data_layout.h"
#include "emu_bridge/semantics/dispatch.h"
#include "model/ir/builder.h"

namespace pietune::emu {
namespace {

// The host caller's return address: just below the code, never an instruction.
constexpr std::uint32_t kHostReturnPc = kCodeBase - 4;
constexpr std::uint32_t kCallinc8 = 2;  // call8

std::uint32_t align_up(std::uint32_t value, std::uint32_t align) {
  if (align <= 1) return value;
  return (value + align - 1) / align * align;
}

// Ran past the last instruction of a function.
void ran_off_end(Cpu& cpu, const Decoded& d) {
  const model::Function& f = cpu.program->functions[d.function];
  cpu.fault(FaultKind::kRanOffEnd, fmt::format("execution ran past the end of function '{}'", f.name));
}

template <bool kTrace>
std::uint64_t run_loop(Cpu& cpu, std::uint64_t max_instructions, const TraceHook* hook) {
  const Decoded* code = cpu.code.data();
  std::uint32_t idx = cpu.next;
  std::uint64_t remaining = max_instructions;
  for (;;) {
    const Decoded& d = code[idx];
    if (remaining == 0) [[unlikely]] {
      cpu.cur = idx;
      cpu.st.pc = d.pc;
      throw EmuFault(Fault{FaultKind::kInstructionLimit, d.pc, cpu.text_of(d), std::nullopt},
                     fmt::format("instruction limit {} reached at pc 0x{:08x} ({})", max_instructions, d.pc,
                                 cpu.text_of(d)));
    }
    --remaining;
    cpu.cur = idx;
    cpu.next = idx + 1;
    if constexpr (kTrace) {
      cpu.access_count = 0;
      cpu.window_events = {};
    }
    if (d.quads > cpu.free_quads) [[unlikely]] cpu.window_check(d.quads);
    d.fn(cpu, d);
    ++cpu.st.ccount;
    idx = cpu.next;
    bool taken = false;
    bool loop_back = false;
    if (cpu.jumped) [[unlikely]] {
      cpu.jumped = false;
      taken = true;
    } else if (idx == cpu.lend_index && cpu.st.lcount != 0) [[unlikely]] {
      // LBEG written (wsr.lbeg) with an address that is no instruction of the program.
      if (cpu.lbeg_index == kNoIndex)
        cpu.fault(FaultKind::kBadTarget, fmt::format("loop back to LBEG 0x{:08x}, not an instruction of the program", cpu.st.lbeg),
                  cpu.st.lbeg);
      --cpu.st.lcount;
      idx = cpu.lbeg_index;
      loop_back = true;
    }
    if constexpr (kTrace) {
      TraceEvent event;
      event.pc = d.pc;
      event.opcode = d.opcode;
      event.function = d.function;
      event.insn_index = d.insn_index;
      event.accesses = std::span<const MemAccess>(cpu.accesses.data(), cpu.access_count);
      event.branch_taken = taken;
      event.loop_back = loop_back;
      const model::InsnDesc& desc = model::insn_desc(d.opcode);
      event.call_flow = taken && (desc.has(model::kFlagCall) || (desc.has(model::kFlagReturn) && !cpu.stop));
      event.window_exceptions = cpu.window_events;
      (*hook)(event);
    }
    if (cpu.stop) [[unlikely]]
      break;
  }
  cpu.next = idx;
  return max_instructions - remaining;
}

}  // namespace

void Cpu::record(std::uint32_t addr, std::uint32_t bytes, bool store) {
  if (access_count >= accesses.size()) return;
  accesses[access_count++] =
      MemAccess{addr, static_cast<std::uint8_t>(bytes), store, Memory::region_of(addr).value_or(Region::kInternalSram)};
}

void Cpu::access_fault(std::uint32_t addr, std::uint32_t bytes, bool store) {
  const char* why = "outside mapped memory";
  if (store && Memory::mapped(addr, bytes) && Memory::region_of(addr) == Region::kFlash) why = "store to flash (read-only)";
  fault(FaultKind::kUnmappedAccess,
        fmt::format("{} of {} bytes at 0x{:08x}: {}", store ? "store" : "load", bytes, addr, why), addr);
}

void Cpu::fault(FaultKind kind, const std::string& what, std::optional<std::uint32_t> address) {
  const Decoded& d = code[cur];
  st.pc = d.pc;
  const std::string text = text_of(d);
  if (d.sentinel) throw EmuFault(Fault{kind, d.pc, text, address}, fmt::format("pc 0x{:08x}: {}", d.pc, what));
  throw EmuFault(Fault{kind, d.pc, text, address}, fmt::format("pc 0x{:08x} ({}): {}", d.pc, text, what));
}

std::uint32_t Cpu::index_of_pc(std::uint32_t pc) const {
  auto it = std::lower_bound(code.begin(), code.end(), pc, [](const Decoded& d, std::uint32_t p) { return d.pc < p; });
  // A sentinel may share its pc with the next function's first instruction: prefer the instruction.
  while (it != code.end() && it->pc == pc && it->sentinel) ++it;
  if (it == code.end() || it->pc != pc) return kNoIndex;
  return static_cast<std::uint32_t>(it - code.begin());
}

std::string Cpu::text_of(const Decoded& d) const {
  if (d.sentinel) return "";
  const model::Function& f = program->functions[d.function];
  return format_insn(f, f.insns[d.insn_index]);
}

std::string format_insn(const model::Function& function, const model::Insn& insn) {
  const model::InsnDesc& desc = insn.desc();
  std::string text(desc.mnemonic);
  for (std::size_t i = 0; i < insn.operand_count; ++i) {
    text += i == 0 ? " " : ", ";
    const model::Operand& op = insn.operands[i];
    switch (op.kind) {
      case model::OperandKind::kAr: text += fmt::format("a{}", op.value); break;
      case model::OperandKind::kQr: text += fmt::format("q{}", op.value); break;
      case model::OperandKind::kImm:
        text += i < desc.operands.size() && desc.operands[i].mreg ? fmt::format("m{}", op.value) : fmt::format("{}", op.value);
        break;
      case model::OperandKind::kLabel:
        if (op.value >= 0 && static_cast<std::size_t>(op.value) < function.label_names.size())
          text += function.label_names[static_cast<std::size_t>(op.value)];
        else text += fmt::format("<label {}>", op.value);
        break;
    }
  }
  return text;
}

Emulator::Emulator(const model::Program& program) : program_(program), cpu_(std::make_unique<Cpu>()) {
  Cpu& cpu = *cpu_;
  cpu.program = &program_;
  cpu.host_return_pc = kHostReturnPc;
  // The literal pool first (at kCodeBase), then the code, then the data sections (data_layout.h).
  DataLayout data = place_data(program_, kCodeBase);
  std::uint32_t pc = kCodeBase + data.pool_bytes;
  std::unordered_map<std::string, std::uint32_t> function_addresses;
  struct LiteralRef {
    std::size_t decoded = 0;
    std::string name;
  };
  std::vector<LiteralRef> literal_refs;
  // callN FUNCTION: the callee's first decoded index (each function is followed by a sentinel).
  std::unordered_map<std::string_view, std::uint32_t> function_index;
  for (std::size_t fi = 0, base = 0; fi < program_.functions.size(); ++fi) {
    function_index.emplace(program_.functions[fi].name, static_cast<std::uint32_t>(base));
    base += program_.functions[fi].insns.size() + 1;
  }
  std::vector<LiteralRef> call_refs;
  for (std::size_t fi = 0; fi < program_.functions.size(); ++fi) {
    const model::Function& f = program_.functions[fi];
    pc = align_up(pc, f.align_bytes);
    function_addresses.emplace(f.name, pc);
    const auto base = static_cast<std::uint32_t>(cpu.code.size());
    for (std::size_t ii = 0; ii < f.insns.size(); ++ii) {
      const model::Insn& insn = f.insns[ii];
      if (static_cast<std::size_t>(insn.opcode) >= model::kOpcodeCount)
        throw InputError(fmt::format("function '{}': instruction {}: unknown opcode {}", f.name, ii,
                                     static_cast<unsigned>(insn.opcode)));
      const model::InsnDesc& desc = insn.desc();
      const std::string problem = model::check_operands(desc, insn.operands.data(), insn.operand_count);
      if (!problem.empty())
        throw InputError(fmt::format("function '{}': instruction {} ({}): {}", f.name, ii, desc.mnemonic, problem));
      Decoded d;
      d.fn = semantics(insn.opcode);
      d.opcode = insn.opcode;
      d.pc = pc;
      d.function = static_cast<std::uint32_t>(fi);
      d.insn_index = static_cast<std::uint32_t>(ii);
      d.size_bytes = desc.size_bytes;
      int imms = 0;
      if (desc.has(model::kFlagCall)) {  // a<4n> receives the return address
        const std::string_view m = desc.mnemonic;
        d.quads = m.ends_with("12") ? 3 : m.ends_with('8') ? 2 : m.ends_with('4') ? 1 : 0;
      }
      for (std::size_t oi = 0; oi < insn.operand_count; ++oi) {
        const model::Operand& op = insn.operands[oi];
        switch (op.kind) {
          case model::OperandKind::kAr:
            d.r[oi] = static_cast<std::uint8_t>(op.value);
            d.quads = std::max<std::uint8_t>(d.quads, static_cast<std::uint8_t>(op.value >> 2));
            break;
          case model::OperandKind::kQr: d.r[oi] = static_cast<std::uint8_t>(op.value); break;
          case model::OperandKind::kImm:
            if (desc.operands[oi].mreg) d.r[oi] = static_cast<std::uint8_t>(op.value);  // MAC16 m0..m3
            else (imms++ == 0 ? d.imm : d.imm2) = op.value;
            break;
          case model::OperandKind::kLabel: {
            if (desc.label_is_function()) {
              if (op.value < 0 || static_cast<std::size_t>(op.value) >= f.label_names.size())
                throw InputError(fmt::format("function '{}': instruction {} ({}): unknown callee", f.name, ii,
                                             desc.mnemonic));
              const std::string& callee = f.label_names[static_cast<std::size_t>(op.value)];
              auto it = function_index.find(callee);
              if (it == function_index.end())
                throw InputError(fmt::format("function '{}': instruction {} ({}): '{}' is not a function of the program",
                                             f.name, ii, desc.mnemonic, callee));
              d.target = it->second;
              call_refs.push_back({cpu.code.size(), callee});
              break;
            }
            if (desc.label_is_literal()) {
              if (op.value < 0 || static_cast<std::size_t>(op.value) >= f.label_names.size())
                throw InputError(fmt::format("function '{}': instruction {} ({}): unknown literal", f.name, ii,
                                             desc.mnemonic));
              literal_refs.push_back({cpu.code.size(), f.label_names[static_cast<std::size_t>(op.value)]});
              break;
            }
            const auto position = f.label_position(static_cast<std::uint32_t>(op.value));
            if (!position || *position > f.insns.size())
              throw InputError(fmt::format("function '{}': instruction {} ({}): label never bound", f.name, ii,
                                           desc.mnemonic));
            d.target = base + *position;
            break;
          }
        }
      }
      cpu.code.push_back(d);
      pc += desc.size_bytes;
    }
    Decoded end;
    end.fn = &ran_off_end;
    end.pc = pc;
    end.function = static_cast<std::uint32_t>(fi);
    end.insn_index = static_cast<std::uint32_t>(f.insns.size());
    end.sentinel = true;
    cpu.code.push_back(end);
  }
  // CALLn's target is (pc & ~3) + 4 + 4 * offset: a multiple of 4.
  for (const LiteralRef& ref : call_refs) {
    if (function_addresses.at(ref.name) % 4 == 0) continue;
    const Decoded& d = cpu.code[ref.decoded];
    const model::Function& f = program_.functions[d.function];
    throw InputError(fmt::format("function '{}': instruction {} ({}): callee '{}' at 0x{:08x} is not 4-byte aligned "
                                 "(a call's target is a multiple of 4)",
                                 f.name, d.insn_index, format_insn(f, f.insns[d.insn_index]), ref.name,
                                 function_addresses.at(ref.name)));
  }
  resolve_relocations(program_, data, function_addresses);
  for (std::size_t s = 0; s < program_.data.size(); ++s)
    if (placement_of(program_.data[s].name) != Placement::kLiteralPool) cpu.mem.load(data.section_address[s], data.bytes[s]);
  // l32r: the literal's value and address, fixed now (the pool is read-only); its reach is
  // ((pc + 3) & ~3) - 262144 .. - 4, a literal at a multiple of 4.
  for (const LiteralRef& ref : literal_refs) {
    Decoded& d = cpu.code[ref.decoded];
    const model::Function& f = program_.functions[d.function];
    auto fail = [&](const std::string& why) {
      throw InputError(fmt::format("function '{}': instruction {} ({}): {}", f.name, d.insn_index,
                                   format_insn(f, f.insns[d.insn_index]), why));
    };
    std::size_t section = program_.data.size();
    std::uint32_t offset = 0;
    for (std::size_t s = 0; s < program_.data.size() && section == program_.data.size(); ++s) {
      if (placement_of(program_.data[s].name) != Placement::kLiteralPool) continue;
      for (const model::DataSymbol& symbol : program_.data[s].symbols)
        if (symbol.name == ref.name) {
          section = s;
          offset = symbol.offset;
        }
    }
    if (section == program_.data.size()) fail(fmt::format("'{}' is not a literal of the pool (.literal)", ref.name));
    const std::uint32_t address = data.section_address[section] + offset;
    const std::int64_t back = std::int64_t{(d.pc + 3) & ~3u} - address;
    if (address % 4 != 0 || back < 4 || back > 262144 || offset + 4 > data.bytes[section].size())
      fail(fmt::format("literal '{}' at 0x{:08x} is out of l32r's reach", ref.name, address));
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= std::uint32_t{data.bytes[section][offset + i]} << (8 * i);
    d.imm = static_cast<std::int32_t>(value);
    d.imm2 = static_cast<std::int32_t>(address);
  }
  symbols_ = std::move(data.symbols);
}

Emulator::~Emulator() = default;

MachineState& Emulator::state() { return cpu_->st; }
const MachineState& Emulator::state() const { return cpu_->st; }
Memory& Emulator::memory() { return cpu_->mem; }
const Memory& Emulator::memory() const { return cpu_->mem; }

std::uint32_t Emulator::symbol_address(std::string_view symbol) const {
  auto it = symbols_.find(std::string(symbol));
  if (it == symbols_.end()) throw InputError(fmt::format("symbol '{}' not found in the program", symbol));
  return it->second;
}

std::uint32_t Emulator::function_address(std::string_view symbol) const {
  for (const Decoded& d : cpu_->code)
    if (d.insn_index == 0 && program_.functions[d.function].name == symbol) return d.pc;
  throw InputError(fmt::format("symbol '{}' not found in the program", symbol));
}

std::uint32_t Emulator::insn_address(std::size_t function, std::size_t insn_index) const {
  PIETUNE_CHECK(function < program_.functions.size()) << "function " << function;
  PIETUNE_CHECK(insn_index <= program_.functions[function].insns.size()) << "instruction " << insn_index;
  std::size_t base = 0;
  for (std::size_t f = 0; f < function; ++f) base += program_.functions[f].insns.size() + 1;
  return cpu_->code[base + insn_index].pc;
}

std::string Emulator::insn_text(std::size_t function, std::size_t insn_index) const {
  PIETUNE_CHECK(function < program_.functions.size()) << "function " << function;
  const model::Function& f = program_.functions[function];
  PIETUNE_CHECK(insn_index < f.insns.size()) << "instruction " << insn_index;
  return format_insn(f, f.insns[insn_index]);
}

RunResult Emulator::call(std::string_view symbol, std::span<const std::uint32_t> args, const RunOptions& options) {
  if (args.size() > 6) throw InputError(fmt::format("call of '{}': {} arguments, at most 6 (a2..a7)", symbol, args.size()));
  Cpu& cpu = *cpu_;
  std::uint32_t entry = kNoIndex;
  for (std::size_t fi = 0, base = 0; fi < program_.functions.size(); ++fi) {
    if (program_.functions[fi].name == symbol) {
      entry = static_cast<std::uint32_t>(base);
      break;
    }
    base += program_.functions[fi].insns.size() + 1;
  }
  if (entry == kNoIndex) throw InputError(fmt::format("symbol '{}' not found in the program", symbol));

  // The host caller's window is window 0: a1 = sp, a8 = return address with CALLINC in bits 31:30,
  // a10..a15 = the arguments (the callee's a2..a7 after its entry rotates the window by 8).
  MachineState& st = cpu.st;
  st.window_base = 0;
  st.window_start = 1;  // the host's frame
  cpu.host_frame_spilled = false;
  cpu.window_overflows = 0;
  cpu.window_underflows = 0;
  cpu.update_free_quads();
  st.ar(0) = 0;
  st.ar(1) = options.stack_top;
  st.ar(8) = (kCallinc8 << 30) | (kHostReturnPc & 0x3FFFFFFFu);
  st.ar(9) = options.stack_top;
  for (std::size_t i = 0; i < 6; ++i) st.ar(static_cast<int>(10 + i)) = i < args.size() ? args[i] : 0;
  st.callinc = kCallinc8;
  cpu.lend_index = cpu.index_of_pc(st.lend);
  cpu.lbeg_index = cpu.index_of_pc(st.lbeg);
  cpu.next = entry;
  cpu.jumped = false;
  cpu.stop = false;
  cpu.tracing = static_cast<bool>(options.trace);
  cpu.access_count = 0;
  st.pc = cpu.code[entry].pc;

  RunResult result;
  result.instructions = cpu.tracing ? run_loop<true>(cpu, options.max_instructions, &options.trace)
                                    : run_loop<false>(cpu, options.max_instructions, nullptr);
  st.pc = kHostReturnPc;
  result.return_value = st.ar(10);
  result.window_overflows = cpu.window_overflows;
  result.window_underflows = cpu.window_underflows;
  return result;
}

}  // namespace pietune::emu
