/*
 * A compute-bound workload of some 60 million instructions for engine comparisons (JIT vs
 * interpreter MIPS): integer matrix multiply, a table-driven CRC-32, insertion sort, and a
 * branchy switch-dispatch loop, each repeated. The checksums are compared with qemu's run.
 */
#include "semihost.h"

#define M 24
static u32 a[M][M], b[M][M], c[M][M];
static u32 crc_table[256];
static u8 buf[4096];
static u32 arr[600];

static u32 rng = 12345;
static u32 next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void matmul(void)
{
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			u32 s = 0;
			for (int k = 0; k < M; k++) s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
}

static u32 crc32(const u8 *p, u32 n)
{
	u32 crc = 0xffffffffu;
	while (n--) crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
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

static u32 interpret(u32 steps)
{
	u32 acc = 1, pc = 0, x = 7;
	while (steps--) {
		switch ((pc * 7 + x) & 7) {
		case 0: acc += x; break;
		case 1: acc ^= acc << 3; break;
		case 2: x = x * 3 + 1; break;
		case 3: acc -= x >> 1; break;
		case 4: if (acc & 1) x++; else x--; break;
		case 5: acc = (acc >> 5) | (acc << 27); break;
		case 6: x ^= acc; break;
		default: pc += 3; break;
		}
		pc++;
	}
	return acc ^ x;
}

int main(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 r = i;
		for (int k = 0; k < 8; k++) r = (r >> 1) ^ (0xedb88320u & -(r & 1));
		crc_table[i] = r;
	}
	u32 total = 0;
	for (int round = 0; round < 16; round++) {
		for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { a[i][j] = next(); b[i][j] = next(); }
		matmul();
		u32 ms = 0;
		for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) ms = ms * 31 + c[i][j];
		for (u32 i = 0; i < sizeof buf; i++) buf[i] = (u8)next();
		u32 crc = 0;
		for (int k = 0; k < 8; k++) crc = crc * 33 + crc32(buf + k, sizeof buf - k);
		for (int i = 0; i < 600; i++) arr[i] = next();
		isort(arr, 600);
		u32 ok = 1;
		for (int i = 1; i < 600; i++) ok &= arr[i - 1] <= arr[i];
		u32 it = interpret(300000 + round);
		printf("round %d: matmul %08x crc %08x sorted %u interp %08x\n", round, ms, crc, ok, it);
		check_eq("sorted", ok, 1);
		total += ms ^ crc ^ it;
	}
	printf("total %08x\n", total);
	return finish("compute");
}
