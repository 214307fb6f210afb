/* The IRQ vector for irq.c: a plain (non-nesting) handler that calls irq_c(spsr, cpsr)
   and returns with subs pc, lr, #4; and the CPSR I-bit helpers C cannot write in Thumb. */
	.syntax unified
	.arm
	.text
	.global	irq_handler
	.type	irq_handler, %function
irq_handler:
	stmfd	sp!, {r0-r3, r12, lr}	@ 24 bytes: the stack stays 8-byte aligned
	mrs	r0, spsr
	mrs	r1, cpsr
	ldr	r3, =irq_c
	blx	r3			@ irq_c may be Thumb
	ldmfd	sp!, {r0-r3, r12, lr}
	subs	pc, lr, #4

	.global	irq_unmask
	.type	irq_unmask, %function
irq_unmask:				@ clear CPSR.I
	mrs	r0, cpsr
	bic	r0, r0, #0x80
	msr	cpsr_c, r0
	bx	lr

	.global	irq_mask
	.type	irq_mask, %function
irq_mask:				@ set CPSR.I
	mrs	r0, cpsr
	orr	r0, r0, #0x80
	msr	cpsr_c, r0
	bx	lr
	.ltorg
