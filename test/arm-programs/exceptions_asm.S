/* Exception handlers and the code that provokes them. Handlers are ARM code
   (exceptions always enter in ARM state) and use the three classic return
   forms: movs pc, lr / subs pc, lr, #4 / ldmfd sp!, {..., pc}^. */
	.syntax unified
	.arm
	.text

	.global	swi_handler
swi_handler:
	stmfd	sp!, {r0-r3, r12, lr}
	mrs	r0, spsr
	tst	r0, #0x20			@ from Thumb: 8-bit comment in the halfword
	ldrhne	r1, [lr, #-2]
	bicne	r1, r1, #0xff00
	ldreq	r1, [lr, #-4]
	biceq	r1, r1, #0xff000000
	ldr	r2, =swi_last
	str	r1, [r2]
	ldr	r2, =swi_spsr
	str	r0, [r2]
	ldr	r2, =swi_count
	ldr	r3, [r2]
	add	r3, r3, #1
	str	r3, [r2]
	cmp	r1, #0x10			@ "service": r0 = r0 * 2 + 1
	ldreq	r3, [sp]
	moveq	r3, r3, lsl #1
	addeq	r3, r3, #1
	streq	r3, [sp]
	cmp	r1, #0x99			@ "return to SVC mode"
	biceq	r0, r0, #0x1f
	orreq	r0, r0, #0x13
	msreq	spsr_c, r0
	ldmfd	sp!, {r0-r3, r12, lr}
	movs	pc, lr

	.global	undef_handler
undef_handler:
	stmfd	sp!, {r0-r3, r12, lr}
	mrs	r0, spsr
	ldr	r2, =und_count
	ldr	r3, [r2]
	add	r3, r3, #1
	str	r3, [r2]
	tst	r0, #0x20
	bne	1f
	ldr	r1, [lr, #-4]
	ldr	r2, =und_last
	str	r1, [r2]
	ldr	r3, =0xe7f000f1			@ the patchable one: fix it and re-execute
	cmp	r1, r3
	beq	2f
	ldmfd	sp!, {r0-r3, r12, lr}
	movs	pc, lr				@ skip the undefined instruction
2:	ldr	r3, =0xe3a0002a			@ mov r0, #42
	str	r3, [lr, #-4]
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		@ invalidate I-cache (a no-op on qemu)
	ldmfd	sp!, {r0-r3, r12, lr}
	subs	pc, lr, #4			@ re-execute the patched instruction
1:	ldrh	r1, [lr, #-2]			@ Thumb: lr = next instruction
	ldr	r2, =und_last
	str	r1, [r2]
	ldmfd	sp!, {r0-r3, r12, pc}^

	.global	pabt_handler
pabt_handler:					@ BKPT: lr = bkpt + 4
	stmfd	sp!, {r0-r3}
	ldr	r1, [lr, #-4]
	ldr	r2, =pabt_last
	str	r1, [r2]
	ldmfd	sp!, {r0-r3}
	movs	pc, lr

/* u32 do_swi_service(u32 x): returns x * 2 + 1 computed by the handler.
   An SWI taken in SVC mode overwrites lr_svc, hence the push/pop. */
	.global	do_swi_service
do_swi_service:
	push	{lr}
	svc	#0x10
	pop	{pc}

	.global	do_swi_plain
do_swi_plain:
	push	{lr}
	svc	#0x42
	pop	{pc}

/* u32 do_undef_skip(void): the handler skips the undefined word; r0 survives. */
	.global	do_undef_skip
do_undef_skip:
	mov	r0, #7
	.word	0xe7f000f0			@ permanently undefined encoding
	add	r0, r0, #1
	bx	lr

/* u32 do_undef_patch(void): the handler rewrites the word to "mov r0, #42" and
   returns to it. The word lives in RAM (.data) so each run starts undefined. */
	.data
	.balign	4
	.global	undef_patch_code
undef_patch_code:
	mov	r0, #1
	.word	0xe7f000f1
	bx	lr
	.text

	.global	do_bkpt
do_bkpt:
	mov	r0, #5
	bkpt	#0x1234
	add	r0, r0, #1
	bx	lr

/* void user_roundtrip(u32 out[4]): go to User mode, check MSR cannot leave it,
   come back with an SWI whose handler returns in SVC mode. Pure assembly: the
   C compiler must not touch the stack while sp is User's. */
	.global	user_roundtrip
user_roundtrip:
	push	{r4-r7, lr}
	mov	r12, r0
	mov	r4, sp
	msr	cpsr_c, #0xd0			@ User, interrupts still masked
	mrs	r5, cpsr
	mov	r7, sp				@ User's banked sp
	msr	cpsr_c, #0xd3			@ ignored in User mode
	mrs	r6, cpsr
	svc	#0x99
	mrs	r0, cpsr
	stmia	r12, {r0, r5, r6, r7}
	sub	r0, sp, r4			@ SVC sp is back
	str	r0, [r12, #16]
	pop	{r4-r7, pc}

	.thumb
	.thumb_func
	.global	thumb_swi_service
thumb_swi_service:				@ u32 (u32): the handler doubles+1 it
	push	{lr}
	svc	#0x10
	pop	{pc}				@ interworks back on ARMv5T

	.thumb_func
	.global	thumb_undef
thumb_undef:
	movs	r0, #9
	.short	0xde55				@ undefined in Thumb (cond 0b1110 branch)
	adds	r0, #1
	bx	lr
