// The shared epilogue check (see the header).
#include "tests/kernels/requant_check_helpers.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace pietune::kernels::testing {

int requant_mismatches(const std::vector<std::int64_t>& accs, const std::vector<std::int8_t>& got,
                       const reference::ChannelQuantization& qz) {
  int mismatches = 0;
  for (std::size_t i = 0; i < accs.size(); ++i) {
    const reference::QuantizedMultiplier& m = qz.multipliers[i % qz.multipliers.size()];
    const std::int32_t scaled =
        reference::multiply_by_quantized_multiplier(static_cast<std::int32_t>(accs[i]), m, reference::RoundingMode::kDouble);
    const int want = std::clamp(scaled + qz.output_offset, qz.act_min, qz.act_max);
    if (got[i] != want && ++mismatches <= 3)
      ADD_FAILURE() << "x " << accs[i] << " M " << m.multiplier << " shift " << m.shift << " zp " << qz.output_offset
                    << ": expected " << want << ", got " << int{got[i]};
  }
  return mismatches;
}

}  // namespace pietune::kernels::testing
