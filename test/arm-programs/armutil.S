/* ARM-state helpers that Thumb-1 code cannot express (no MRS/MSR in Thumb-1). */
	.syntax unified
	.arm
	.text
	.global arm_get_cpsr
	.type arm_get_cpsr, %function
arm_get_cpsr:
	mrs	r0, cpsr
	bx	lr
