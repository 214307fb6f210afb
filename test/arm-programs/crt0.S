/* Start-up for the bare-metal test programs (ARM state; main may be Thumb).
   qemu -kernel enters _start in SVC mode with IRQ/FIQ masked and the MMU off. */
	.syntax unified
	.arm
	.section .text.start, "ax"
	.global _start
_start:
	/* Banked stacks, each mode its own 1 MiB region so a test that corrupts
	   one mode's sp cannot silently clobber another's. Interrupts stay masked. */
	msr	cpsr_c, #0xd2		@ IRQ
	ldr	sp, =0x07e00000
	msr	cpsr_c, #0xd1		@ FIQ
	ldr	sp, =0x07d00000
	msr	cpsr_c, #0xd7		@ ABT
	ldr	sp, =0x07c00000
	msr	cpsr_c, #0xdb		@ UND
	ldr	sp, =0x07b00000
	msr	cpsr_c, #0xdf		@ SYS (shares USR's r13/r14)
	ldr	sp, =0x07a00000
	msr	cpsr_c, #0xd3		@ back to SVC
	ldr	sp, =0x07f00000

	/* Vectors at 0: low vectors (SCTLR.V=0) are the reset state. Using
	   "ldr pc, [pc, #24]" + an address table means the handlers can live
	   anywhere and tests can retarget a vector by storing one word. */
	mov	r0, #0
	adr	r1, vector_code
	ldmia	r1!, {r2-r9}
	stmia	r0!, {r2-r9}
	ldmia	r1!, {r2-r9}
	stmia	r0!, {r2-r9}

	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	ldr	r3, =main
	blx	r3			@ interworks if main is Thumb
	ldr	r3, =sh_exit
	blx	r3
2:	b	2b

vector_code:
	ldr	pc, [pc, #24]		@ 0x00 reset
	ldr	pc, [pc, #24]		@ 0x04 undefined
	ldr	pc, [pc, #24]		@ 0x08 swi
	ldr	pc, [pc, #24]		@ 0x0c prefetch abort
	ldr	pc, [pc, #24]		@ 0x10 data abort
	ldr	pc, [pc, #24]		@ 0x14 reserved
	ldr	pc, [pc, #24]		@ 0x18 irq
	ldr	pc, [pc, #24]		@ 0x1c fiq
	.word	_start
	.word	undef_handler
	.word	swi_handler
	.word	pabt_handler
	.word	dabt_handler
	.word	reserved_handler
	.word	irq_handler
	.word	fiq_handler

/* Default handlers: any exception a test did not ask for is a failure. Tests
   override these by defining the strong symbol (ARM-state code). */
	.macro	DEFAULT name, num
	.weak	\name
\name:
	mov	r0, #\num
	mov	r1, lr
	mrs	r2, spsr
	b	default_exception
	.endm
	DEFAULT	undef_handler, 1
	DEFAULT	swi_handler, 2
	DEFAULT	pabt_handler, 3
	DEFAULT	dabt_handler, 4
	DEFAULT	reserved_handler, 5
	DEFAULT	irq_handler, 6
	DEFAULT	fiq_handler, 7
default_exception:
	ldr	r3, =unexpected_exception	@ in semihost.c, never returns
	bx	r3
	.ltorg
