// FULLY_CONNECTED family "fc_qacc": output units in the QACC lanes, each input element broadcast
// to every lane (name fc_qs8_qacc_1p<U>c_u<N>__pie_<path>_<epilogue>).
//
// Per input row and group of units: EE.ZERO.QACC; for every input element one broadcast load
// (EE.VLDBC.8/16.IP), one 16-byte load of the group's weights for that element (EE.VLD.128.IP)
// and one EE.VMULAS.*.QACC; then each lane is read with RUR.QACC_* and requantized by the scalar
// epilogue (rqscalar) or, on the 16-bit lanes, 8 at a time by the vectorised exact epilogue
// (rqvec, codegen/requant_vector.h; the bias is then preloaded into QACC). Where fc_accx reduces
// over the depth inside ACCX (one dot product per unit), this family keeps a whole group of units in flight and reads each input element once per group.
// Input paths:
//   bcast8   16 units in 20-bit lanes; raw input bytes broadcast in place (any alignment); the
//            bias is folded with Σw * (-input_zp). Legal only while no lane can saturate.
//   bcast16  8 units in 40-bit lanes; each input row is first widened into an int16 scratch row
//            with the input offset added, the weights are int16: no lane range to respect.
// Legality rules: types, weights_zero_point, shift_range, units_lanes (bcast8 takes 16 units per
// group, bcast16 8), unroll (at most the depth), qacc_lane_range (bcast8: per unit over the depth
// products, from the weights), acc_range (bcast16: |Σ (x + offset) w| must fit int32); rqvec adds
// rqvec_lanes (bcast16 only), rqvec_shift, rqvec_multiplier and rqvec_acc_range.
// Constants: [0] weights [groups][depth][units per group] (int8 for bcast8, int16 for bcast16),
// [1] requant table (rqscalar), or per group the bias as a QACC image and the epilogue's block
// (rqvec: digits, per-shift slots), [2] the rqvec vectors. Scratch: the int16 row (bcast16), then
// a QACC save area (rqvec).
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

inline constexpr ParamValue kFcQaccUnits[] = {number_value(8), number_value(16)};
inline constexpr ParamValue kFcQaccPaths[] = {word_value("bcast8"), word_value("bcast16")};

inline constexpr ParamSpec kFcQaccParams[] = {
    {.name = "rows", .role = ParamRole::kTile, .suffix = "p", .domain = kOne, .meaning = "input rows per pass"},
    {.name = "units", .role = ParamRole::kTile, .suffix = "c", .domain = kFcQaccUnits,
     .meaning = "output units per QACC group: 16 (8-bit lanes) or 8 (16-bit lanes)"},
    {.name = "unroll", .role = ParamRole::kUnroll, .suffix = "", .domain = kUnrolls,
     .meaning = "input elements per inner-loop iteration"},
    {.name = "inputpath", .role = ParamRole::kInputPath, .suffix = "", .domain = kFcQaccPaths,
     .meaning = "bcast8: raw bytes broadcast in place; bcast16: rows widened to int16 with the offset"},
    {.name = "epilogue", .role = ParamRole::kEpilogue, .suffix = "", .domain = kVectorEpilogues,
     .meaning = kVectorEpilogueMeaning},
};

std::optional<Rejection> fc_qacc_legal(const Layer& layer, const Variant& variant);
GeneratedKernel fc_qacc_generate(const Layer& layer, const Variant& variant);

}  // namespace pietune::kernels::families
