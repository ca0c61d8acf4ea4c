// The check both epilogue tests (rqvec, rqpix) make: each output against the TFLite reference
// requantization of its accumulator, output i on channel i % (number of multipliers).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/reference/channel_quantization.h"
#include "kernels/reference/requantize.h"

namespace pietune::kernels::testing {

// Reports the first three differences as test failures; returns how many outputs differ.
int requant_mismatches(const std::vector<std::int64_t>& accs, const std::vector<std::int8_t>& got,
                       const reference::ChannelQuantization& qz);

}  // namespace pietune::kernels::testing
