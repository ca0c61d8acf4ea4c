// Roofline bounds of a variant (see the header).
#include "tuner/roofline/roofline.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/codegen/epilogue_cost.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/verify.h"
#include "model/isa/insn_desc.h"
#include "model/support/error.h"

namespace pietune::tuner {
namespace {

constexpr double kVectorBytes = 16;

// MACs of the widest MAC instruction in the program (0 when it has none).
int widest_mac(const kernels::GeneratedKernel& kernel) {
  int widest = 0;
  for (const model::Function& f : kernel.program.functions)
    for (const model::Insn& insn : f.insns) widest = std::max<int>(widest, model::insn_desc(insn.opcode).macs);
  return widest;
}

// The requantization the layer's op takes: convolutions and fully connected layers.
bool requantizes(kernels::OpKind op) {
  return op == kernels::OpKind::kConv2d || op == kernels::OpKind::kDepthwiseConv2d ||
         op == kernels::OpKind::kFullyConnected;
}

bool pixel_lanes(const kernels::Variant& variant) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  return family != nullptr && family->pixel_lanes;
}

double line_fill_cycles(const model::Machine& m, model::MemRegion region) {
  if (region == model::MemRegion::kFlash) return m.flash_line_fill_cycles();
  if (region == model::MemRegion::kPsram) return m.psram_line_fill_cycles();
  return 0;
}

}  // namespace

const RooflineBound& Roofline::limit() const {
  PIETUNE_CHECK(!bounds.empty());
  return *std::max_element(bounds.begin(), bounds.end(),
                           [](const RooflineBound& a, const RooflineBound& b) { return a.cycles < b.cycles; });
}

double Roofline::in_order() const {
  double issue = 0, data = 0, memory = 0;
  for (const RooflineBound& b : bounds) {
    if (b.name == "data") data = b.cycles;
    else if (b.name == "memory") memory = b.cycles;
    else issue += b.cycles;
  }
  return std::max(issue, data) + memory;
}

double Roofline::share(double cycles) const { return cycles > 0 ? in_order() / cycles : 0.0; }

Roofline roofline(const kernels::Layer& layer, const kernels::Variant& variant, const kernels::GeneratedKernel& kernel,
                  const model::Machine& machine, const Placement& placement) {
  Roofline r;
  const double macs = static_cast<double>(layer.macs());
  const int widest = widest_mac(kernel);
  r.bounds.push_back({"mac", widest > 0 ? macs / widest : 0.0});
  const double outputs = static_cast<double>(layer.output().element_count());
  if (requantizes(layer.op)) {
    const kernels::reference::ChannelQuantization qz =
        kernels::reference::channel_quantization(layer, kernels::reference::RoundingMode::kDouble);
    const std::optional<double> per_output =
        kernels::codegen::epilogue_instructions_per_output(variant.word("epilogue"), qz, pixel_lanes(variant));
    if (per_output) r.bounds.push_back({"requant", outputs * *per_output});
  }
  // The bytes the layer itself must move: its activations and its constants (weights, bias,
  // constant operands), whatever the variant adds to them (padding, tables).
  const double activation_bytes = static_cast<double>(layer.activation_bytes());
  const double output_bytes = static_cast<double>(layer.output().size_bytes());
  const double constant_bytes = static_cast<double>(layer.weight_bytes());
  r.bounds.push_back({"data", std::ceil((activation_bytes - output_bytes + constant_bytes) / kVectorBytes) +
                                  std::ceil(output_bytes / kVectorBytes)});
  const double line = machine.dcache_line_bytes;
  const double memory = std::ceil(constant_bytes / line) * line_fill_cycles(machine, placement.weights) +
                        std::ceil(activation_bytes / line) * line_fill_cycles(machine, placement.activations);
  r.bounds.push_back({"memory", memory});
  return r;
}

Roofline roofline(const kernels::Layer& layer, const kernels::Variant& variant, const model::Machine& machine,
                  const Placement& placement) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  PIETUNE_CHECK(family != nullptr) << variant.family;
  const kernels::GeneratedKernel kernel = family->generate(kernels::with_random_constants(layer, 1), variant);
  return roofline(layer, variant, kernel, machine, placement);
}

nlohmann::ordered_json roofline_json(const Roofline& r, double cycles) {
  nlohmann::ordered_json j;
  for (const RooflineBound& b : r.bounds) j[std::string(b.name)] = b.cycles;
  j["bottleneck"] = std::string(r.limit().name);
  j["in_order"] = r.in_order();
  j["share"] = r.share(cycles);
  return j;
}

std::string roofline_text(const Roofline& r, double cycles) {
  std::string text;
  for (const RooflineBound& b : r.bounds) text += fmt::format("{}{} {:.0f}", text.empty() ? "" : ", ", b.name, b.cycles);
  return fmt::format("{} cycles: {}-bound; in order {:.0f}, at {:.0f}% of it", text, r.limit().name, r.in_order(),
                     100 * r.share(cycles));
}

}  // namespace pietune::tuner
