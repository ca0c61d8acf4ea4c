// The family rows. This array is the only list of variant families (STYLE §3): enumeration,
// verification, the CLI, tests and benchmarks iterate it.
#include "kernels/registry.h"

#include "kernels/families/conv_accx.h"

namespace pietune::kernels {
namespace {

using namespace families;

constexpr FamilySpec kFamilies[] = {
    {.name = "conv_accx",
     .op = OpKind::kConv2d,
     .version = 1,
     .prefix = "conv_qs8_accx",
     .summary = "ACCX dot product over the input channels of the window, one output pixel and channel at a time",
     .params = kConvAccxParams,
     .candidates = nullptr,
     .legal = &conv_accx_legal,
     .generate = &conv_accx_generate},
};

}  // namespace

std::span<const FamilySpec> all_families() { return kFamilies; }

const FamilySpec* find_family(std::string_view name) {
  for (const FamilySpec& f : kFamilies)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace pietune::kernels
