/* The IRQ vector for softint.c: a nesting-capable handler. It saves lr_irq and spsr_irq on
   the IRQ stack, then calls irq_c(spsr) in System mode (so that a nested IRQ, if irq_c
   unmasks them, cannot clobber the return address), and returns with subs pc, lr, #4. */
	.syntax unified
	.arm
	.text
	.global	irq_handler
	.type	irq_handler, %function
irq_handler:
	stmfd	sp!, {r0-r3, r12, lr}	@ IRQ stack
	mrs	r0, spsr
	stmfd	sp!, {r0, r1}		@ spsr (and a pad word: 8-byte alignment)
	msr	cpsr_c, #0xdf		@ System mode, I and F masked
	stmfd	sp!, {r1, lr}		@ System mode's lr (and a pad word)
	ldr	r3, =irq_c
	blx	r3
	ldmfd	sp!, {r1, lr}
	msr	cpsr_c, #0xd2		@ back to IRQ mode, I masked
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r0
	ldmfd	sp!, {r0-r3, r12, lr}
	subs	pc, lr, #4

	.global	irq_unmask		@ clear CPSR.I (in whatever mode)
	.type	irq_unmask, %function
irq_unmask:
	mrs	r0, cpsr
	bic	r0, r0, #0x80
	msr	cpsr_c, r0
	bx	lr

	.global	irq_mask		@ set CPSR.I
	.type	irq_mask, %function
irq_mask:
	mrs	r0, cpsr
	orr	r0, r0, #0x80
	msr	cpsr_c, r0
	bx	lr
	.ltorg
