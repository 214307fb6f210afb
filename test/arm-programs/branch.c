/* B, BL, BX, BLX (immediate and register), LDR/LDM/POP to pc, both directions
   of ARM<->Thumb interworking, and calls through function pointers. */
#include "semihost.h"

extern u32 branch_paths(void);
extern u32 bx_chain(u32);

static u32 __attribute__((noinline)) add3(u32 x) { return x + 3; }
static u32 __attribute__((noinline)) mul5(u32 x) { return x * 5; }
static u32 __attribute__((noinline)) xor9(u32 x) { return x ^ 9; }

int main(void)
{
	u32 m = branch_paths();
	printf("branch paths: %04x\n", m);
	check_eq("branch paths", m, 0x1fff);
	u32 c = bx_chain(10);
	printf("bx chain: %u\n", c);
	check_eq("bx chain", c, 13);
	u32 (*const fns[3])(u32) = { add3, mul5, xor9 };
	u32 x = 1;
	for (int i = 0; i < 30; i++) {
		x = fns[x % 3](x);
		if (x > 1000000) x >>= 7;
	}
	printf("function pointers: %u\n", x);
	/* A switch that compiles to a jump table (ldrls pc, [pc, r, lsl #2]). */
	u32 s = 0;
	for (u32 i = 0; i < 40; i++) {
		switch (i % 9) {
		case 0: s += 1; break;
		case 1: s ^= 0x55; break;
		case 2: s *= 3; break;
		case 3: s -= 7; break;
		case 4: s = s << 2 | s >> 30; break;
		case 5: s += i; break;
		case 6: s ^= i << 8; break;
		case 7: s = ~s; break;
		default: s >>= 1; break;
		}
	}
	printf("jump table: %08x\n", s);
	return finish("branch");
}
