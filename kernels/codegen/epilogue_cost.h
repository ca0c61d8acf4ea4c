// Instructions per output of each requantization epilogue, counted from the emitters themselves
// (one group emitted into a throwaway function), for the roofline's requantization bound.
#pragma once

#include <optional>
#include <string_view>

#include "kernels/reference/channel_quantization.h"

namespace pietune::kernels::codegen {

// nullopt for an epilogue word this table does not cover (the baselines' esp-nn helpers, pools'
// divisions and clamps, element-wise tables). pixel_lanes: the lanes hold pixels of one channel,
// so rqvec runs one slot (FamilySpec::pixel_lanes).
std::optional<double> epilogue_instructions_per_output(std::string_view epilogue,
                                                       const reference::ChannelQuantization& q, bool pixel_lanes);

}  // namespace pietune::kernels::codegen
