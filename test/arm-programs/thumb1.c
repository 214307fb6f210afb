/* Thumb-1 formats 1-16, 18, 19 (17, SWI, is in exceptions.c and every Thumb
   program's semihosting calls): flag-setting ops against a C model over
   edge-case operands and NZCV inputs, memory formats against expected data. */
#include "semihost.h"

extern u32 thumb_call(void *fn, u32 a, u32 b, u32 nzcv);
extern void *const thumb_fns[];
extern u32 t_cond(void);
extern void thumb_mem(u8 *buf, u32 *out);
volatile u32 thumb_flags_out;

static const char *const names[33] = { "ands", "eors", "lsls", "lsrs", "asrs", "adcs", "sbcs",
	"rors", "tst", "negs", "cmp", "cmn", "orrs", "muls", "bics", "mvns", "lsls#0", "lsls#5",
	"lsrs#1", "lsrs#32", "asrs#7", "asrs#32", "adds r", "subs r", "adds #7", "subs #3",
	"movs #200", "cmp #200", "adds #255", "subs #1", "add hi", "cmp hi", "mov hi" };

static u32 addc(u32 a, u32 b, u32 c, u32 *cf, u32 *vf)
{
	u64 w = (u64)a + b + c;
	u32 r = (u32)w;
	*cf = (u32)(w >> 32);
	*vf = ((~(a ^ b) & (a ^ r)) >> 31) & 1;
	return r;
}

/* Register-specified shift as in ARM (bottom byte of b); returns value, sets *c. */
static u32 shift(int kind, u32 a, u32 s, u32 *c)
{
	s &= 0xff;
	if (s == 0) return a;
	switch (kind) {
	case 0: if (s < 32) { *c = a >> (32 - s) & 1; return a << s; } *c = s == 32 ? a & 1 : 0; return 0;
	case 1: if (s < 32) { *c = a >> (s - 1) & 1; return a >> s; } *c = s == 32 ? a >> 31 : 0; return 0;
	case 2: if (s < 32) { *c = a >> (s - 1) & 1; return (u32)((s32)a >> s); } *c = a >> 31; return (u32)((s32)a >> 31);
	default: { u32 r = s & 31; if (!r) { *c = a >> 31; return a; } *c = a >> (r - 1) & 1; return a >> r | a << (32 - r); }
	}
}

static u32 model(int op, u32 a, u32 b, u32 f, u32 *fo)
{
	u32 C = f >> 1 & 1, V = f & 1, c = C, v = V, r = a;
	int nz = 1, write = 1;
	switch (op) {
	case 0: r = a & b; break;
	case 1: r = a ^ b; break;
	case 2: r = shift(0, a, b, &c); break;
	case 3: r = shift(1, a, b, &c); break;
	case 4: r = shift(2, a, b, &c); break;
	case 5: r = addc(a, b, C, &c, &v); break;
	case 6: r = addc(a, ~b, C, &c, &v); break;
	case 7: r = shift(3, a, b, &c); break;
	case 8: r = a & b; write = 0; break;
	case 9: r = addc(0, ~b, 1, &c, &v); break;
	case 10: r = addc(a, ~b, 1, &c, &v); write = 0; break;
	case 11: r = addc(a, b, 0, &c, &v); write = 0; break;
	case 12: r = a | b; break;
	case 13: r = a * b; break;
	case 14: r = a & ~b; break;
	case 15: r = ~b; break;
	case 16: r = b; break;
	case 17: r = shift(0, b, 5, &c); break;
	case 18: r = shift(1, b, 1, &c); break;
	case 19: r = shift(1, b, 32, &c); break;
	case 20: r = shift(2, b, 7, &c); break;
	case 21: r = shift(2, b, 32, &c); break;
	case 22: r = addc(a, b, 0, &c, &v); break;
	case 23: r = addc(a, ~b, 1, &c, &v); break;
	case 24: r = addc(b, 7, 0, &c, &v); break;
	case 25: r = addc(b, ~3u, 1, &c, &v); break;
	case 26: r = 200; break;
	case 27: r = addc(a, ~200u, 1, &c, &v); write = 0; break;
	case 28: r = addc(a, 255, 0, &c, &v); break;
	case 29: r = addc(a, ~1u, 1, &c, &v); break;
	case 30: r = a + b; nz = 0; break;
	case 31: r = addc(a, ~b, 1, &c, &v); write = 0; break;
	default: r = b; nz = 0; break;
	}
	*fo = nz ? (r >> 31) << 3 | (r == 0) << 2 | c << 1 | v : f;
	return write ? r : a;
}

static const u32 vals[7] = { 0, 1, 7, 0x7fffffff, 0x80000000, 0xffffffff, 0x1234fe21 };
static const u32 bvals[9] = { 0, 1, 5, 31, 32, 33, 0x80000000, 0xffffffff, 0x1ff };

int main(void)
{
	u32 total = 0x811c9dc5;
	for (int op = 0; thumb_fns[op]; op++) {
		u32 sum = 0x811c9dc5;
		int bad = 0;
		for (int i = 0; i < 7; i++)
			for (int j = 0; j < 9; j++)
				for (u32 f = 0; f < 16; f += 5) {
					u32 r = thumb_call(thumb_fns[op], vals[i], bvals[j], f << 28), fo;
					u32 want = model(op, vals[i], bvals[j], f, &fo);
					u32 got_f = thumb_flags_out >> 28;
					sum = ((sum ^ r) * 0x01000193 ^ got_f) * 0x01000193;
					if ((r != want || got_f != fo) && bad++ < 3) {
						printf("FAIL %s a=%08x b=%08x nzcv=%x: %08x/%x want %08x/%x\n", names[op],
						       vals[i], bvals[j], f, r, got_f, want, fo);
						check_failures++;
					}
				}
		printf("%-10s %08x\n", names[op], sum);
		total = (total ^ sum) * 0x01000193;
	}
	u32 cond[16];
	for (u32 f = 0; f < 16; f++) {
		cond[f] = thumb_call((void *)t_cond, 0, 1, f << 28);
		total = (total ^ cond[f]) * 0x01000193;
	}
	printf("bcc taken masks:");
	for (int f = 0; f < 16; f++) printf(" %04x", cond[f]);
	printf("\n");
	check_eq("beq Z=1", cond[4] & 1, 1);
	check_eq("bne Z=0", cond[0] >> 1 & 1, 1);
	check_eq("bge N=V", cond[9] >> 10 & 1, 1);
	check_eq("bgt Z=1", cond[4] >> 12 & 1, 0);

	static u8 buf[64] __attribute__((aligned(4)));
	u8 ref[64];
	for (int i = 0; i < 64; i++) buf[i] = ref[i] = (u8)(i * 29 + 0x93);
#define W(o) ((u32)ref[o] | ref[(o) + 1] << 8 | ref[(o) + 2] << 16 | (u32)ref[(o) + 3] << 24)
#define H(o) ((u32)ref[o] | ref[(o) + 1] << 8)
	u32 out[32];
	memset(out, 0, sizeof out);
	thumb_mem(buf, out);
	/* apply the stores to the reference */
	u32 sv = 0xa1b2c3d4;
	memcpy(&ref[16], &sv, 4); ref[21] = 0xd4; ref[26] = 0xd4; ref[27] = 0xc3;
	memcpy(&ref[28], &sv, 4); ref[33] = 0xd4; ref[36] = 0xd4; ref[37] = 0xc3;
	u32 want[18] = { W(4), ref[5], H(6), W(8), ref[8], H(8), (u32)(s32)(s8)ref[8],
		(u32)(s32)(s16)H(10), 0x13579bdf, 0x13579bdf, 0x13579bdf, 0x13579bdf,
		W(40), W(44), W(48), 0 };
	want[15] = want[12] - want[13] + 1;
	for (int i = 0; i < 16; i++) {
		check_eq("thumb mem", out[i], want[i]);
		total = (total ^ out[i]) * 0x01000193;
	}
	for (int i = 0; i < 64; i++)
		if (buf[i] != ref[i]) { printf("FAIL store byte %d: %02x want %02x\n", i, buf[i], ref[i]); check_failures++; }
	printf("thumb mem: %08x %08x %08x %08x\n", out[0], out[6], out[7], out[15]);
	printf("thumb1: total %08x\n", total);
	return finish("thumb1");
}
