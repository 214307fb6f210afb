/* One tiny function per (opcode, S bit, shifter form) for dp.c: each loads
   operands from io[0..3] (Rn, Rm, Rs, NZCV in), runs exactly one data-processing
   instruction and stores io[4] = Rd (preset by the caller) and io[5] = CPSR.
   dptab (rodata) lists {descriptor, function} in generation order. */
	.syntax unified
	.arm
	.text

	.macro INSN op, kind, s, opnd:vararg
	.if \kind == 1
	\op	r1, \opnd			@ tst/teq/cmp/cmn
	.elseif \kind == 2
	.if \s
	\op\()s	r0, \opnd			@ mov/mvn
	.else
	\op	r0, \opnd
	.endif
	.else
	.if \s
	\op\()s	r0, r1, \opnd
	.else
	\op	r0, r1, \opnd
	.endif
	.endif
	.endm

	/* The immediates cover rotate 0 (C unchanged) and rotate != 0 (C = bit 31). */
	.macro FORM op, kind, s, n
	.if \n == 0
	INSN \op, \kind, \s, #1
	.elseif \n == 1
	INSN \op, \kind, \s, #0xff000000
	.elseif \n == 2
	INSN \op, \kind, \s, #0x80000000
	.elseif \n == 3
	INSN \op, \kind, \s, #0xf000000f
	.elseif \n == 4
	INSN \op, \kind, \s, #0x3fc00
	.elseif \n == 5
	INSN \op, \kind, \s, r2
	.elseif \n == 6
	INSN \op, \kind, \s, r2, lsl #1
	.elseif \n == 7
	INSN \op, \kind, \s, r2, lsl #31
	.elseif \n == 8
	INSN \op, \kind, \s, r2, lsr #1
	.elseif \n == 9
	INSN \op, \kind, \s, r2, lsr #32
	.elseif \n == 10
	INSN \op, \kind, \s, r2, asr #1
	.elseif \n == 11
	INSN \op, \kind, \s, r2, asr #32
	.elseif \n == 12
	INSN \op, \kind, \s, r2, ror #1
	.elseif \n == 13
	INSN \op, \kind, \s, r2, ror #31
	.elseif \n == 14
	INSN \op, \kind, \s, r2, rrx
	.elseif \n == 15
	INSN \op, \kind, \s, r2, lsl r3
	.elseif \n == 16
	INSN \op, \kind, \s, r2, lsr r3
	.elseif \n == 17
	INSN \op, \kind, \s, r2, asr r3
	.else
	INSN \op, \kind, \s, r2, ror r3
	.endif
	.endm

	.macro FN op, opnum, kind, s, n
	.pushsection .rodata.dptab, "a"
	.word	(\opnum << 16) | (\s << 8) | \n, t_\op\()_\s\()_\n
	.popsection
t_\op\()_\s\()_\n:
	push	{r4, lr}
	mov	r12, r0
	ldr	r4, [r12, #12]
	msr	cpsr_f, r4
	ldr	r0, [r12, #16]
	ldr	r1, [r12]
	ldr	r2, [r12, #4]
	ldr	r3, [r12, #8]
	FORM	\op, \kind, \s, \n
	mrs	r4, cpsr
	str	r0, [r12, #16]
	str	r4, [r12, #20]
	pop	{r4, pc}
	.endm

	.macro GEN op, opnum, kind
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18
	FN	\op, \opnum, \kind, 1, \n
	.endr
	.if \kind != 1
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18
	FN	\op, \opnum, \kind, 0, \n
	.endr
	.endif
	.endm

	.pushsection .rodata.dptab, "a"
	.global	dptab
	.balign	4
dptab:
	.popsection

	GEN and, 0, 0
	GEN eor, 1, 0
	GEN sub, 2, 0
	GEN rsb, 3, 0
	GEN add, 4, 0
	GEN adc, 5, 0
	GEN sbc, 6, 0
	GEN rsc, 7, 0
	GEN tst, 8, 1
	GEN teq, 9, 1
	GEN cmp, 10, 1
	GEN cmn, 11, 1
	GEN orr, 12, 0
	GEN mov, 13, 2
	GEN bic, 14, 0
	GEN mvn, 15, 2

	.pushsection .rodata.dptab, "a"
	.word	0xffffffff, 0		@ end marker
	.popsection

/* Rn = pc reads the instruction's address + 8, also with a shifted Rm. */
	.global	dp_pc_reads
dp_pc_reads:
	adr	r1, 1f
1:	add	r2, pc, #0
	sub	r0, r2, r1		@ 8
	mov	r3, #4
2:	add	r2, pc, r3, lsl #2	@ pc + 8 + 16
	adr	r1, 2b
	sub	r2, r2, r1
	add	r0, r0, r2, lsl #8	@ 0x1808
	bx	lr
