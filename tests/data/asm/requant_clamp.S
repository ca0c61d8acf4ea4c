/*
 * requant_clamp: hand-written scalar requantisation epilogue in the style of esp-nn's S3 files,
 * exercising what hand-written sources contain: mixed-case mnemonics, tabs, .set constants,
 * hex and negative immediates, a counted branch loop, forward branches and ';' separators.
 *   a2 = int32 accumulators, a3 = int8 output, a4 = count, a5 = multiplier, a6 = shift
 */
	.section .iram1.text, "ax"
	.literal_position
	.set	ACT_MIN, -128
	.set	ACT_MAX, 127
	.set	OUT_ZP, 0x5
	.p2align 2
	.globl	requant_clamp
	.type	requant_clamp,@function
requant_clamp:
	ENTRY	sp, 48
	beqz	a4, .Lrq_done                 // nothing to do
	movi	a9, ACT_MIN
	movi	a10, ACT_MAX
	ssr	a6
.Lrq_top:
	L32I	a7, a2, 0
	mulsh	a8, a7, a5 ; mull a7, a7, a5
	src	a7, a8, a7
	addi	a7, a7, OUT_ZP
	max	a7, a7, a9
	min	a7, a7, a10
	s8i	a7, a3, 0
	addi.n	a2, a2, 4
	addi.n	a3, a3, 1
	addi	a4, a4, -1
	bnez	a4, .Lrq_top                  # trips=64
.Lrq_done:
	retw.n
	.size	requant_clamp, .-requant_clamp
