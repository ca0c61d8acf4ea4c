// Epilogue instruction counts (see the header).
#include "kernels/codegen/epilogue_cost.h"

#include <functional>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_pix.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/requant_srcmb.h"
#include "kernels/codegen/requant_vector.h"

namespace pietune::kernels::codegen {
namespace {

// Instructions `emit` writes into an empty function.
double count(const std::function<void(FunctionBuilder&)>& emit) {
  FunctionBuilder b("epilogue_probe");
  emit(b);
  return static_cast<double>(std::move(b).finish().insns.size());
}

}  // namespace

std::optional<double> epilogue_instructions_per_output(std::string_view epilogue,
                                                       const reference::ChannelQuantization& q, bool pixel_lanes) {
  if (epilogue == "rqscalar") return count([&](FunctionBuilder& b) { emit_requant_scalar(b, RequantRegs{}, 0, q); });
  if (epilogue == "rqvec") return count([&](FunctionBuilder& b) { emit_rqvec_epilogue(b, pixel_lanes ? 1 : rqvec_slots(q), RqvecRegs{}); }) / 8;
  if (epilogue == "rqpix")
    return count([&](FunctionBuilder& b) {
             emit_rqpix_epilogue(b, RqpixRegs{.left_record = rqpix_left_shifts(q) ? 5 : -1});
           }) / 8;
  if (epilogue == "srcmb") return count([&](FunctionBuilder& b) { emit_srcmb_epilogue(b, q, 12, 13, 14); }) / 16;
  return std::nullopt;
}

}  // namespace pietune::kernels::codegen
