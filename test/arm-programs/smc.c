/* Self-modifying code: write an instruction into RAM, run it, overwrite it,
   run it again. A translator that caches the old block gives the old answer.
   ARMv5 on qemu needs no cache maintenance, but real hardware would, so the
   I-cache invalidate is issued anyway (from ARM code: Thumb-1 has no MCR). */
#include "semihost.h"

extern void arm_icache_inval(void);
static u32 code[64] __attribute__((aligned(32)));

static u32 run(void) { return ((u32 (*)(void))code)(); }

int main(void)
{
	u32 total = 0;
	code[1] = 0xe12fff1e;					/* bx lr */
	for (u32 i = 0; i < 100; i++) {
		code[0] = 0xe3a00000 | (i & 0xff);		/* mov r0, #i */
		arm_icache_inval();
		u32 r = run();
		if (r != (i & 0xff)) {
			printf("FAIL iteration %u: got %u\n", i, r);
			check_failures++;
			break;
		}
		total += r;
	}
	printf("mov r0, #i rewritten 100 times: sum %u\n", total);
	check_eq("sum", total, 4950);

	/* Rewrite an instruction in the middle of a block that is already cached:
	   a 16-instruction body of "add r0, r0, #1", then patch one to add #100. */
	for (int i = 0; i < 16; i++) code[i] = 0xe2800001;	/* add r0, r0, #1 */
	code[16] = 0xe12fff1e;
	arm_icache_inval();
	u32 (*f)(u32) = (u32 (*)(u32))code;
	u32 a = f(0);
	code[7] = 0xe2800064;					/* add r0, r0, #100 */
	arm_icache_inval();
	u32 b = f(0);
	code[15] = 0xe12fff1e;					/* early return */
	arm_icache_inval();
	u32 c = f(0);
	printf("patched block: %u %u %u\n", a, b, c);
	check_eq("before", a, 16);
	check_eq("after patch", b, 115);
	check_eq("after early return", c, 114);

	/* A Thumb routine written at run time: movs r0, #i; bx lr, entered with bit 0. */
	u16 *t = (u16 *)&code[32];
	t[1] = 0x4770;						/* bx lr */
	u32 tsum = 0;
	for (u32 i = 0; i < 50; i++) {
		t[0] = (u16)(0x2000 | i);				/* movs r0, #i */
		arm_icache_inval();
		tsum += ((u32 (*)(void))((u32)t | 1))();
	}
	printf("thumb rewritten 50 times: sum %u\n", tsum);
	check_eq("thumb sum", tsum, 1225);
	return finish("smc");
}
