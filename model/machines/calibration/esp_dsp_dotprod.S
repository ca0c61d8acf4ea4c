# Image dot products after esp-dsp's dspi_dotprod_s8_aes3 / dspi_dotprod_s16_aes3 (facts §8, §5.5;
# benchmark in s3_microbench_public.md §1D): our own kernels following the published structure.
#
#   esp_err_t dspi_dotprod_s8(image2d_t* in_image a2, image2d_t* filter a3, int8_t* out_value a4,
#                             int count_x a5, int count_y a6, int shift a7)   (s16: int16_t*)
#   image2d_t: +0 data, +4 step_x, +8 step_y, +12 stride_x (row pitch, elements), +16 stride_y
#
# Vector path only for step 1 on both images, count_x a multiple of 16 bytes, count_y >= 4 and the
# further size/stride checks (window inside both images, filter dense and 16-byte aligned);
# anything else goes to esp-dsp's ANSI code, which these kernels do not model (they return 1).
# ACCX is zeroed with WUR; the in_image goes through the unaligned funnel: EE.LD.128.USAR latches
# SAR_BYTE for each row and the .QUP of every MAC shifts the next window into place; rows change
# by .XP steps; the filter streams with EE.VLD.128.IP, each vector loaded two instructions before
# its MAC (the stall-free xt-xcc schedule). Final rounding (acc + 2^(shift-1)) >> shift.
# Two row widths, the ones the benchmark uses:
#   16 bytes per row: 3 instructions per row (filter load, MAC, funnel load), 4 rows per iteration;
#   64 bytes per row: 9 per row (4 filter loads, 4 MACs, one funnel load), 2 rows per iteration.
# Both read up to two rows and 64 bytes past the in_image window and 16 bytes past the filter.

    .section .iram1.esp_dsp,"ax"  # esp-dsp's benchmark app links libesp-dsp.a to IRAM (test/linker.lf: noflash)
    .align 4
    .global dspi_dotprod_s8
    .type dspi_dotprod_s8, @function
dspi_dotprod_s8:
    entry a1, 32
    # Window inside both images: step * count <= stride.
    l32i a8, a2, 4
    l32i a9, a2, 12
    mull a10, a8, a5
    blt a9, a10, .Ls8_ansi
    l32i a8, a2, 8
    l32i a9, a2, 16
    mull a10, a8, a6
    blt a9, a10, .Ls8_ansi
    l32i a8, a3, 4
    l32i a9, a3, 12
    mull a10, a8, a5
    blt a9, a10, .Ls8_ansi
    l32i a8, a3, 8
    l32i a9, a3, 16
    mull a10, a8, a6
    blt a9, a10, .Ls8_ansi
    # Filter 16-byte aligned and dense, unit steps, count_x % 16 == 0, count_y >= 4.
    l32i a9, a3, 0
    extui a10, a9, 0, 4
    bnez a10, .Ls8_ansi
    l32i a10, a3, 12
    bne a10, a5, .Ls8_ansi
    l32i a10, a3, 4
    bnei a10, 1, .Ls8_ansi
    l32i a10, a3, 8
    bnei a10, 1, .Ls8_ansi
    l32i a10, a2, 4
    bnei a10, 1, .Ls8_ansi
    l32i a10, a2, 8
    bnei a10, 1, .Ls8_ansi
    extui a10, a5, 0, 4
    bnez a10, .Ls8_ansi
    blti a6, 4, .Ls8_ansi
    # a8 = in_image data, a9 = filter data, a12 = in_image row pitch in bytes.
    l32i a8, a2, 0
    l32i a12, a2, 12
    movi a10, 0
    wur.accx_0 a10
    wur.accx_1 a10
    ee.vld.128.ip q0, a9, 16
    beqi a5, 16, .Ls8_w16
    bnei a5, 64, .Ls8_ansi

    # 64 bytes per row. Row start: q2 = window 0, q3 = chunk 1, q4 = chunk 2, a8 -> chunk 3.
    addi a13, a12, -64
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.ip q3, a8, 16
    ee.vld.128.ip q4, a8, 16
    ee.src.q q2, q2, q3
    srli a11, a6, 1
    loopgtz a11, .Ls8_w64_end  # trips=32
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q5, a8, 16, q0, q2, q3, q4
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.xp.qup q2, a8, a13, q1, q3, q4, q5
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q3, a8, 16, q0, q4, q5, q2
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q4, a8, 16, q1, q5, q3, q2
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q5, a8, 16, q0, q3, q2, q4
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.xp.qup q3, a8, a13, q1, q2, q4, q5
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q2, a8, 16, q0, q4, q5, q3
    ee.ld.128.usar.ip q3, a8, 16
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q4, a8, 16, q1, q5, q2, q3
.Ls8_w64_end:
    j .Ls8_round

    # 16 bytes per row. Row start: q2 = window r, q3/q4 = chunks 0/1 of row r + 1, SAR_BYTE for
    # row r + 1, a8 -> row r + 2.
.Ls8_w16:
    addi a13, a12, -16
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.xp q4, a8, a13
    ee.vld.128.ip q3, a8, 16
    ee.src.q q2, q2, q4
    ee.ld.128.usar.xp q4, a8, a13
    srli a11, a6, 2
    loopgtz a11, .Ls8_w16_end  # trips=4
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q5, a8, 16, q0, q2, q3, q4
    ee.ld.128.usar.xp q2, a8, a13
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q4, a8, 16, q1, q3, q5, q2
    ee.ld.128.usar.xp q3, a8, a13
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q2, a8, 16, q0, q5, q4, q3
    ee.ld.128.usar.xp q5, a8, a13
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s8.accx.ld.ip.qup q3, a8, 16, q1, q4, q2, q5
    ee.ld.128.usar.xp q4, a8, a13
.Ls8_w16_end:

.Ls8_round:
    rur.accx_0 a10
    addi a11, a7, -1
    movi a12, 1
    ssl a11
    sll a12, a12
    add a10, a10, a12
    ssr a7
    sra a10, a10
    s8i a10, a4, 0
    movi a2, 0
    retw.n
.Ls8_ansi:
    movi a2, 1
    retw.n
    .size dspi_dotprod_s8, .-dspi_dotprod_s8

# The same for int16 elements: count_x % 8 == 0; rows of 8 (16 bytes) or 32 (64 bytes) elements.
    .align 4
    .global dspi_dotprod_s16
    .type dspi_dotprod_s16, @function
dspi_dotprod_s16:
    entry a1, 32
    l32i a8, a2, 4
    l32i a9, a2, 12
    mull a10, a8, a5
    blt a9, a10, .Ls16_ansi
    l32i a8, a2, 8
    l32i a9, a2, 16
    mull a10, a8, a6
    blt a9, a10, .Ls16_ansi
    l32i a8, a3, 4
    l32i a9, a3, 12
    mull a10, a8, a5
    blt a9, a10, .Ls16_ansi
    l32i a8, a3, 8
    l32i a9, a3, 16
    mull a10, a8, a6
    blt a9, a10, .Ls16_ansi
    l32i a9, a3, 0
    extui a10, a9, 0, 4
    bnez a10, .Ls16_ansi
    l32i a10, a3, 12
    bne a10, a5, .Ls16_ansi
    l32i a10, a3, 4
    bnei a10, 1, .Ls16_ansi
    l32i a10, a3, 8
    bnei a10, 1, .Ls16_ansi
    l32i a10, a2, 4
    bnei a10, 1, .Ls16_ansi
    l32i a10, a2, 8
    bnei a10, 1, .Ls16_ansi
    extui a10, a5, 0, 3
    bnez a10, .Ls16_ansi
    blti a6, 4, .Ls16_ansi
    l32i a8, a2, 0
    l32i a12, a2, 12
    slli a12, a12, 1
    movi a10, 0
    wur.accx_0 a10
    wur.accx_1 a10
    ee.vld.128.ip q0, a9, 16
    beqi a5, 8, .Ls16_w8
    bnei a5, 32, .Ls16_ansi

    addi a13, a12, -64
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.ip q3, a8, 16
    ee.vld.128.ip q4, a8, 16
    ee.src.q q2, q2, q3
    srli a11, a6, 1
    loopgtz a11, .Ls16_w32_end  # trips=16
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q5, a8, 16, q0, q2, q3, q4
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.xp.qup q2, a8, a13, q1, q3, q4, q5
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q3, a8, 16, q0, q4, q5, q2
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q4, a8, 16, q1, q5, q3, q2
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q5, a8, 16, q0, q3, q2, q4
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.xp.qup q3, a8, a13, q1, q2, q4, q5
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q2, a8, 16, q0, q4, q5, q3
    ee.ld.128.usar.ip q3, a8, 16
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q4, a8, 16, q1, q5, q2, q3
.Ls16_w32_end:
    j .Ls16_round

.Ls16_w8:
    addi a13, a12, -16
    ee.ld.128.usar.ip q2, a8, 16
    ee.vld.128.xp q4, a8, a13
    ee.vld.128.ip q3, a8, 16
    ee.src.q q2, q2, q4
    ee.ld.128.usar.xp q4, a8, a13
    srli a11, a6, 2
    loopgtz a11, .Ls16_w8_end  # trips=2
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q5, a8, 16, q0, q2, q3, q4
    ee.ld.128.usar.xp q2, a8, a13
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q4, a8, 16, q1, q3, q5, q2
    ee.ld.128.usar.xp q3, a8, a13
    ee.vld.128.ip q1, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q2, a8, 16, q0, q5, q4, q3
    ee.ld.128.usar.xp q5, a8, a13
    ee.vld.128.ip q0, a9, 16
    ee.vmulas.s16.accx.ld.ip.qup q3, a8, 16, q1, q4, q2, q5
    ee.ld.128.usar.xp q4, a8, a13
.Ls16_w8_end:

.Ls16_round:
    rur.accx_0 a10
    addi a11, a7, -1
    movi a12, 1
    ssl a11
    sll a12, a12
    add a10, a10, a12
    ssr a7
    sra a10, a10
    s16i a10, a4, 0
    movi a2, 0
    retw.n
.Ls16_ansi:
    movi a2, 1
    retw.n
    .size dspi_dotprod_s16, .-dspi_dotprod_s16

# Vector dot product of int16 with ACC rounding, after esp-dsp's dsps_dotprod_s16_ae32 (the ESP32
# MAC16 kernel; dsps_dotprod.h at 108493c maps dsps_dotprod_s16 to it whenever
# dsps_dotprod_s16_ae32_enabled, which the S3 build sets: esp-dsp has no PIE version). Our own code
# following the structure read in espressif/esp-dsp:
#   modules/dotprod/fixed/dsps_dotprod_s16_ae32.S at 7920a1a606b888c2841b8f44df83b2fa9d47816d: the
#     function (entry a1, 16; len < 4 -> ESP_ERR_DSP_INVALID_LENGTH; ACCHI = 0, ACCLO = 0x7fff >> shift
#     via SSR/SRL; a6 = 15 - shift; a7 = len / 4 - 1; a10 = 0 (set, never read); the macro; result =
#     SRC of ACCHI:ACCLO by 15 - shift, stored with S16I; returns 0 = ESP_OK).
#   Its macro file dsps_dotprod_s16_m_ae32.S is not in our store; the macro it calls,
#     `dotprod_s16_ae32_full a2, a3, a7, a5`, is taken from modules/dotprod/fixed/
#     dsls_dotprod_16s_m_ae32.S at d9d6873717f3227f30c41303f81dc3abe7d29ee4 (the same library's
#     earlier name for it, dotprod_16s_ae32_full, same arguments): pointers back by 4, three LDINC
#     (x0x1 -> m0, y0y1 -> m2, x2x3 -> m1), one MULA.DD.LL.LDINC (y2y3 -> m3, x0*y0), a LOOPNEZ of
#     len / 4 - 1 trips over four MULA.DD.*.LDINC (hh m0,m2 / ll m1,m3 / hh m1,m3 / ll m0,m2, each
#     loading the register just consumed), three MULA.DD without loads, then len % 4 by BBCI: bit 1
#     two LDINC + hh + ll of m0,m2, bit 0 two LDINC + ll of m0,m2.
#   Reference C dsps_dotprod_s16_ansi.c: acc (64-bit) = (0x7fff >> shift) + sum src1[i] * src2[i];
#     dest = acc >> (15 - shift) (acc << (shift - 15) above 15), truncated to int16, no saturation.
#   Benchmark arguments (test/prepare_csv_benchmarks.c at 35106fb): len 256, shift 0.
# Bit-exact with the C for shift 0..15 while the sum fits ACC's 40 bits (the kernel's SAR is
# (15 - shift) mod 32, so shifts above 15 differ, as in esp-dsp). The loads read whole words: an odd
# len reads 2 bytes past each vector. 0x7fff and the error code do not fit MOVI: l32r literals.
    .align 4
    .global dsps_dotprod_s16
    .type dsps_dotprod_s16, @function
dsps_dotprod_s16:
    entry a1, 16
    movi a8, 4
    blt a5, a8, .Ldps16_bad_len
    # ACC = 0x7fff >> shift (the rounding term, pre-shifted so the final shift halves it).
    movi a8, 0
    wsr.acchi a8
    movi a8, 0x7fff
    ssr a6
    srl a8, a8
    wsr.acclo a8
    # a6 = 15 - shift, the final right shift; a7 = len / 4 - 1 loop trips.
    neg a6, a6
    addi a6, a6, 15
    srli a7, a5, 2
    addi a7, a7, -1
    movi.n a10, 0
    # Preload: words are fetched with pre-increment, so start one word early.
    addi a2, a2, -4
    addi a3, a3, -4
    ldinc m0, a2
    ldinc m2, a3
    ldinc m1, a2
    mula.dd.ll.ldinc m3, a3, m0, m2
    loopnez a7, .Ldps16_loop_end  # trips=63
    mula.dd.hh.ldinc m0, a2, m0, m2
    mula.dd.ll.ldinc m2, a3, m1, m3
    mula.dd.hh.ldinc m1, a2, m1, m3
    mula.dd.ll.ldinc m3, a3, m0, m2
.Ldps16_loop_end:
    # Drain: the three products still held in m0..m3.
    mula.dd.hh m0, m2
    mula.dd.ll m1, m3
    mula.dd.hh m1, m3
    # len % 4: two more elements, then one.
    bbci a5, 1, .Ldps16_no_pair
    ldinc m0, a2
    ldinc m2, a3
    mula.dd.hh m0, m2
    mula.dd.ll m0, m2
.Ldps16_no_pair:
    bbci a5, 0, .Ldps16_no_single
    ldinc m0, a2
    ldinc m2, a3
    mula.dd.ll m0, m2
.Ldps16_no_single:
    # dest = ACC[39:0] >> (15 - shift), low 16 bits.
    ssr a6
    rsr.acchi a2
    rsr.acclo a3
    src a2, a2, a3
    s16i a2, a4, 0
    movi.n a2, 0
    retw.n
.Ldps16_bad_len:
    movi a2, 0x70001  # ESP_ERR_DSP_INVALID_LENGTH (ESP_ERR_DSP_BASE 0x70000 + 1)
    retw.n
    .size dsps_dotprod_s16, .-dsps_dotprod_s16
