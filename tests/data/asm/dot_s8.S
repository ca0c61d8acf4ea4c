# dot_s8: int8 dot product with the ACCX accumulator (the `pietune emu` example and CLI test kernel).
#   a2 = x, a3 = w (16-byte aligned), a4 = n bytes (a multiple of 16), a5 = where to store the
#   int32 result; returns the result in a2.
    .text
    .align 4
    .global dot_s8
    .type dot_s8, @function
dot_s8:
    entry a1, 32
    ee.zero.accx
    srli a4, a4, 4                      # 16 products per iteration
    loopgtz a4, .Ldot_s8_end
    ee.vld.128.ip q0, a2, 16
    ee.vld.128.ip q1, a3, 16
    ee.vmulas.s8.accx q0, q1
.Ldot_s8_end:
    rur.accx_0 a2
    s32i a2, a5, 0
    retw.n
    .size dot_s8, .-dot_s8
