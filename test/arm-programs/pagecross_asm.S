/* Code that straddles 4 KiB page boundaries: a translator that cuts blocks at
   pages, or looks pages up per block, must get these right. */
	.syntax unified
	.text

	.arm
	.balign	4096
	.space	4096 - 24
	.global	cross_straight			@ u32 (u32): 11 adds across the boundary
cross_straight:
	.rept	11
	add	r0, r0, #1
	.endr
	bx	lr

	.balign	4096
	.space	4096 - 8
	.global	cross_loop			@ u32 (u32 n): sum 0..n-1, loop body straddles
cross_loop:
	mov	r2, r0
	mov	r0, #0
	mov	r1, #0				@ boundary between this and the next
1:	add	r0, r0, r1
	add	r1, r1, #1
	subs	r2, r2, #1
	bne	1b
	bx	lr

	.thumb
	.balign	4096
	.space	4096 - 10
	.thumb_func
	.global	cross_thumb			@ u32 (u32): BL pair split by the boundary
cross_thumb:
	push	{lr}
	adds	r0, #1
	adds	r0, #2
	adds	r0, #3
	bl	thumb_tail			@ first half at page end - 2, second at page start
	pop	{pc}

	.thumb_func
thumb_tail:
	lsls	r0, r0, #1
	bx	lr
