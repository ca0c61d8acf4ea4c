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

    .text
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
