/* Matrix multiply: C = A x B for `size` x `size` matrices of 32-bit integers (wrapping), with
 * B transposed first so the inner loop walks both rows. */
#include "bench.h"

int main(int argc, char **argv) {
	uint32_t n = bench_size(argc, argv, 512);
	uint32_t *a = malloc(sizeof(uint32_t) * n * n), *b = malloc(sizeof(uint32_t) * n * n),
		*bt = malloc(sizeof(uint32_t) * n * n), *c = malloc(sizeof(uint32_t) * n * n);
	if (!a || !b || !bt || !c) return 1;
	uint32_t s = 777;
	for (uint32_t i = 0; i < n * n; i++) { a[i] = bench_rand(&s) & 0xffff; b[i] = bench_rand(&s) & 0xffff; }
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++) bt[j * n + i] = b[i * n + j];
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++) {
			const uint32_t *x = a + i * n, *y = bt + j * n;
			uint32_t acc = 0;
			for (uint32_t k = 0; k < n; k++) acc += x[k] * y[k];
			c[i * n + j] = acc;
		}
	uint32_t sum = 2166136261u;
	for (uint32_t i = 0; i < n * n; i++) sum = bench_mix(sum, c[i]);
	bench_result("matmul", n, sum);
	return 0;
}
