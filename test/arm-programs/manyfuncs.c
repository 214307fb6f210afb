/* 256 distinct small functions called through a table, many rounds: fills a
   translation cache with many small blocks and indirect calls. */
#include "semihost.h"

#define F(n) static u32 __attribute__((noinline)) f##n(u32 x) { return (x ^ (n * 0x9e3779b1u)) * (2 * n + 1) + (x >> (n % 31 + 1)); }
#define F8(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7)
#define F64(n) F8(n##0) F8(n##1) F8(n##2) F8(n##3) F8(n##4) F8(n##5) F8(n##6) F8(n##7)
F64(1) F64(2) F64(3) F64(4)
#define P(n) f##n,
#define P8(n) P(n##0) P(n##1) P(n##2) P(n##3) P(n##4) P(n##5) P(n##6) P(n##7)
#define P64(n) P8(n##0) P8(n##1) P8(n##2) P8(n##3) P8(n##4) P8(n##5) P8(n##6) P8(n##7)
static u32 (*const tab[256])(u32) = { P64(1) P64(2) P64(3) P64(4) };

int main(void)
{
	u32 x = 1, y = 1;
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 256; i++)
			x = tab[(i * 97 + round) & 255](x);
		/* Data-dependent order as well, so blocks are chained unpredictably. */
		for (int i = 0; i < 256; i++)
			y = tab[y & 255](y + (u32)i);
		if (round % 10 == 0)
			printf("round %2d: x=%08x y=%08x\n", round, x, y);
	}
	printf("final x=%08x y=%08x\n", x, y);
	/* Calls in the same order twice must give the same answer. */
	u32 z1 = 7, z2 = 7;
	for (int i = 0; i < 256; i++) z1 = tab[i](z1);
	for (int i = 0; i < 256; i++) z2 = tab[i](z2);
	check_eq("deterministic", z1, z2);
	return finish("manyfuncs");
}
