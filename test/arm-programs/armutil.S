/* ARM-state helpers that Thumb-1 code cannot express (no MRS/MSR in Thumb-1). */
	.syntax unified
	.arm
	.text
	.global arm_get_cpsr
	.type arm_get_cpsr, %function
arm_get_cpsr:
	mrs	r0, cpsr
	bx	lr

	.global arm_icache_inval
	.type arm_icache_inval, %function
arm_icache_inval:
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		@ invalidate entire I-cache
	bx	lr
