/* Deep and branching recursion: exercises BL/return paths and stack traffic. */
#include "semihost.h"

static u32 __attribute__((noinline)) fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static u32 __attribute__((noinline)) ack(u32 m, u32 n)
{
	if (m == 0) return n + 1;
	if (n == 0) return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}
static int solutions;
static void __attribute__((noinline)) queens(int row, int n, u32 cols, u32 d1, u32 d2)
{
	if (row == n) { solutions++; return; }
	for (int c = 0; c < n; c++)
		if (!(cols >> c & 1) && !(d1 >> (row + c) & 1) && !(d2 >> (row - c + n) & 1))
			queens(row + 1, n, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
}
static u32 __attribute__((noinline)) depth(u32 n) { return n ? depth(n - 1) + 1 : 0; }

int main(void)
{
	u32 f = fib(20);
	printf("fib(20) = %u\n", f);
	check_eq("fib", f, 6765);
	u32 a = ack(2, 3);
	printf("ack(2,3) = %u\n", a);
	check_eq("ack", a, 9);
	queens(0, 8, 0, 0, 0);
	printf("8 queens: %d solutions\n", solutions);
	check_eq("queens", solutions, 92);
	u32 d = depth(10000);
	printf("depth(10000) = %u\n", d);
	check_eq("depth", d, 10000);
	return finish("recursion");
}
