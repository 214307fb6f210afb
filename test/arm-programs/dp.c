/* Data processing: every opcode x S bit x shifter form against a C model of the
   ARM ARM pseudo-code, over edge-case operands and all interesting NZCV inputs. */
#include "semihost.h"

struct ent { u32 desc; void (*fn)(u32 *io); };
extern const struct ent dptab[];
extern u32 dp_pc_reads(void);

static const char *const opnames[16] = { "and", "eor", "sub", "rsb", "add", "adc", "sbc", "rsc",
	"tst", "teq", "cmp", "cmn", "orr", "mov", "bic", "mvn" };
static const char *const formnames[19] = { "#1", "#0xff000000", "#0x80000000", "#0xf000000f",
	"#0x3fc00", "r2", "lsl#1", "lsl#31", "lsr#1", "lsr#32", "asr#1", "asr#32", "ror#1",
	"ror#31", "rrx", "lsl r3", "lsr r3", "asr r3", "ror r3" };

/* Shifter operand and its carry-out, per the ARM ARM (A5.1). */
static u32 shifter(int n, u32 m, u32 rs, u32 cin, u32 *cout)
{
	static const u32 imms[5] = { 1, 0xff000000, 0x80000000, 0xf000000f, 0x3fc00 };
	u32 s = rs & 0xff;
	*cout = cin;
	switch (n) {
	case 0: case 1: case 2: case 3: case 4:
		if (imms[n] > 0xff) *cout = imms[n] >> 31;	/* rotate != 0 */
		return imms[n];
	case 5: return m;
	case 6: *cout = (m >> 31) & 1; return m << 1;
	case 7: *cout = (m >> 1) & 1; return m << 31;
	case 8: *cout = m & 1; return m >> 1;
	case 9: *cout = m >> 31; return 0;
	case 10: *cout = m & 1; return (u32)((s32)m >> 1);
	case 11: *cout = m >> 31; return (u32)((s32)m >> 31);
	case 12: *cout = m & 1; return (m >> 1) | (m << 31);
	case 13: *cout = (m >> 30) & 1; return (m >> 31) | (m << 1);
	case 14: *cout = m & 1; return (m >> 1) | (cin << 31);
	case 15:
		if (s == 0) return m;
		if (s < 32) { *cout = (m >> (32 - s)) & 1; return m << s; }
		*cout = s == 32 ? m & 1 : 0;
		return 0;
	case 16:
		if (s == 0) return m;
		if (s < 32) { *cout = (m >> (s - 1)) & 1; return m >> s; }
		*cout = s == 32 ? m >> 31 : 0;
		return 0;
	case 17:
		if (s == 0) return m;
		if (s < 32) { *cout = (m >> (s - 1)) & 1; return (u32)((s32)m >> s); }
		*cout = m >> 31;
		return (u32)((s32)m >> 31);
	default: {
		if (s == 0) return m;
		u32 r = s & 31;
		if (r == 0) { *cout = m >> 31; return m; }
		*cout = (m >> (r - 1)) & 1;
		return (m >> r) | (m << (32 - r));
	}
	}
}

static u32 addc(u32 a, u32 b, u32 c, u32 *cf, u32 *vf)
{
	u64 w = (u64)a + b + c;
	u32 r = (u32)w;
	*cf = (u32)(w >> 32);
	*vf = ((~(a ^ b) & (a ^ r)) >> 31) & 1;
	return r;
}

/* Returns Rd and the expected NZCV nibble. */
static u32 model(int op, int s, int n, u32 a, u32 m, u32 rs, u32 nzcv, u32 rd_in, u32 *out)
{
	u32 C = (nzcv >> 1) & 1, V = nzcv & 1, sc, r, c = C, v = V;
	u32 op2 = shifter(n, m, rs, C, &sc);
	int logical = 0;
	switch (op) {
	case 0: case 8: r = a & op2; logical = 1; break;
	case 1: case 9: r = a ^ op2; logical = 1; break;
	case 2: case 10: r = addc(a, ~op2, 1, &c, &v); break;
	case 3: r = addc(op2, ~a, 1, &c, &v); break;
	case 4: case 11: r = addc(a, op2, 0, &c, &v); break;
	case 5: r = addc(a, op2, C, &c, &v); break;
	case 6: r = addc(a, ~op2, C, &c, &v); break;
	case 7: r = addc(op2, ~a, C, &c, &v); break;
	case 12: r = a | op2; logical = 1; break;
	case 13: r = op2; logical = 1; break;
	case 14: r = a & ~op2; logical = 1; break;
	default: r = ~op2; logical = 1; break;
	}
	if (logical) { c = sc; v = V; }
	if (op >= 8 && op <= 11) s = 1;
	*out = s ? ((r >> 31) << 3) | ((r == 0) << 2) | (c << 1) | v : nzcv;
	return (op >= 8 && op <= 11) ? rd_in : r;
}

static const u32 vals[6] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x9abcdef1 };
static const u32 shifts[8] = { 0, 1, 4, 31, 32, 33, 0xff, 0x100 };
static const u32 flagsin[4] = { 0x0, 0x2, 0xf, 0x6 };  /* NZCV nibbles */

int main(void)
{
	u32 total = 0, count = 0;
	for (const struct ent *e = dptab; e->desc != 0xffffffff; e++) {
		int op = e->desc >> 16, s = (e->desc >> 8) & 1, n = e->desc & 0xff;
		int nshift = n >= 15 ? 8 : 1;
		u32 sum = 0x811c9dc5, bad = 0;
		for (int ia = 0; ia < 6; ia++)
			for (int im = 0; im < 6; im++)
				for (int is = 0; is < nshift; is++)
					for (int f = 0; f < 4; f++) {
						u32 io[6] = { vals[ia], vals[im], shifts[is], flagsin[f] << 28,
							      0xdeadbeef, 0 };
						u32 want_f, want;
						e->fn(io);
						want = model(op, s, n, io[0], io[1], io[2], flagsin[f],
							     0xdeadbeef, &want_f);
						sum = (sum ^ io[4]) * 0x01000193;
						sum = (sum ^ (io[5] >> 28)) * 0x01000193;
						count++;
						if ((io[4] != want || io[5] >> 28 != want_f) && bad++ < 3)
							printf("FAIL %s%s %s: a=%08x m=%08x s=%x nzcv=%x -> %08x/%x want %08x/%x\n",
							       opnames[op], s ? "s" : "", formnames[n], vals[ia],
							       vals[im], shifts[is], flagsin[f], io[4], io[5] >> 28,
							       want, want_f);
					}
		if (bad) check_failures++;
		printf("%s%-2s %-12s %08x\n", opnames[op], s ? "s" : "", formnames[n], sum);
		total = (total ^ sum) * 0x01000193;
	}
	u32 pc = dp_pc_reads();
	printf("pc reads: %08x\n", pc);
	check_eq("pc reads", pc, 0x1808);
	printf("dp: %u cases, total %08x\n", count, total);
	return finish("dp");
}
