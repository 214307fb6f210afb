/* Thumb-1 (ARMv5TE) instruction formats, hand-written because gcc rarely emits
   some of them. Flag-setting ops are tiny Thumb functions called from an ARM
   wrapper that sets NZCV with MSR before and reads it with MRS after (Thumb-1
   has neither, and BX/BLX leave the flags alone). */
	.syntax unified
	.text

	.arm
/* u32 thumb_call(fn, a, b, nzcv_in_top_bits); thumb_flags_out = CPSR after */
	.global	thumb_call
thumb_call:
	push	{r4, lr}
	mov	r12, r0
	mov	r0, r1
	mov	r1, r2
	msr	cpsr_f, r3
	blx	r12
	mrs	r1, cpsr
	ldr	r2, =thumb_flags_out
	str	r1, [r2]
	pop	{r4, pc}
	.ltorg

	.thumb
	.macro	TF name, body:vararg
	.pushsection .rodata.ttab, "a"
	.word	t_\name
	.popsection
	.thumb_func
t_\name:
	\body
	bx	lr
	.endm

	.pushsection .rodata.ttab, "a"
	.balign	4
	.global	thumb_fns
thumb_fns:
	.popsection

	/* format 4: ALU operations, register-register (indices 0-15) */
	TF	and, ands r0, r1
	TF	eor, eors r0, r1
	TF	lsl, lsls r0, r1
	TF	lsr, lsrs r0, r1
	TF	asr, asrs r0, r1
	TF	adc, adcs r0, r1
	TF	sbc, sbcs r0, r1
	TF	ror, rors r0, r1
	TF	tst, tst r0, r1
	TF	neg, negs r0, r1
	TF	cmp, cmp r0, r1
	TF	cmn, cmn r0, r1
	TF	orr, orrs r0, r1
	TF	mul, muls r0, r1, r0
	TF	bic, bics r0, r1
	TF	mvn, mvns r0, r1
	/* format 1: shifts by immediate (16-21) */
	TF	lsl0, lsls r0, r1, #0
	TF	lsl5, lsls r0, r1, #5
	TF	lsr1, lsrs r0, r1, #1
	TF	lsr32, lsrs r0, r1, #32
	TF	asr7, asrs r0, r1, #7
	TF	asr32, asrs r0, r1, #32
	/* format 2: add/sub register and 3-bit immediate (22-25) */
	TF	addr, adds r0, r0, r1
	TF	subr, subs r0, r0, r1
	TF	addi3, adds r0, r1, #7
	TF	subi3, subs r0, r1, #3
	/* format 3: 8-bit immediate (26-29) */
	TF	movi8, movs r0, #200
	TF	cmpi8, cmp r0, #200
	TF	addi8, adds r0, #255
	TF	subi8, subs r0, #1
	/* format 5: hi-register add/cmp/mov, no flags except cmp (30-32) */
	.macro	HI name, op, hr
	.pushsection .rodata.ttab, "a"
	.word	t_\name
	.popsection
	.thumb_func
t_\name:
	mov	r2, \hr			@ r8/r9 are callee-saved
	mov	\hr, r1
	.ifc	\op, mov
	mov	r0, \hr
	.else
	\op	r0, \hr
	.endif
	mov	\hr, r2
	bx	lr
	.endm
	HI	addhi, add, r8
	HI	cmphi, cmp, r8
	HI	movhi, mov, r9

	.pushsection .rodata.ttab, "a"
	.word	0
	.popsection

/* u32 thumb_cond(void) (flags set by thumb_call): format 16 conditional
   branches and format 18 B; bit i set when condition i is taken. Accumulates
   in hi registers, whose ADD does not touch the flags. */
	.thumb_func
	.global	t_cond
t_cond:
	mov	r2, r8
	mov	r3, r9
	mov	r8, r0				@ r0 = 0
	mov	r9, r1				@ r1 = 1
	.irp	cc, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le
	b\cc	1f
	b	2f
1:	add	r8, r9
2:	add	r9, r9
	.endr
	mov	r0, r8
	mov	r8, r2
	mov	r9, r3
	bx	lr

/* void thumb_mem(u8 *buf, u32 *out): formats 6-15 and 19; every loaded value
   goes to out[] in order with STMIA (format 15). */
	.thumb_func
	.global	thumb_mem
thumb_mem:
	push	{r4-r7, lr}			@ format 14
	ldr	r2, [r0, #4]			@ 9: word, immediate offset
	ldrb	r3, [r0, #5]			@ 9: byte
	ldrh	r4, [r0, #6]			@ 10: halfword
	stmia	r1!, {r2-r4}
	movs	r7, #8
	ldr	r2, [r0, r7]			@ 7: register offset
	ldrb	r3, [r0, r7]
	ldrh	r4, [r0, r7]			@ 8
	ldrsb	r5, [r0, r7]
	adds	r7, #2
	ldrsh	r6, [r0, r7]
	stmia	r1!, {r2-r6}
	ldr	r2, 1f				@ 6: pc-relative
	adr	r3, 1f				@ 12: address from pc
	ldr	r3, [r3]
	stmia	r1!, {r2, r3}
	sub	sp, #16				@ 13
	str	r2, [sp, #8]			@ 11: sp-relative
	ldr	r4, [sp, #8]
	add	r5, sp, #8			@ 12: address from sp
	ldr	r5, [r5]
	add	sp, #16
	stmia	r1!, {r4, r5}
	ldr	r2, =0xa1b2c3d4
	str	r2, [r0, #16]			@ 9: stores
	strb	r2, [r0, #21]
	strh	r2, [r0, #26]			@ 10
	movs	r7, #28
	str	r2, [r0, r7]			@ 7
	adds	r7, #5
	strb	r2, [r0, r7]
	adds	r7, #3
	strh	r2, [r0, r7]			@ 8
	adds	r0, #40
	ldmia	r0!, {r2-r4}			@ 15
	stmia	r1!, {r2-r4}
	push	{r2, r3}			@ 14
	pop	{r4, r5}
	subs	r4, r4, r5
	bl	2f				@ 19: BL pair
	stmia	r1!, {r4}
	pop	{r4-r7, pc}
2:	adds	r4, #1
	bx	lr
	.balign	4
1:	.word	0x13579bdf
	.ltorg
