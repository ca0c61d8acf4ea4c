// Staging an NHWC image into a scratch buffer bordered with the input zero point: how the ACCX and
// QACC families handle out-of-image taps exactly as the reference does. The reference skips a tap
// outside the image, which is the same as reading a pixel equal to the zero point (its term
// w * (zp - zp) is 0). The kernels accumulate raw input values and add the correction
// -zp * Σ(all taps) w per output channel (folded into the bias at emit time); a border pixel then
// contributes w * zp - w * zp = 0, exactly like a skipped tap.
//
// Scratch layout: pixel (py, px) of the padded image at scratch + (py * padded_w + px) *
// pixel_stride; input pixel (y, x) lands at (y + top, x + left), its channels in the first
// `channels * replicate` bytes (each input byte written `replicate` times in a row: the depthwise
// depth multiplier); every other byte (border, channel padding, tail slack) holds the zero point.
#pragma once

#include <cstdint>

#include "kernels/codegen/emit.h"

namespace pietune::kernels::codegen {

struct StageGeometry {
  int height = 0, width = 0, channels = 0;  // the input image (one batch)
  int top = 0, left = 0;                    // border before the image
  int padded_height = 0, padded_width = 0;  // image plus border on both sides
  int pixel_stride = 0;                     // bytes per scratch pixel, >= channels * replicate
  int tail_bytes = 0;                       // zero-point bytes after the last pixel (read slack)
  int replicate = 1;                        // copies of each input byte

  // Scratch bytes, rounded up to 16.
  std::int64_t bytes() const;
};

struct StageRegs {
  int src = 2;  // the input pixels, advanced past the image (height * width * channels bytes)
  int dst = 9;  // the scratch base (16-byte aligned); clobbered
  int value = 13, row_count = 11, pixel_count = 12, count = 10, tmp = 8;  // clobbered; q7 too
  int zp_slot = 0;  // a frame slot the broadcast zero point goes through
};

// Copy: when the channels are a multiple of 16, written once and packed (pixel_stride ==
// channels), every image row is W * C contiguous bytes landing at a 16-byte aligned scratch
// address and is copied 16 bytes at a time from any input alignment (EE.LD.128.USAR.IP, then
// EE.VLD.128.IP + EE.SRC.Q.QUP + EE.VST.128.IP per chunk); this reads the aligned block after a
// row, up to 16 bytes past the input (stage_overread_bytes). Otherwise byte by byte (l8ui/s8i).
void emit_stage_input(FunctionBuilder& b, const StageGeometry& g, std::int32_t zero_point, const StageRegs& r);

// Whether the copy runs 16 bytes at a time, and the input bytes it may read past the image (16 or 0).
bool stage_copies_vectors(const StageGeometry& g);
std::uint32_t stage_overread_bytes(const StageGeometry& g);

}  // namespace pietune::kernels::codegen
