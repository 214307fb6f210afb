/* String and memory functions of the C library: memcpy, memmove, memset, memcmp, memchr,
 * strlen, strcpy, strcmp, strchr over generated buffers, `size` rounds. */
#include "bench.h"
#include <string.h>

#define LEN 16384
static char src[LEN + 64], dst[LEN + 64], words[LEN + 64];

int main(int argc, char **argv) {
	uint32_t rounds = bench_size(argc, argv, 8000);
	uint32_t s = 4242;
	for (int i = 0; i < LEN; i++) src[i] = (char)('a' + bench_rand(&s) % 26);
	/* words: NUL-separated strings of 1..40 letters */
	for (int i = 0; i < LEN;) {
		int n = 1 + (int)(bench_rand(&s) % 40);
		for (int j = 0; j < n && i < LEN - 1; j++) words[i++] = (char)('a' + bench_rand(&s) % 4);
		words[i++] = 0;
	}
	words[LEN] = 0;
	uint32_t sum = 2166136261u;
	for (uint32_t r = 0; r < rounds; r++) {
		size_t off = r % 61, len = LEN - 64 + (r % 17);
		memcpy(dst + (r & 7), src + off, len);
		memmove(dst + 3, dst, len / 2);
		sum = bench_mix(sum, (uint32_t)memcmp(dst, src, len) > 0);
		memset(dst + len / 4, 'A' + (int)(r % 26), len / 8);
		const char *p = memchr(dst, 'z', len);
		sum = bench_mix(sum, p ? (uint32_t)(p - dst) : 0xffffffffu);
		dst[len] = 0;
		sum = bench_mix(sum, (uint32_t)strlen(dst + (r % 13)));
		/* walk the words: compare neighbours, copy, look for a letter */
		const char *prev = words;
		uint32_t acc = 0;
		for (const char *w = words + strlen(words) + 1; w < words + LEN - 64 && *w; w += strlen(w) + 1) {
			int c = strcmp(prev, w);
			acc += c < 0 ? 1 : c > 0 ? 2 : 3;
			if (r % 8 == 0) {
				strcpy(dst, w);
				const char *q = strchr(dst, 'c');
				acc += q ? (uint32_t)(q - dst) : 7;
			}
			prev = w;
		}
		sum = bench_mix(sum, acc);
		src[r % LEN] = (char)('a' + r % 26);
	}
	bench_result("strings", rounds, sum);
	return 0;
}
