/* Shared by the benchmark programs: the size argument and the checksum line.
 * Each program is built from the same source for armel (arm-linux-gnueabi-gcc -O2 -static -marm)
 * and for the host (gcc -O2); both builds must print the same line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* argv[1]: the size (work units; each program says what a unit is), default `def`. */
static inline uint32_t bench_size(int argc, char **argv, uint32_t def) {
	if (argc > 1) {
		long v = strtol(argv[1], 0, 10);
		if (v > 0) return (uint32_t)v;
	}
	return def;
}

/* A small deterministic generator (xorshift32), the same on every host. */
static inline uint32_t bench_rand(uint32_t *s) {
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* FNV-1a over 32-bit words: the checksum of a result. */
static inline uint32_t bench_mix(uint32_t h, uint32_t v) {
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

static inline void bench_result(const char *name, uint32_t size, uint32_t sum) {
	printf("%s %u checksum %08x\n", name, (unsigned)size, (unsigned)sum);
}
