/* Helpers of mmu.c: single accesses (privileged and LDRT/STRT), CP15 access, and the abort
   handlers, which record the fault status and address and resume after the access. */
	.syntax unified
	.arm
	.text

	.global	ld32, ld16, ld8, st32, st8, ldt32, stt32, call_addr
ld32:	ldr	r0, [r0]
	bx	lr
ld16:	ldrh	r0, [r0]
	bx	lr
ld8:	ldrb	r0, [r0]
	bx	lr
st32:	str	r1, [r0]
	bx	lr
st8:	strb	r1, [r0]
	bx	lr
ldt32:	mov	r1, r0
	ldrt	r0, [r1]
	bx	lr
stt32:	strt	r1, [r0]
	bx	lr

/* u32 call_addr(u32 addr): calls addr (ARM code returning in r0); after a prefetch abort
   there, returns 0xdeadbeef. */
call_addr:
	push	{r4, lr}
	ldr	r1, =pabt_resume
	adr	r2, 1f
	str	r2, [r1]
	mov	r4, sp
	blx	r0
	pop	{r4, pc}
1:	mov	sp, r4
	ldr	r0, =0xdeadbeef
	pop	{r4, pc}

	.global	dabt_handler
dabt_handler:					@ lr = faulting instruction + 8
	push	{r0-r1}
	ldr	r0, =dabt_count
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	mrc	p15, 0, r1, c5, c0, 0
	ldr	r0, =dabt_fsr
	str	r1, [r0]
	mrc	p15, 0, r1, c6, c0, 0
	ldr	r0, =dabt_far
	str	r1, [r0]
	sub	r1, lr, #8
	ldr	r0, =dabt_pc
	str	r1, [r0]
	pop	{r0-r1}
	subs	pc, lr, #4			@ resume after the access

	.global	pabt_handler
pabt_handler:					@ lr = aborted instruction + 4
	push	{r0-r1}
	ldr	r0, =pabt_count
	ldr	r1, [r0]
	add	r1, r1, #1
	str	r1, [r0]
	mrc	p15, 0, r1, c5, c0, 1
	ldr	r0, =pabt_ifsr
	str	r1, [r0]
	sub	r1, lr, #4
	ldr	r0, =pabt_pc
	str	r1, [r0]
	pop	{r0-r1}
	ldr	lr, =pabt_resume
	ldr	lr, [lr]
	movs	pc, lr
	.ltorg
