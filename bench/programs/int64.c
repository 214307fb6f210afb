/* 64-bit arithmetic on a 32-bit guest: multiplication, division and remainder (libgcc's
 * __aeabi_uldivmod / __aeabi_ldivmod on ARM), shifts, rotations, comparisons and a 64-bit
 * modular exponentiation, `size` Ki rounds. */
#include "bench.h"

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { /* m < 2^32 */
	return (a % m) * (b % m) % m;
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
	uint64_t r = 1;
	while (e) {
		if (e & 1) r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

int main(int argc, char **argv) {
	uint32_t k = bench_size(argc, argv, 500);
	uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
	int64_t sacc = 0;
	for (uint32_t i = 0; i < k * 1024; i++) {
		x ^= x >> 12; x ^= x << 25; x ^= x >> 27; /* xorshift64* */
		uint64_t y = x * 0x2545f4914f6cdd1dull;
		uint64_t d = (y >> 40) | 1;
		acc += y / d + y % (d + 7);
		int64_t s = (int64_t)(y ^ acc);
		sacc += s / (int64_t)((i & 0xfff) + 3) - (s % 1000003);
		acc = (acc << 7 | acc >> 57) + (uint64_t)(s < (int64_t)y);
		if ((i & 255) == 0) acc ^= powmod(y, acc, 4294967291ull);
	}
	uint32_t sum = bench_mix(bench_mix(bench_mix(2166136261u, (uint32_t)acc), (uint32_t)(acc >> 32)), (uint32_t)(uint64_t)sacc);
	sum = bench_mix(sum, (uint32_t)((uint64_t)sacc >> 32));
	bench_result("int64", k, sum);
	return 0;
}
