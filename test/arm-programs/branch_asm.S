/* Branches and ARM<->Thumb interworking. branch_paths() sets one bit in r4 per
   path that arrives where it should; a wrong state or target would crash or
   miss a bit. */
	.syntax unified
	.text

	.arm
	.global	branch_paths
branch_paths:
	push	{r4-r6, lr}
	mov	r4, #0
	/* B backwards in a counted loop, B forwards over a poison word */
	mov	r5, #10
	mov	r6, #0
1:	add	r6, r6, r5
	subs	r5, r5, #1
	bne	1b
	cmp	r6, #55
	orreq	r4, r4, #1 << 0
	b	2f
	.word	0xe7f000f0			@ undefined: would trap if executed
2:	bl	arm_set1			@ BL ARM -> ARM
	mov	r0, #1 << 2
	blx	thumb_or			@ BLX imm ARM -> Thumb
	mov	r0, #1 << 3
	ldr	r3, =thumb_or
	blx	r3				@ BLX reg ARM -> Thumb
	adr	r3, 3f + 1
	bx	r3				@ BX to Thumb, which BXes back
	.thumb
3:	movs	r0, #1
	lsls	r0, r0, #4
	orrs	r4, r0
	adr	r3, 4f
	bx	r3
	.balign	4
	.arm
4:	mov	r0, #1 << 5
	adr	lr, 5f
	ldr	pc, =thumb_or			@ LDR pc interworks on ARMv5T
5:	mov	r0, #1 << 6
	ldr	r3, =thumb_or
	adr	lr, 6f
	push	{r3}
	pop	{pc}				@ LDM pc interworks too
6:	ldr	r3, =thumb_calls
	blx	r3				@ Thumb code calling back into ARM (bits 7-10)
	adr	lr, 7f
	mov	pc, lr				@ MOV pc: plain ARM jump
	.word	0xe7f000f0
7:	orr	r4, r4, #1 << 11
	/* Conditional BL/BLX reg not taken must not write lr */
	mov	r5, lr
	cmp	r4, #0
	bleq	arm_set1
	blxeq	r3
	cmp	r5, lr
	orreq	r4, r4, #1 << 12
	mov	r0, r4
	pop	{r4-r6, pc}
	.ltorg

arm_set1:
	orr	r4, r4, #1 << 1
	bx	lr

arm_or:					@ called from Thumb with BLX
	orr	r4, r4, r0
	bx	lr

	.thumb
	.thumb_func
	.global	thumb_or
thumb_or:
	orrs	r4, r0
	bx	lr

	.thumb_func
thumb_calls:
	push	{lr}
	movs	r0, #1
	lsls	r0, r0, #7
	blx	arm_or				@ BLX imm Thumb -> ARM (bit 7)
	movs	r0, #1
	lsls	r0, r0, #8
	bl	thumb_or			@ BL pair Thumb -> Thumb (bit 8)
	movs	r0, #1
	lsls	r0, r0, #9
	ldr	r3, =arm_or
	blx	r3				@ BLX reg Thumb -> ARM (bit 9)
	bl	thumb_far			@ BL pair, forward (bit 10)
	pop	{pc}				@ POP pc interworks back to ARM (ARMv5T)
	.ltorg

	.thumb_func
thumb_far:
	movs	r0, #1
	lsls	r0, r0, #10
	orrs	r4, r0
	bx	lr

/* u32 bx_chain(u32 x): ARM -> ARM -> Thumb by BX, returning from Thumb with bx lr. */
	.arm
	.global	bx_chain
bx_chain:
	adr	r1, 1f
	bx	r1
1:	add	r0, r0, #1
	adr	r1, 2f + 1
	bx	r1
	.thumb
2:	adds	r0, r0, #2
	bx	lr
