/* FIQ for fiq.c: the handler lives in FIQ mode's banked r8-r12 (timer base, count, the
   address of the results, a marker) and touches no other register. */
	.syntax unified
	.arm
	.text
	.global	fiq_setup		@ r0 = timer base, r1 = &fiq_results
	.type	fiq_setup, %function
fiq_setup:
	mrs	r3, cpsr
	msr	cpsr_c, #0xd1		@ FIQ mode, I and F masked
	mov	r8, r0
	mov	r9, #0
	mov	r10, r1
	ldr	r11, =0x11111111
	mov	r12, #0
	msr	cpsr_c, r3
	bx	lr

	.global	fiq_handler
	.type	fiq_handler, %function
fiq_handler:
	str	r9, [r8, #0x0c]		@ TimerIntClr
	add	r9, r9, #1
	str	r9, [r10]		@ results[0] = count
	mrs	r12, spsr
	str	r12, [r10, #4]		@ results[1] = spsr
	mrs	r12, cpsr
	str	r12, [r10, #8]		@ results[2] = cpsr
	cmp	r9, #5
	moveq	r12, #0
	streq	r12, [r8, #0x08]	@ the 5th: stop the timer
	subs	pc, lr, #4

	.global	fiq_wait		@ r0 = &count, r1 = n: spin with markers in r8-r12;
	.type	fiq_wait, %function	@ returns a bit per marker register that changed
fiq_wait:
	push	{r4-r11, lr}
	ldr	r8, =0xa8a8a8a8
	ldr	r9, =0xa9a9a9a9
	ldr	r10, =0xaaaaaaaa
	ldr	r11, =0xabababab
	ldr	r12, =0xacacacac
1:	ldr	r2, [r0]
	add	r8, r8, #0		@ use the registers while waiting
	orr	r9, r9, r9
	cmp	r2, r1
	blo	1b
	mov	r0, #0
	ldr	r2, =0xa8a8a8a8
	cmp	r8, r2
	orrne	r0, r0, #1
	ldr	r2, =0xa9a9a9a9
	cmp	r9, r2
	orrne	r0, r0, #2
	ldr	r2, =0xaaaaaaaa
	cmp	r10, r2
	orrne	r0, r0, #4
	ldr	r2, =0xabababab
	cmp	r11, r2
	orrne	r0, r0, #8
	ldr	r2, =0xacacacac
	cmp	r12, r2
	orrne	r0, r0, #16
	pop	{r4-r11, pc}

	.global	fiq_regs		@ r0 = u32 out[5]: FIQ mode's r8-r12
	.type	fiq_regs, %function
fiq_regs:
	mrs	r3, cpsr
	msr	cpsr_c, #0xd1
	stmia	r0, {r8-r12}
	msr	cpsr_c, r3
	bx	lr

	.global	set_cpsr_c		@ r0 = the new control byte
	.type	set_cpsr_c, %function
set_cpsr_c:
	msr	cpsr_c, r0
	bx	lr
	.ltorg
