# Interlock anchors measured on silicon by dj-oyu/esp32s3-hw-mcp (facts §5.4, HW-T): each pair of
# functions runs the same instruction classes 2000 times, once with the consumer reading the
# producer's result at distance 1 ("dep") and once without ("indep"); the difference divided by
# 2000 is the stall per iteration. a2 and a3 point at a scratch buffer in SRAM.

    .section .iram1.anchors,"ax"  # HW-T ran this code from IRAM (0x4037xxxx)
    .align 4
    .global l32i_add_dep
    .type l32i_add_dep, @function
l32i_add_dep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Ll32i_dep_end  # trips=2000
    l32i a4, a2, 0
    add a5, a4, a4
.Ll32i_dep_end:
    retw.n
    .size l32i_add_dep, .-l32i_add_dep

    .align 4
    .global l32i_add_indep
    .type l32i_add_indep, @function
l32i_add_indep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Ll32i_indep_end  # trips=2000
    l32i a4, a2, 0
    add a5, a7, a7
.Ll32i_indep_end:
    retw.n
    .size l32i_add_indep, .-l32i_add_indep

    .align 4
    .global ldqr_andq_dep
    .type ldqr_andq_dep, @function
ldqr_andq_dep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Lldqr_dep_end  # trips=2000
    ld.qr q1, a2, 0
    ee.andq q2, q1, q1
.Lldqr_dep_end:
    retw.n
    .size ldqr_andq_dep, .-ldqr_andq_dep

    .align 4
    .global ldqr_andq_indep
    .type ldqr_andq_indep, @function
ldqr_andq_indep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Lldqr_indep_end  # trips=2000
    ld.qr q1, a2, 0
    ee.andq q2, q3, q3
.Lldqr_indep_end:
    retw.n
    .size ldqr_andq_indep, .-ldqr_andq_indep

    .align 4
    .global ldqr_stqr_dep
    .type ldqr_stqr_dep, @function
ldqr_stqr_dep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Lldst_dep_end  # trips=2000
    ld.qr q1, a2, 0
    st.qr q1, a3, 0
.Lldst_dep_end:
    retw.n
    .size ldqr_stqr_dep, .-ldqr_stqr_dep

    .align 4
    .global ldqr_stqr_indep
    .type ldqr_stqr_indep, @function
ldqr_stqr_indep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Lldst_indep_end  # trips=2000
    ld.qr q1, a2, 0
    st.qr q3, a3, 0
.Lldst_indep_end:
    retw.n
    .size ldqr_stqr_indep, .-ldqr_stqr_indep

    .align 4
    .global ldaccx_staccx_dep
    .type ldaccx_staccx_dep, @function
ldaccx_staccx_dep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Laccx_dep_end  # trips=2000
    ee.ld.accx.ip a2, 0
    ee.st.accx.ip a3, 0
.Laccx_dep_end:
    retw.n
    .size ldaccx_staccx_dep, .-ldaccx_staccx_dep

    .align 4
    .global ldaccx_staccx_indep
    .type ldaccx_staccx_indep, @function
# Same classes (a G0 load, a G0 store) with a store that reads QACC_L instead of ACCX.
ldaccx_staccx_indep:
    entry a1, 32
    movi a6, 2000
    loop a6, .Laccx_indep_end  # trips=2000
    ee.ld.accx.ip a2, 0
    ee.st.qacc_l.l.128.ip a3, 0
.Laccx_indep_end:
    retw.n
    .size ldaccx_staccx_indep, .-ldaccx_staccx_indep

    .align 4
    .global vmulas_srcmb
    .type vmulas_srcmb, @function
# VMULAS.U16.ACCX then SRCMB.S16.QACC: no data dependency, shared 40-bit adders.
vmulas_srcmb:
    entry a1, 32
    movi a6, 2000
    movi a7, 0
    loop a6, .Lsrcmb_end  # trips=2000
    ee.vmulas.u16.accx q1, q2
    ee.srcmb.s16.qacc q3, a7, 0
.Lsrcmb_end:
    retw.n
    .size vmulas_srcmb, .-vmulas_srcmb

    .align 4
    .global vmulas_andq
    .type vmulas_andq, @function
vmulas_andq:
    entry a1, 32
    movi a6, 2000
    loop a6, .Landq_end  # trips=2000
    ee.vmulas.u16.accx q1, q2
    ee.andq q3, q4, q4
.Landq_end:
    retw.n
    .size vmulas_andq, .-vmulas_andq
