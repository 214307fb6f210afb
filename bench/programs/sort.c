/* Integer sort: a hand-written quicksort (median of three, insertion sort for short runs) of
 * `size` Ki random 32-bit integers, then a check that the result is sorted. */
#include "bench.h"

static void insertion(uint32_t *a, int n) {
	for (int i = 1; i < n; i++) {
		uint32_t v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
		a[j + 1] = v;
	}
}

static void quicksort(uint32_t *a, int n) {
	while (n > 16) {
		uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
		uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		int i = 0, j = n - 1;
		for (;;) {
			while (a[i] < pivot) i++;
			while (a[j] > pivot) j--;
			if (i >= j) break;
			uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
			i++; j--;
		}
		/* recurse into the smaller side, loop on the larger */
		if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
		else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
	}
	insertion(a, n);
}

int main(int argc, char **argv) {
	uint32_t k = bench_size(argc, argv, 3072);
	int n = (int)(k * 1024);
	uint32_t *a = malloc(sizeof *a * (size_t)n);
	if (!a) return 1;
	uint32_t s = 12345;
	for (int i = 0; i < n; i++) a[i] = bench_rand(&s) % 1000000007u;
	quicksort(a, n);
	uint32_t sum = 2166136261u;
	for (int i = 0; i < n; i++) {
		if (i && a[i - 1] > a[i]) { printf("not sorted at %d\n", i); return 1; }
		if ((i & 63) == 0) sum = bench_mix(sum, a[i]);
	}
	free(a);
	bench_result("sort", k, sum);
	return 0;
}
