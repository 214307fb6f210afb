/* Sorting with data-dependent branches: quicksort, insertion sort, heap sort. */
#include "semihost.h"

#define N 2000
static u32 a[N], b[N], c[N];
static u32 seed = 12345;
static u32 rnd(void) { seed = seed * 1103515245 + 12345; return seed >> 8; }

static void qsort_(u32 *v, int lo, int hi)
{
	while (lo < hi) {
		u32 p = v[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (v[i] < p) i++;
			while (v[j] > p) j--;
			if (i <= j) { u32 t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
		}
		if (j - lo < hi - i) { qsort_(v, lo, j); lo = i; } else { qsort_(v, i, hi); hi = j; }
	}
}
static void isort(u32 *v, int n)
{
	for (int i = 1; i < n; i++) {
		u32 x = v[i];
		int j = i - 1;
		while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
		v[j + 1] = x;
	}
}
static void sift(u32 *v, int i, int n)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		if (l < n && v[l] > v[m]) m = l;
		if (l + 1 < n && v[l + 1] > v[m]) m = l + 1;
		if (m == i) return;
		u32 t = v[i]; v[i] = v[m]; v[m] = t;
		i = m;
	}
}
static void hsort(u32 *v, int n)
{
	for (int i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
	for (int i = n - 1; i > 0; i--) { u32 t = v[0]; v[0] = v[i]; v[i] = t; sift(v, 0, i); }
}

int main(void)
{
	u32 sum = 0;
	for (int i = 0; i < N; i++) { a[i] = b[i] = c[i] = rnd() % 100000; sum += a[i]; }
	qsort_(a, 0, N - 1);
	isort(b, N);
	hsort(c, N);
	u32 h = 0x811c9dc5;
	int ok = 1;
	for (int i = 0; i < N; i++) {
		if (i && a[i - 1] > a[i]) ok = 0;
		if (a[i] != b[i] || a[i] != c[i]) ok = 0;
		h = (h ^ a[i]) * 0x01000193;
	}
	printf("sorted %d values, sum %u, min %u, max %u, median %u, hash %08x\n", N, sum, a[0],
	       a[N - 1], a[N / 2], h);
	check_eq("sorted and agreeing", ok, 1);
	return finish("sort");
}
