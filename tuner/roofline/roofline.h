// The roofline of one variant on one layer: the bounds that limit it, each in cycles, the way
// uiCA and Facile name a loop's bottleneck. A kernel cannot run faster than any of them:
// - mac: the layer's MACs over the MACs of the widest MAC instruction in the variant's program
//   (8 for the 16-bit lanes, 16 for 8-bit QACC or ACCX), one issued per cycle;
// - requant: outputs x the instructions per output of the variant's epilogue, counted from the
//   epilogue's emitter (codegen/epilogue_cost.h; absent for the epilogues it does not cover);
// - data: the layer's input, constant and output bytes moved once at 16 bytes per load or store;
// - memory: the lines of the layer's own bytes that must come from flash or PSRAM at least once
//   (weights, bias and constant operands where the weights live, activations in PSRAM) at the
//   machine's line-fill cost (a variant's padding and tables are its own cost, not the bound's).
// The largest bound names the bottleneck. The S3 issues one instruction per cycle, in order, and
// stalls on a cache miss, so instructions and compulsory line fills cannot overlap: the in-order
// bound max(mac + requant, data) + memory is also a lower bound, the tightest of them, and a
// variant's share is it over the variant's cycles. (MAC and epilogue instructions are distinct;
// loads are not added to them: the dataflows fold their loads into the MACs, EE.*.LD.INCP.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/layer.h"
#include "kernels/registry.h"
#include "model/timing/machine.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {

struct RooflineBound {
  std::string_view name;  // "mac", "requant", "data", "memory"
  double cycles = 0;
};

struct Roofline {
  std::vector<RooflineBound> bounds;  // in the order above; requant only when modelled

  // The largest bound (the bottleneck).
  const RooflineBound& limit() const;
  // max(mac + requant, data) + memory: the in-order bound.
  double in_order() const;
  // in_order / cycles: how close a run of `cycles` comes to it (1 = at the bound).
  double share(double cycles) const;
};

// `kernel` is the variant generated for the layer (any constants: only its opcodes count).
Roofline roofline(const kernels::Layer& layer, const kernels::Variant& variant, const kernels::GeneratedKernel& kernel,
                  const model::Machine& machine, const Placement& placement);

// The variant generated on the layer's shape with random constants, as estimates are.
Roofline roofline(const kernels::Layer& layer, const kernels::Variant& variant, const model::Machine& machine,
                  const Placement& placement);

// {"mac": ..., "requant": ..., "data": ..., "memory": ..., "bottleneck": "...", "in_order": ...,
// "share": ...}.
nlohmann::ordered_json roofline_json(const Roofline& r, double cycles);
// "mac 36864, requant 202752, data 3494, memory 5548 cycles: requant-bound; in order 245164, at
// 70% of it".
std::string roofline_text(const Roofline& r, double cycles);

}  // namespace pietune::tuner
