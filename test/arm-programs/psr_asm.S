/* MRS/MSR on CPSR and SPSR and banked registers across all privileged modes.
   Interrupts stay masked (0xc0) in every mode we switch to. */
	.syntax unified
	.arm
	.text

/* void banked_regs(u32 out[]) (r0 is the pointer: r12 is banked in FIQ mode): per mode (FIQ IRQ ABT UND SYS): out = sp, then lr
   and spsr written with a per-mode marker and read back after visiting all
   other modes. FIQ's r8-r12 are checked against SVC's. */
	.global	banked_regs
banked_regs:
	push	{r4-r11, lr}
	mov	r8, #0x80
	mov	r9, #0x90
	mov	r10, #0xa0
	mov	r11, #0xb0
	mov	r3, #0x100			@ marker
	.irp	mode, 0xd1, 0xd2, 0xd7, 0xdb, 0xdf
	msr	cpsr_c, #\mode
	str	sp, [r0], #4
	mov	lr, r3
	add	r3, r3, #1
	.if	\mode != 0xdf			@ System mode has no SPSR
	mov	r2, r3, lsl #28
	orr	r2, r2, #0x10
	msr	spsr_fsxc, r2
	.endif
	.if	\mode == 0xd1
	mov	r8, #0x18			@ FIQ's own r8-r11
	mov	r9, #0x19
	mov	r10, #0x1a
	mov	r11, #0x1b
	.endif
	.endr
	msr	cpsr_c, #0xd3
	.irp	mode, 0xd1, 0xd2, 0xd7, 0xdb, 0xdf
	msr	cpsr_c, #\mode
	str	lr, [r0], #4
	.if	\mode != 0xdf
	mrs	r2, spsr
	str	r2, [r0], #4
	.endif
	.if	\mode == 0xd1
	add	r2, r8, r9
	add	r2, r2, r10
	add	r2, r2, r11
	str	r2, [r0], #4
	.endif
	.endr
	msr	cpsr_c, #0xdf			@ give System its lr back (sp untouched)
	mov	lr, #0
	msr	cpsr_c, #0xd3
	add	r2, r8, r9
	add	r2, r2, r10
	add	r2, r2, r11
	str	r2, [r0], #4
	pop	{r4-r11, pc}

/* u32 msr_forms(u32 out[]): MSR immediate and register forms, field masks. */
	.global	msr_forms
msr_forms:
	msr	cpsr_f, #0xf0000000
	mrs	r1, cpsr
	str	r1, [r0]
	msr	cpsr_f, #0x08000000		@ Q only; NZCV cleared
	mrs	r1, cpsr
	str	r1, [r0, #4]
	mov	r2, #0x50000000
	msr	cpsr_f, r2
	mrs	r1, cpsr
	str	r1, [r0, #8]
	mrs	r3, spsr			@ SVC's SPSR
	mov	r2, #0xa0000000
	orr	r2, r2, #0xd3
	msr	spsr_fc, r2
	mrs	r1, spsr
	str	r1, [r0, #12]
	mov	r2, #0x00000010			@ flags field only: control bits stay
	msr	spsr_f, r2
	mrs	r1, spsr
	str	r1, [r0, #16]
	msr	spsr_c, #0x1f
	mrs	r1, spsr
	str	r1, [r0, #20]
	msr	spsr_fsxc, r3
	/* cpsr_c with a register operand: switch to ABT and back */
	mrs	r3, cpsr
	bic	r2, r3, #0x1f
	orr	r2, r2, #0x17
	msr	cpsr_c, r2
	mrs	r1, cpsr
	msr	cpsr_c, r3
	str	r1, [r0, #24]
	msr	cpsr_f, #0
	bx	lr
