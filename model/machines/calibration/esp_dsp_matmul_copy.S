# Matrix multiply and memory copy after esp-dsp's dspm_mult_s16_aes3 and dsps_memcpy_aes3 (facts
# §8, §5.9; benchmarks in s3_microbench_public.md §1D and §1E): our own kernels following the
# published structure.

# esp_err_t dspm_mult_s16(const int16_t* A a2, const int16_t* B a3, int16_t* C a4, int m a5,
#                         int n a6, int k a7, int shift)   C[m x k] = A[m x n] * B[n x k]
# k % 8 == 0 (else esp-dsp falls back to the ESP32 code, not modelled: returns 1). Per output row
# block of 8 columns: EE.LDQA.U16.128.IP seeds QACC with the rounding constant 0x7fff >> shift,
# EE.VLDBC.16.IP broadcasts the first A element, then a loop of EE.VLD.128.XP (a row of B, stride =
# its pitch) + EE.VMULAS.S16.QACC.LDBC.INCP (which broadcasts the next A element), two per
# iteration with II = 4 and no stall; EE.SRCMB.S16.QACC q, a15, 1 and EE.VST.128.IP write the 8
# results. `shift` is the 7th C argument, on the caller's stack; the calibration harness passes
# a2..a7 only, so it is a constant here (one instruction, as the load would be). Reads one row of
# B and one A element past the end.
    .section .iram1.esp_dsp,"ax"  # esp-dsp's benchmark app links libesp-dsp.a to IRAM (test/linker.lf: noflash)
    .align 4
    .global dspm_mult_s16
    .type dspm_mult_s16, @function
dspm_mult_s16:
    entry a1, 48
    extui a8, a7, 0, 3
    bnez a8, .Lmult_fallback
    movi a8, 0
    # Rounding constant in 8 lanes of a 16-byte frame slot; SRCMB shift 15 - shift.
    movi a9, -1
    extui a9, a9, 0, 15
    ssr a8
    srl a9, a9
    s16i a9, a1, 16
    addi a10, a1, 16
    ee.vldbc.16 q7, a10
    ee.vst.128.ip q7, a10, 0
    movi a15, 15
    sub a15, a15, a8
    slli a12, a7, 1
    srli a13, a7, 3
    srli a14, a6, 1
    slli a6, a6, 1
.Lmult_row:
    mov a11, a3
    mov a7, a13
.Lmult_block:
    ee.ldqa.u16.128.ip a10, 0
    mov a8, a2
    mov a9, a11
    ee.vldbc.16.ip q0, a8, 2
    ee.vld.128.xp q1, a9, a12
    loopgtz a14, .Lmult_inner_end  # trips=8
    ee.vld.128.xp q2, a9, a12
    ee.vmulas.s16.qacc.ldbc.incp q3, a8, q0, q1
    ee.vld.128.xp q1, a9, a12
    ee.vmulas.s16.qacc.ldbc.incp q0, a8, q3, q2
.Lmult_inner_end:
    ee.srcmb.s16.qacc q4, a15, 1
    ee.vst.128.ip q4, a4, 16
    addi a11, a11, 16
    addi a7, a7, -1
    bnez a7, .Lmult_block  # trips=2
    add a2, a2, a6
    addi a5, a5, -1
    bnez a5, .Lmult_row  # trips=16
    movi a2, 0
    retw.n
.Lmult_fallback:
    movi a2, 1
    retw.n
    .size dspm_mult_s16, .-dspm_mult_s16

# void* dsps_memcpy(void* dest a2, const void* src a3, size_t len a4)
# A scalar prologue copies bytes until the destination is 16-byte aligned; with the source then
# aligned too, 32 bytes per LOOPNEZ iteration (2 EE.VLD.128.IP + 2 EE.VST.128.IP, the loads first
# so the stores do not wait); the tails of 16, 8, 4, 2 and 1 bytes are chosen by BBCI on the bits
# of the length. (The unaligned-source path, a 3-way EE.SRC.Q.LD.IP rotation, is not modelled:
# it returns 0.) X51's app links esp-dsp as an ordinary component: its code runs from flash.
    .text
    .align 4
    .global dsps_memcpy
    .type dsps_memcpy, @function
dsps_memcpy:
    entry a1, 32
    mov a5, a2
    neg a6, a2
    extui a6, a6, 0, 4
    sub a4, a4, a6
    loopnez a6, .Lmemcpy_align_end  # trips=0
    l8ui a7, a3, 0
    addi a3, a3, 1
    s8i a7, a2, 0
    addi a2, a2, 1
.Lmemcpy_align_end:
    extui a7, a3, 0, 4
    bnez a7, .Lmemcpy_unaligned
    srli a8, a4, 5
    loopnez a8, .Lmemcpy_32_end  # trips=3200
    ee.vld.128.ip q0, a3, 16
    ee.vld.128.ip q1, a3, 16
    ee.vst.128.ip q0, a2, 16
    ee.vst.128.ip q1, a2, 16
.Lmemcpy_32_end:
    bbci a4, 4, .Lmemcpy_8
    ee.vld.128.ip q0, a3, 16
    ee.vst.128.ip q0, a2, 16
.Lmemcpy_8:
    bbci a4, 3, .Lmemcpy_4
    l32i a7, a3, 0
    l32i a8, a3, 4
    s32i a7, a2, 0
    s32i a8, a2, 4
    addi a3, a3, 8
    addi a2, a2, 8
.Lmemcpy_4:
    bbci a4, 2, .Lmemcpy_2
    l32i a7, a3, 0
    addi a3, a3, 4
    s32i a7, a2, 0
    addi a2, a2, 4
.Lmemcpy_2:
    bbci a4, 1, .Lmemcpy_1
    l16ui a7, a3, 0
    addi a3, a3, 2
    s16i a7, a2, 0
    addi a2, a2, 2
.Lmemcpy_1:
    bbci a4, 0, .Lmemcpy_done
    l8ui a7, a3, 0
    s8i a7, a2, 0
.Lmemcpy_done:
    mov a2, a5
    retw.n
.Lmemcpy_unaligned:
    movi a2, 0
    retw.n
    .size dsps_memcpy, .-dsps_memcpy
