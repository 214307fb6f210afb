/* Deep recursion: a recursive descent to depth 20000 and back (non-tail calls that keep a
 * frame each), recursive Fibonacci and Ackermann(2, n), `size` rounds. */
#include "bench.h"

__attribute__((noinline)) static uint32_t deep(uint32_t depth, uint32_t x) {
	if (depth == 0) return x;
	uint32_t local[4] = { x, depth, x ^ depth, x + depth };
	uint32_t r = deep(depth - 1, x * 1103515245u + 12345u);
	return r ^ (local[depth & 3] + depth);
}

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
	if (m == 0) return n + 1;
	if (n == 0) return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
	uint32_t rounds = bench_size(argc, argv, 600);
	uint32_t sum = 2166136261u;
	for (uint32_t r = 0; r < rounds; r++) {
		sum = bench_mix(sum, deep(20000, r));
		sum = bench_mix(sum, fib(20 + r % 4));
		sum = bench_mix(sum, ack(2, 200 + r % 8));
	}
	bench_result("recursion", rounds, sum);
	return 0;
}
