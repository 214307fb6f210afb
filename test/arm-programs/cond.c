/* Conditional execution: every condition code under all 16 NZCV values, applied
   to one instruction of each class; each executed instruction sets one bit of a
   mask, so a skipped-but-executed (or executed-but-skipped) class shows up. */
#include "semihost.h"

__asm__(
"	.syntax unified\n"
"	.arm\n"
"	.macro CONDFN cc\n"
"	.global cond_\\cc\n"
"cond_\\cc:\n"
"	push	{r4-r11, lr}\n"
"	mov	r8, r0\n"			/* NZCV in bits 31..28 */
"	mov	r12, r1\n"			/* scratch memory, see main */
"	mov	r4, #0\n"
"	mov	r6, #32\n"
"	mov	r7, #1\n"
"	mov	r9, #0x00200000\n"		/* clz = 10 */
"	adr	r10, 8f\n"
"	adr	r11, 9f\n"
"	msr	cpsr_f, r8\n"
"	mov	r2, #0\n"
"	mov\\cc	r2, #1\n"
"	orr	r4, r4, r2\n"			/* bit 0: data processing */
"	mov	r2, #0\n"
"	ldr\\cc	r2, [r12]\n"
"	orr	r4, r4, r2\n"			/* bit 1: ldr */
"	mov	r3, #4\n"
"	str\\cc	r3, [r12, #4]\n"
"	ldr	r2, [r12, #4]\n"
"	orr	r4, r4, r2\n"			/* bit 2: str */
"	mov	r2, #0\n"
"	add	r5, r12, #8\n"
"	ldm\\cc	r5, {r2}\n"
"	orr	r4, r4, r2\n"			/* bit 3: ldm */
"	mov	r3, #16\n"
"	add	r5, r12, #12\n"
"	stm\\cc	r5, {r3}\n"
"	ldr	r2, [r12, #12]\n"
"	orr	r4, r4, r2\n"			/* bit 4: stm */
"	mov	r2, #0\n"
"	mul\\cc	r2, r6, r7\n"
"	orr	r4, r4, r2\n"			/* bit 5: mul */
"	b\\cc	1f\n"
"	b	2f\n"
"1:	orr	r4, r4, #0x40\n"		/* bit 6: b */
"2:	bl\\cc	7f\n"				/* bit 7: bl */
"	mov	r2, #0\n"
"	add	r5, r12, #16\n"
"	ldrh\\cc	r2, [r5]\n"
"	orr	r4, r4, r2\n"			/* bit 8: ldrh */
"	mov	r3, #0x200\n"
"	add	r5, r12, #20\n"
"	swp\\cc	r2, r3, [r5]\n"
"	ldr	r2, [r12, #20]\n"
"	orr	r4, r4, r2\n"			/* bit 9: swp */
"	mov	r2, #32\n"
"	clz\\cc	r2, r9\n"
"	orr	r4, r4, r7, lsl r2\n"		/* bit 10: clz (lsl 32 = 0 when skipped) */
"	mov	r2, #0\n"
"	mov	r3, #0x400\n"
"	qadd\\cc	r2, r3, r3\n"
"	orr	r4, r4, r2\n"			/* bit 11: qadd */
"	mov	r2, #0\n"
"	mov	r3, #0\n"
"	ldrd\\cc	r2, r3, [r12, #24]\n"
"	orr	r4, r4, r2\n"			/* bit 12: ldrd */
"	orr	r4, r4, r3\n"
"	mov	r2, #0\n"
"	mov	r3, #0x2000\n"
"	smulbb\\cc	r2, r3, r7\n"
"	orr	r4, r4, r2\n"			/* bit 13: smulbb */
"	blx\\cc	r10\n"				/* bit 14: blx reg */
"	bx\\cc	r11\n"				/* bit 15: bx */
"3:	mov	r2, #0\n"
"	mrs\\cc	r2, cpsr\n"
"	and	r2, r2, #0x10\n"
"	orr	r4, r4, r2, lsl #12\n"		/* bit 16: mrs */
"	mov	r2, #0\n"
"	adds\\cc	r2, r2, #0\n"		/* flags -> Z only, if executed */
"	mrs	r5, cpsr\n"
"	str	r5, [r12, #32]\n"
"	mov	r0, r4\n"
"	pop	{r4-r11, pc}\n"
"7:	orr	r4, r4, #0x80\n"
"	bx	lr\n"
"8:	orr	r4, r4, #0x4000\n"
"	bx	lr\n"
"9:	orr	r4, r4, #0x8000\n"
"	b	3b\n"
"	.endm\n"
"	.text\n"
"	CONDFN eq\n	CONDFN ne\n	CONDFN cs\n	CONDFN cc\n	CONDFN mi\n"
"	CONDFN pl\n	CONDFN vs\n	CONDFN vc\n	CONDFN hi\n	CONDFN ls\n"
"	CONDFN ge\n	CONDFN lt\n	CONDFN gt\n	CONDFN le\n	CONDFN al\n"
);

typedef u32 condfn(u32 flags, u32 *mem);
extern condfn cond_eq, cond_ne, cond_cs, cond_cc, cond_mi, cond_pl, cond_vs, cond_vc,
	cond_hi, cond_ls, cond_ge, cond_lt, cond_gt, cond_le, cond_al;
static condfn *const fns[15] = { cond_eq, cond_ne, cond_cs, cond_cc, cond_mi, cond_pl,
	cond_vs, cond_vc, cond_hi, cond_ls, cond_ge, cond_lt, cond_gt, cond_le, cond_al };
static const char names[15][3] = { "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi",
	"ls", "ge", "lt", "gt", "le", "al" };

static int passes(int cc, u32 f)
{
	int n = (f >> 3) & 1, z = (f >> 2) & 1, c = (f >> 1) & 1, v = f & 1;
	switch (cc) {
	case 0: return z;
	case 1: return !z;
	case 2: return c;
	case 3: return !c;
	case 4: return n;
	case 5: return !n;
	case 6: return v;
	case 7: return !v;
	case 8: return c && !z;
	case 9: return !c || z;
	case 10: return n == v;
	case 11: return n != v;
	case 12: return !z && n == v;
	case 13: return z || n != v;
	default: return 1;
	}
}

int main(void)
{
	static u32 mem[10] __attribute__((aligned(8)));
	for (int cc = 0; cc < 15; cc++) {
		u32 table = 0;
		for (u32 f = 0; f < 16; f++) {
			mem[0] = 2; mem[1] = 0; mem[2] = 8; mem[3] = 0; mem[4] = 0xffff0100;
			mem[5] = 0; mem[6] = 0x1000; mem[7] = 0; mem[8] = 0;
			u32 mask = fns[cc](f << 28, mem);
			u32 nzcv = mem[8] >> 28;
			int p = passes(cc, f);
			check_eq(names[cc], mask, p ? 0x1ffff : 0);
			check_eq(names[cc], nzcv, p ? 4 : f);
			if (mask == 0x1ffff)
				table |= 1u << f;
		}
		printf("%s: executes for NZCV in %04x\n", names[cc], table);
	}
	return finish("cond");
}
