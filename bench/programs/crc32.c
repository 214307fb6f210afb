/* CRC-32 (IEEE 802.3, reflected, table-driven) over a 256 KiB buffer, `size` passes. */
#include "bench.h"
#include <string.h>

static uint32_t table[256];
static uint8_t buf[256 * 1024];

int main(int argc, char **argv) {
	uint32_t passes = bench_size(argc, argv, 400);
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	uint32_t s = 0x2545f491u;
	for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(bench_rand(&s) >> 24);
	uint32_t sum = 2166136261u;
	for (uint32_t p = 0; p < passes; p++) {
		buf[p % sizeof buf] ^= (uint8_t)p; /* each pass sees different data */
		uint32_t crc = 0xffffffffu;
		for (size_t i = 0; i < sizeof buf; i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
		sum = bench_mix(sum, ~crc);
	}
	bench_result("crc32", passes, sum);
	return 0;
}
