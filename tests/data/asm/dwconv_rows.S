# dwconv_rows: a depthwise-style 3-tap kernel over rows of 16 channels with QACC lanes, nested as
# a counted row loop around a zero-overhead tap loop, plus a second local helper function.
#   a2 = input, a3 = weights, a4 = output, a5 = rows, a6 = row stride (bytes)
    .text
    .align 16
    .global dwconv_rows
    .type dwconv_rows, @function
dwconv_rows:
    entry a1, 64
    movi.n a8, 3
    movi a11, 0
.Ldw_row:
    mov a9, a2
    mov a10, a3
    ee.zero.qacc
    ee.vld.128.ip q0, a9, 16
    loopnez a8, .Ldw_taps                 # trips=3
    ee.vld.128.ip q1, a10, 16
    ee.vmulas.s8.qacc.ld.ip q0, a9, 16, q0, q1
.Ldw_taps:
    ee.srcmb.s8.qacc q2, a11, 0
    ee.vst.128.ip q2, a4, 16
    add a2, a2, a6
    addi a5, a5, -1
    bnez a5, .Ldw_row                     # trips=24
    retw.n
    .size dwconv_rows, .-dwconv_rows

    .text
    .align 4
    .type dw_helper, @function
dw_helper:
    entry a1, 16
    bbci a2, 0, .Ldw_even
    ee.movi.32.a q3, a2, 3
    j .Ldw_out
.Ldw_even:
    ee.movi.32.q q3, a2, 0
.Ldw_out:
    retw.n
    .size dw_helper, .-dw_helper
