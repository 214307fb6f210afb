/* Sieve of Eratosthenes over bytes and over a bitmap. */
#include "semihost.h"

#define N 100000
static u8 comp[N + 1];
static u32 bits[N / 32 + 1];

int main(void)
{
	int count = 0;
	u32 last = 0, sum = 0;
	for (u32 i = 2; i <= N; i++) {
		if (comp[i]) continue;
		count++; last = i; sum += i;
		for (u32 j = i * i; j <= N && i < 65536; j += i) comp[j] = 1;
	}
	printf("primes <= %d: %d, largest %u, sum %u\n", N, count, last, sum);
	check_eq("pi(100000)", count, 9592);
	int count2 = 0;
	for (u32 i = 2; i <= N; i++) {
		if (bits[i >> 5] >> (i & 31) & 1) continue;
		count2++;
		for (u32 j = i * i; j <= N && i < 65536; j += i) bits[j >> 5] |= 1u << (j & 31);
	}
	check_eq("bitmap sieve", count2, count);
	printf("first primes:");
	for (u32 i = 2, n = 0; n < 20; i++)
		if (!comp[i]) { printf(" %u", i); n++; }
	printf("\n");
	return finish("sieve");
}
