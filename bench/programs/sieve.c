/* Sieve of Eratosthenes over [0, size Ki), byte per number; the count of primes and their sum. */
#include "bench.h"
#include <string.h>

int main(int argc, char **argv) {
	uint32_t k = bench_size(argc, argv, 32768);
	uint32_t n = k * 1024;
	uint8_t *composite = calloc(n, 1);
	if (!composite) return 1;
	for (uint32_t i = 2; (uint64_t)i * i < n; i++)
		if (!composite[i])
			for (uint32_t j = i * i; j < n; j += i) composite[j] = 1;
	uint32_t count = 0, sum = 0;
	for (uint32_t i = 2; i < n; i++)
		if (!composite[i]) { count++; sum += i; }
	free(composite);
	printf("primes below %u: %u\n", (unsigned)n, (unsigned)count);
	bench_result("sieve", k, bench_mix(count, sum));
	return 0;
}
