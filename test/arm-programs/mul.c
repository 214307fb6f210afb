/* Multiplies, CLZ, saturating and DSP (ARMv5TE) instructions against C models,
   including N/Z of the S forms (C and V must be left alone on ARMv5) and the
   sticky Q flag. */
#include "semihost.h"

#define NZCVQ(f) ((f) >> 27)

#define RUN2(insn, a, b, fin, fout) ({ u32 _r, _f; \
	__asm__ volatile("msr cpsr_f, %4\n\t" insn " %0, %2, %3\n\tmrs %1, cpsr" \
		: "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b), "r"(fin) : "cc"); fout = _f; _r; })
#define RUN3(insn, a, b, c, fin, fout) ({ u32 _r, _f; \
	__asm__ volatile("msr cpsr_f, %5\n\t" insn " %0, %2, %3, %4\n\tmrs %1, cpsr" \
		: "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b), "r"(c), "r"(fin) : "cc"); fout = _f; _r; })
#define RUNL(insn, lo, hi, a, b, fin, fout) do { u32 _f; \
	__asm__ volatile("msr cpsr_f, %5\n\t" insn " %0, %1, %3, %4\n\tmrs %2, cpsr" \
		: "+&r"(lo), "+&r"(hi), "=&r"(_f) : "r"(a), "r"(b), "r"(fin) : "cc"); fout = _f; } while (0)

static const u32 vals[12] = { 0, 1, 2, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
	0xffffffff, 0x12345678, 0xfedcba98, 0x00018000 };
static const u32 fins[3] = { 0x00000000, 0xf0000000, 0x38000000 };   /* incl. Q set */

static u32 sums[32];
static const char *names[32];
static int nops;

static void record(int i, const char *name, u32 got, u32 want, u32 gotf, u32 wantf)
{
	names[i] = name;
	sums[i] = (((sums[i] ^ got) * 0x01000193) ^ NZCVQ(gotf)) * 0x01000193;
	if (got != want || NZCVQ(gotf) != NZCVQ(wantf)) {
		if (check_failures++ < 20)
			printf("FAIL %s: got %08x/%02x want %08x/%02x\n", name, got, NZCVQ(gotf),
			       want, NZCVQ(wantf));
	}
	if (i >= nops) nops = i + 1;
}

static u32 nz32(u32 r, u32 fin) { return (fin & 0x3f000000) | (r & 0x80000000) | (r == 0) << 30; }
static u32 nz64(u64 r, u32 fin)
{
	return (fin & 0x3f000000) | ((u32)(r >> 32) & 0x80000000) | (r == 0) << 30;
}

static s32 sat(s64 v, u32 *q)
{
	if (v > 0x7fffffff) { *q = 1; return 0x7fffffff; }
	if (v < -0x7fffffffll - 1) { *q = 1; return (s32)0x80000000; }
	return (s32)v;
}

static s32 half(u32 v, int top) { return top ? (s16)(v >> 16) : (s16)v; }

static u32 addq(s32 a, s32 b, u32 *q)
{
	s64 w = (s64)a + b;
	if (w != (s32)(u32)w) *q = 1;
	return (u32)w;
}

int main(void)
{
	for (int i = 0; i < 12; i++)
	for (int j = 0; j < 12; j++)
	for (int k = 0; k < 3; k++) {
		u32 a = vals[i], b = vals[j], c = vals[(i + j + k) % 12], fin = fins[k], f;
		u32 q, w, lo, hi;
		u64 acc = ((u64)vals[(i * 5 + j) % 12] << 32) | vals[(j * 7 + k) % 12], r64;

		w = RUN2("mul", a, b, fin, f);   record(0, "mul", w, a * b, f, fin);
		w = RUN2("muls", a, b, fin, f);  record(1, "muls", w, a * b, f, nz32(a * b, fin));
		w = RUN3("mla", a, b, c, fin, f);  record(2, "mla", w, a * b + c, f, fin);
		w = RUN3("mlas", a, b, c, fin, f); record(3, "mlas", w, a * b + c, f, nz32(a * b + c, fin));

		r64 = (u64)a * b; lo = 0; hi = 0;
		RUNL("umulls", lo, hi, a, b, fin, f);
		record(4, "umulls lo", lo, (u32)r64, f, nz64(r64, fin));
		record(5, "umulls hi", hi, (u32)(r64 >> 32), f, nz64(r64, fin));
		r64 = (u64)a * b + acc; lo = (u32)acc; hi = (u32)(acc >> 32);
		RUNL("umlal", lo, hi, a, b, fin, f);
		record(6, "umlal", lo ^ hi * 3, (u32)r64 ^ (u32)(r64 >> 32) * 3, f, fin);
		r64 = (u64)((s64)(s32)a * (s32)b); lo = 0; hi = 0;
		RUNL("smull", lo, hi, a, b, fin, f);
		record(7, "smull", lo ^ hi * 3, (u32)r64 ^ (u32)(r64 >> 32) * 3, f, fin);
		r64 = (u64)((s64)(s32)a * (s32)b) + acc; lo = (u32)acc; hi = (u32)(acc >> 32);
		RUNL("smlals", lo, hi, a, b, fin, f);
		record(8, "smlals", lo ^ hi * 3, (u32)r64 ^ (u32)(r64 >> 32) * 3, f, nz64(r64, fin));

		__asm__ volatile("msr cpsr_f, %2\n\tclz %0, %3\n\tmrs %1, cpsr"
				 : "=&r"(w), "=&r"(f) : "r"(fin), "r"(a) : "cc");
		record(9, "clz", w, a ? (u32)__builtin_clz(a) : 32, f, fin);

		q = 0; w = (u32)sat((s64)(s32)a + (s32)b, &q);
		{ u32 g = RUN2("qadd", a, b, fin, f); record(10, "qadd", g, w, f, fin | q << 27); }
		q = 0; w = (u32)sat((s64)(s32)a - (s32)b, &q);
		{ u32 g = RUN2("qsub", a, b, fin, f); record(11, "qsub", g, w, f, fin | q << 27); }
		q = 0; w = (u32)sat((s64)(s32)a + sat((s64)(s32)b * 2, &q), &q);
		{ u32 g = RUN2("qdadd", a, b, fin, f); record(12, "qdadd", g, w, f, fin | q << 27); }
		q = 0; w = (u32)sat((s64)(s32)a - sat((s64)(s32)b * 2, &q), &q);
		{ u32 g = RUN2("qdsub", a, b, fin, f); record(13, "qdsub", g, w, f, fin | q << 27); }

		w = (u32)(half(a, 0) * half(b, 0)); record(14, "smulbb", RUN2("smulbb", a, b, fin, f), w, f, fin);
		w = (u32)(half(a, 0) * half(b, 1)); record(15, "smulbt", RUN2("smulbt", a, b, fin, f), w, f, fin);
		w = (u32)(half(a, 1) * half(b, 0)); record(16, "smultb", RUN2("smultb", a, b, fin, f), w, f, fin);
		w = (u32)(half(a, 1) * half(b, 1)); record(17, "smultt", RUN2("smultt", a, b, fin, f), w, f, fin);
		q = 0; w = addq(half(a, 0) * half(b, 0), (s32)c, &q);
		record(18, "smlabb", RUN3("smlabb", a, b, c, fin, f), w, f, fin | q << 27);
		q = 0; w = addq(half(a, 1) * half(b, 0), (s32)c, &q);
		record(19, "smlatb", RUN3("smlatb", a, b, c, fin, f), w, f, fin | q << 27);
		q = 0; w = addq(half(a, 0) * half(b, 1), (s32)c, &q);
		record(20, "smlabt", RUN3("smlabt", a, b, c, fin, f), w, f, fin | q << 27);
		q = 0; w = addq(half(a, 1) * half(b, 1), (s32)c, &q);
		record(21, "smlatt", RUN3("smlatt", a, b, c, fin, f), w, f, fin | q << 27);
		w = (u32)(s32)(((s64)(s32)a * half(b, 0)) >> 16);
		record(22, "smulwb", RUN2("smulwb", a, b, fin, f), w, f, fin);
		w = (u32)(s32)(((s64)(s32)a * half(b, 1)) >> 16);
		record(23, "smulwt", RUN2("smulwt", a, b, fin, f), w, f, fin);
		q = 0; w = addq((s32)(((s64)(s32)a * half(b, 0)) >> 16), (s32)c, &q);
		record(24, "smlawb", RUN3("smlawb", a, b, c, fin, f), w, f, fin | q << 27);
		q = 0; w = addq((s32)(((s64)(s32)a * half(b, 1)) >> 16), (s32)c, &q);
		record(25, "smlawt", RUN3("smlawt", a, b, c, fin, f), w, f, fin | q << 27);
		r64 = acc + (u64)(s64)(half(a, 0) * half(b, 0)); lo = (u32)acc; hi = (u32)(acc >> 32);
		RUNL("smlalbb", lo, hi, a, b, fin, f);
		record(26, "smlalbb", lo ^ hi * 3, (u32)r64 ^ (u32)(r64 >> 32) * 3, f, fin);
		r64 = acc + (u64)(s64)(half(a, 1) * half(b, 1)); lo = (u32)acc; hi = (u32)(acc >> 32);
		RUNL("smlaltt", lo, hi, a, b, fin, f);
		record(27, "smlaltt", lo ^ hi * 3, (u32)r64 ^ (u32)(r64 >> 32) * 3, f, fin);
	}
	for (int i = 0; i < nops; i++)
		printf("%-10s %08x\n", names[i], sums[i]);
	/* A few literal values, so a mismatch is readable without the model. */
	u32 f;
	printf("qadd 7fffffff+1 = %08x nzcvq=%02x\n", RUN2("qadd", 0x7fffffff, 1, 0, f), NZCVQ(f));
	printf("smlawt = %08x nzcvq=%02x\n", RUN3("smlawt", 0x7fffffff, 0x7fff0000, 0x7fffffff, 0, f), NZCVQ(f));
	return finish("mul");
}
