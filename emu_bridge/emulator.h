// Emulator: runs a model::Program on the S3 architectural state, entering a function the way a C
// caller's call8 would, with an optional per-instruction trace hook for the timing model.
//
//   Emulator emu(program);
//   emu.memory().load(0x3FC90000, input_bytes);
//   RunResult r = emu.call("pietune_dot", {0x3FC90000, 0x3FC90100, 64});
//   // r.return_value is the callee's a2 at retw; emu.state() holds everything else.
//
// Code layout: the literal pool (if any) at kCodeBase (IRAM), then the functions in program order,
// each aligned to its align_bytes; an instruction's pc advances by its size. Data sections
// (.rodata* in flash, .data*/.bss*/.dram* in SRAM) are placed and loaded into memory at
// construction (data_layout.h); l32r's literal is resolved then. Calls: the host plays the caller.
// Its window has a1 = stack pointer (RunOptions::stack_top, in SRAM), a8 = the return address
// with CALLINC 2 in bits 31:30, a10..a15 = the arguments, PS.CALLINC = 2. The callee's
// `entry as, N` writes the caller's a1 - N into the new a1 and rotates the window by 8, so the
// callee sees the arguments in a2..a7; its `retw`/`retw.n` rotates back to the host, which ends
// the run. Calls inside the program (call0/4/8/12 to a function, callx* to an address, ret, jx)
// follow the ISA on 64 physical registers with WindowStart: a chain deeper than they hold raises
// window overflows (and its returns underflows), performed as ESP-IDF's handlers do
// (semantics/windows.cc) and reported per instruction in the trace. Zero-overhead loops follow the ISA (facts §5.6): LOOP/LOOPNEZ/LOOPGTZ set LBEG, LEND
// and LCOUNT = count - 1 (LOOPNEZ skips the body for 0, LOOPGTZ for <= 0); when execution falls
// through to LEND with LCOUNT != 0, LCOUNT is decremented and execution continues at LBEG; a
// taken branch or jump to LEND does not loop back.
//
// Errors are EmuFault (an InputError) carrying a Fault: an access outside mapped memory, a store
// to flash, the instruction limit, a return with no caller, an entry with no call, running past
// the end of a function, a loop whose end is out of the LOOP encoding's reach, a division by zero
// (the IntegerDivideByZero exception on silicon). Message examples:
//   "pc 0x4037800c (ee.vld.128.ip q0, a2, 16): load of 16 bytes at 0x00001230: outside mapped memory"
//   "instruction limit 1000 reached at pc 0x40378012 (ee.vld.128.ip q0, a2, 16)"
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emu_bridge/machine_state.h"
#include "emu_bridge/memory_map.h"
#include "model/ir/program.h"
#include "model/support/error.h"

namespace pietune::emu {

inline constexpr std::uint32_t kCodeBase = 0x40378000;
// Default stack top: the end of internal SRAM. Keep data below it (the callee's frame grows down).
inline constexpr std::uint32_t kDefaultStackTop = kSramBase + kSramSizeBytes;

enum class FaultKind : std::uint8_t {
  kUnmappedAccess,     // load or store outside mapped memory, or a store to flash
  kInstructionLimit,   // RunOptions::max_instructions executed without returning
  kUnsupported,        // an opcode without semantics (never happens for table rows)
  kNoCaller,           // retw with no caller window (a0[31:30] == 0)
  kBadReturn,          // retw to an address that is not an instruction of the program
  kNoCall,             // entry reached without a windowed call (PS.CALLINC == 0)
  kRanOffEnd,          // execution ran past the last instruction of a function
  kLoopRange,          // LOOP* end label outside the encodable range (body > 256 bytes or backwards)
  kDivideByZero,       // QUOS/QUOU/REMS/REMU with a zero divisor (IntegerDivideByZero on silicon)
  kBadTarget,          // CALLX/JX/RET to an address that is not an instruction of the program
};

struct Fault {
  FaultKind kind = FaultKind::kUnmappedAccess;
  std::uint32_t pc = 0;
  std::string text;  // the instruction: mnemonic and operands, e.g. "ee.vld.128.ip q0, a2, 16"
  std::optional<std::uint32_t> address;  // data address of a faulting access
};

class EmuFault : public InputError {
 public:
  EmuFault(Fault fault, const std::string& message) : InputError(message), fault_(std::move(fault)) {}
  const Fault& fault() const { return fault_; }

 private:
  Fault fault_;
};

// One data access of an executed instruction (after PIE address masking).
struct MemAccess {
  std::uint32_t address = 0;
  std::uint8_t bytes = 0;
  bool store = false;
  Region region = Region::kInternalSram;
};

// What the trace hook sees per executed instruction.
struct TraceEvent {
  std::uint32_t pc = 0;
  model::Opcode opcode{};
  std::uint32_t function = 0;    // index into Program::functions
  std::uint32_t insn_index = 0;  // index into Function::insns
  std::span<const MemAccess> accesses;
  bool branch_taken = false;  // a branch, jump or loop-skip went to its label (also retw)
  bool loop_back = false;     // the zero-overhead loop went back to LBEG after this instruction
  // A call, or a return to a caller inside the program (not the host's call and its return).
  bool call_flow = false;
  // Window exceptions this instruction raised: overflow4, overflow8, overflow12, underflow4,
  // underflow8, underflow12 (each spilled or restored one frame before the instruction ran).
  std::array<std::uint8_t, 6> window_exceptions{};
};
using TraceHook = std::function<void(const TraceEvent&)>;

struct RunOptions {
  std::uint64_t max_instructions = 200'000'000;
  TraceHook trace;  // empty: no tracing, and no cost for it
  std::uint32_t stack_top = kDefaultStackTop;
};

struct RunResult {
  std::uint64_t instructions = 0;  // executed, entry and retw included
  std::uint32_t return_value = 0;  // the callee's a2 at its return
  std::uint64_t window_overflows = 0;   // window overflow exceptions raised (frames spilled)
  std::uint64_t window_underflows = 0;  // window underflow exceptions raised (frames restored)
};

struct Cpu;

class Emulator {
 public:
  // Lays out and predecodes the program (which the emulator copies). Throws InputError for a
  // program that cannot be laid out (an unbound label, an empty function name clash).
  explicit Emulator(const model::Program& program);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Enters `symbol` like a call8 from C with up to six arguments (the callee's a2..a7) and runs
  // until it returns. The state (registers, PIE state, memory) persists between calls; the
  // window is reset so the host caller's window is window 0. Throws InputError for an unknown
  // symbol or more than six arguments, EmuFault for a fault during the run.
  RunResult call(std::string_view symbol, std::span<const std::uint32_t> args, const RunOptions& options = {});
  RunResult call(std::string_view symbol, std::initializer_list<std::uint32_t> args, const RunOptions& options = {}) {
    return call(symbol, std::span<const std::uint32_t>(args.begin(), args.size()), options);
  }

  MachineState& state();
  const MachineState& state() const;
  Memory& memory();
  const Memory& memory() const;
  const model::Program& program() const { return program_; }

  // Address of a function's first instruction / of one instruction; text of an instruction.
  std::uint32_t function_address(std::string_view symbol) const;
  // Address of any symbol: a function or a data label (.rodata/.data/.bss/.dram*, literals); the
  // placement rules are in data_layout.h. Throws InputError for an unknown name.
  std::uint32_t symbol_address(std::string_view symbol) const;
  std::uint32_t insn_address(std::size_t function, std::size_t insn_index) const;
  std::string insn_text(std::size_t function, std::size_t insn_index) const;

 private:
  model::Program program_;
  std::unique_ptr<Cpu> cpu_;
  std::unordered_map<std::string, std::uint32_t> symbols_;
};

// "ee.vld.128.ip q0, a2, 16": mnemonic and operands in assembler order (labels by name).
std::string format_insn(const model::Function& function, const model::Insn& insn);

}  // namespace pietune::emu
