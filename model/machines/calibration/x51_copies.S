# Memory-copy micro-kernels following project-x51/esp32-s3-memorycopy's PIE loops (facts §5.5,
# s3_microbench_public.md §1E): a2 = source, a3 = destination, a4 = bytes (a multiple of 32).

    .section .iram1.x51,"ax"  # X51 timed this code in IRAM (s3_microbench_public.md 1E)
    .align 4
    .global copy_pie_16
    .type copy_pie_16, @function
# One 16-byte load and one store per iteration.
copy_pie_16:
    entry a1, 32
    srli a4, a4, 4
    loopnez a4, .Lcopy16_end  # trips=6400
    ee.vld.128.ip q0, a2, 16
    ee.vst.128.ip q0, a3, 16
.Lcopy16_end:
    retw.n
    .size copy_pie_16, .-copy_pie_16

    .align 4
    .global copy_pie_32
    .type copy_pie_32, @function
# Two loads then two stores per iteration: the second load hides the first load's latency.
copy_pie_32:
    entry a1, 32
    srli a4, a4, 5
    loopnez a4, .Lcopy32_end  # trips=3200
    ee.vld.128.ip q0, a2, 16
    ee.vld.128.ip q1, a2, 16
    ee.vst.128.ip q0, a3, 16
    ee.vst.128.ip q1, a3, 16
.Lcopy32_end:
    retw.n
    .size copy_pie_32, .-copy_pie_32
