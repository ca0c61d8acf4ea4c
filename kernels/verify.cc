// Emulated run of a generated kernel against the reference op, bit for bit.
#include "kernels/verify.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "emu_bridge/emulator.h"
#include "emu_bridge/timed_run.h"
#include "kernels/emu_layout.h"
#include "kernels/layout_order.h"
#include "kernels/reference/run_layer.h"
#include "kernels/reference/tensor.h"
#include "model/support/error.h"
#include "model/timing/machine.h"

namespace pietune::kernels {
namespace {

constexpr std::uint32_t kSramDataLimit = 448u << 10;  // the last 32 KB of SRAM hold the stack
constexpr std::uint32_t kGuardBytes = 16;
constexpr std::uint8_t kGuardByte = 0xA5;

std::uint32_t align_up(std::uint32_t value, std::uint32_t step) { return (value + step - 1) / step * step; }

std::vector<std::uint8_t> random_int8(std::mt19937_64& rng, std::int64_t count, std::int64_t zero_point) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
  std::uniform_int_distribution<int> value(-128, 127);
  std::uniform_int_distribution<int> kind(0, 15);
  for (auto& b : bytes) {
    const int k = kind(rng);
    int v = value(rng);
    if (k == 0) v = -128;
    if (k == 1) v = 127;
    if (k == 2) v = static_cast<int>(zero_point);
    b = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
  }
  return bytes;
}

void set_data(TensorDesc& t, std::vector<std::uint8_t> bytes) {
  t.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
}

}  // namespace

Layer with_random_constants(const Layer& layer, std::uint64_t seed) {
  Layer out = layer;
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 0x5eed);
  if (out.weights && !out.weights->data && out.weights->type == ElementType::kInt8) {
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(out.weights->element_count()));
    std::uniform_int_distribution<int> value(-127, 127);
    std::uniform_int_distribution<int> kind(0, 9);
    for (auto& b : bytes) {
      const int k = kind(rng);
      const int v = k == 0 ? -127 : k == 1 ? 127 : value(rng);
      b = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
    }
    set_data(*out.weights, std::move(bytes));
  }
  if (out.bias && !out.bias->data && out.bias->type == ElementType::kInt32) {
    std::vector<std::uint8_t> bytes;
    std::uniform_int_distribution<std::int32_t> value(-(1 << 16), 1 << 16);
    for (std::int64_t i = 0; i < out.bias->element_count(); ++i) {
      const auto v = static_cast<std::uint32_t>(value(rng));
      for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
    }
    set_data(*out.bias, std::move(bytes));
  }
  for (TensorDesc& t : out.inputs)  // a constant operand of ADD/MUL
    if (t.constant && !t.data && t.type == ElementType::kInt8)
      set_data(t, random_int8(rng, t.element_count(), t.quant ? t.quant->zero_point() : 0));
  return out;
}

void require_legal(const Layer& layer, const Variant& variant) {
  const FamilySpec* family = find_family(variant.family);
  PIETUNE_CHECK(family) << variant.family;
  if (family->op != layer.op)
    throw InputError(fmt::format("{}: family {} is for {}, the layer is {}", variant.name(), family->name,
                                 to_string(family->op), to_string(layer.op)));
  if (std::optional<Rejection> r = check_legal(*family, layer, variant))
    throw InputError(fmt::format("{}: not legal for this layer: {}: {}", variant.name(), r->rule, r->reason));
}

Verdict verify_variant(const Layer& layer, const Variant& variant, const VerifyOptions& options) {
  require_legal(layer, variant);
  const FamilySpec* family = find_family(variant.family);
  Verdict v = verify_kernel(layer, family->generate(layer, variant), options);
  v.variant = variant.name();
  return v;
}

Verdict verify_kernel(const Layer& layer, const GeneratedKernel& kernel, const VerifyOptions& options) {
  PIETUNE_CHECK(kernel.input_overread_bytes <= 64) << kernel.input_overread_bytes;
  Verdict verdict;
  verdict.variant = kernel.symbol.starts_with("pietune_") ? kernel.symbol.substr(8) : kernel.symbol;
  emu::Emulator emulator(kernel.program);
  emu::Memory& memory = emulator.memory();

  // The kernel's arguments: a2 and, for two activation inputs, a5 (kernel_argument_inputs).
  const std::vector<std::size_t> arguments = kernel_argument_inputs(layer);
  const TensorDesc& out_desc = layer.output();
  const auto out_bytes = static_cast<std::uint32_t>(out_desc.size_bytes());
  static constexpr std::uint32_t kOffsets[] = {0, 3, 7, 13, 1, 9, 15, 5};

  // all_in_sram: one bump allocator over SRAM below the stack; else constants in flash, the input
  // and output in PSRAM, the scratch in SRAM when it fits.
  std::uint32_t sram_next = kSramScratchAddr;
  const auto sram_alloc = [&](std::uint64_t bytes) {
    const std::uint32_t at = sram_next;
    const std::uint64_t end = std::uint64_t{at} + bytes + 64;
    if (end > emu::kSramBase + kSramDataLimit)
      throw InputError(fmt::format("{}: the kernel's buffers do not fit the {} bytes of SRAM set aside for them",
                                   verdict.variant, kSramDataLimit));
    sram_next = align_up(static_cast<std::uint32_t>(end), 16);
    return at;
  };
  std::vector<std::uint32_t> call_block;
  std::uint32_t flash = emu::kFlashBase;
  for (const ConstantBuffer& c : kernel.constants) {
    const std::uint32_t at = options.all_in_sram ? sram_alloc(c.bytes.size()) : flash;
    memory.load(at, c.bytes);
    call_block.push_back(at);
    if (!options.all_in_sram) flash = align_up(flash + static_cast<std::uint32_t>(c.bytes.size()) + 64, 16);
  }
  std::uint32_t scratch = 0;
  if (kernel.scratch_bytes > 0) {
    if (options.all_in_sram)
      scratch = sram_alloc(kernel.scratch_bytes);
    else
      scratch = kernel.scratch_bytes <= kSramScratchLimit ? kSramScratchAddr : kPsramScratchAddr;
  }
  call_block.push_back(scratch);
  std::vector<std::uint8_t> block_bytes;
  for (std::uint32_t w : call_block)
    for (int k = 0; k < 4; ++k) block_bytes.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  memory.load(kCallBlockAddr, block_bytes);
  std::vector<std::uint32_t> in_bases;
  std::uint32_t psram_next = emu::kPsramBase + 64;
  for (std::size_t i : arguments) {
    const auto bytes = static_cast<std::uint32_t>(layer.inputs[i].size_bytes());
    in_bases.push_back(options.all_in_sram ? sram_alloc(bytes + 16) : psram_next);
    psram_next = align_up(psram_next + 16 + bytes + 64, 16);
  }
  const std::uint32_t out_base = options.all_in_sram ? sram_alloc(out_bytes + 2 * kGuardBytes + 16) : psram_next;

  for (int c = 0; c < options.cases; ++c) {
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(c) * 0xD1B54A32D192ED03ull);
    const std::uint32_t out_offset = kernel.output_align_bytes == 1 ? kOffsets[(c + 3) % 8] : 0;
    const std::uint32_t out_addr = out_base + kGuardBytes + out_offset;

    // Every layer input as the reference takes it: random bytes for the arguments (placed at
    // alignments that differ per case and per argument), the constant data for the others.
    std::vector<reference::Tensor> in_tensors;
    std::vector<std::uint32_t> in_addrs;
    for (std::size_t i = 0; i < layer.inputs.size(); ++i) {
      const TensorDesc& desc = layer.inputs[i];
      const auto arg = std::find(arguments.begin(), arguments.end(), i);
      if (arg == arguments.end()) {
        PIETUNE_CHECK(desc.data) << "input " << i << " is constant without data";
        in_tensors.push_back(reference::Tensor::from_bytes(desc.type, desc.shape, *desc.data, "constant input"));
        continue;
      }
      const auto a = static_cast<std::size_t>(arg - arguments.begin());
      const std::int64_t zp = desc.quant ? desc.quant->zero_point() : 0;
      const std::vector<std::uint8_t> bytes = random_int8(rng, desc.size_bytes(), zp);
      const std::uint32_t offset = kernel.input_align_bytes == 1 ? kOffsets[(c + 5 * a) % 8] : 0;
      in_addrs.push_back(in_bases[a] + offset);
      memory.load(in_addrs.back(), nhwc_to_layout(bytes, desc.shape, kernel.layout));
      in_tensors.push_back(reference::Tensor::from_bytes(ElementType::kInt8, desc.shape, bytes, "input"));
    }
    std::vector<std::uint8_t> fill(out_bytes + 2 * kGuardBytes, kGuardByte);
    for (std::uint32_t i = 0; i < out_bytes; ++i) fill[kGuardBytes + i] = static_cast<std::uint8_t>(0x5A + 37 * c + i);
    memory.load(out_addr - kGuardBytes, fill);

    try {
      std::vector<std::uint32_t> args = {in_addrs.at(0), out_addr, kCallBlockAddr};
      if (in_addrs.size() > 1) args.push_back(in_addrs[1]);
      if (options.time_last_case && c == options.cases - 1) {
        const emu::TimedRun timed = emu::run_timed(emulator, model::default_machine(), kernel.symbol, args);
        verdict.instructions = timed.run.instructions;
        verdict.detailed_cycles = timed.cost.cycles;
      } else {
        verdict.instructions = emulator.call(kernel.symbol, args).instructions;
      }
    } catch (const emu::EmuFault& fault) {
      verdict.fault = fault.what();
      break;
    }
    ++verdict.cases;

    const std::vector<reference::Tensor> expected = reference::run_layer(layer, in_tensors);
    const std::span<const std::int8_t> want = expected.at(0).int8();
    std::vector<std::uint8_t> got = memory.dump(out_addr - kGuardBytes, out_bytes + 2 * kGuardBytes);
    const std::span<std::uint8_t> got_output(got.data() + kGuardBytes, out_bytes);
    const std::vector<std::uint8_t> got_nhwc = layout_to_nhwc(got_output, out_desc.shape, kernel.layout);
    std::copy(got_nhwc.begin(), got_nhwc.end(), got_output.begin());
    for (std::uint32_t i = 0; i < kGuardBytes; ++i) {
      verdict.guard_writes += got[i] != kGuardByte;
      verdict.guard_writes += got[kGuardBytes + out_bytes + i] != kGuardByte;
    }
    const std::int64_t channels = out_desc.shape.empty() ? 1 : out_desc.shape.back();
    for (std::uint32_t i = 0; i < out_bytes; ++i) {
      const int actual = static_cast<std::int8_t>(got[kGuardBytes + i]);
      const int wanted = want[i];
      ++verdict.outputs;
      if (actual == wanted) continue;
      ++verdict.mismatches;
      verdict.max_abs_diff = std::max(verdict.max_abs_diff, std::abs(actual - wanted));
      if (!verdict.first) {
        Mismatch m{.case_index = c, .expected = wanted, .actual = actual};
        m.c = i % channels;
        std::int64_t rest = i / channels;
        if (out_desc.shape.size() == 4) {
          m.x = rest % out_desc.shape[2];
          rest /= out_desc.shape[2];
          m.y = rest % out_desc.shape[1];
          rest /= out_desc.shape[1];
        }
        m.n = rest;
        verdict.first = m;
      }
    }
  }
  return verdict;
}

}  // namespace pietune::kernels
