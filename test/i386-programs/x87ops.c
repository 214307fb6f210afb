/*
 * Directed x87 instruction tests: each instruction on edge operands (zeros, denormals,
 * pseudo-denormals, unnormals, infinities, quiet and signalling NaNs, the largest and smallest
 * values, integers at the limits) in every rounding mode and, for the arithmetic, every precision
 * control. Prints the raw 80-bit results, the status word (flags, condition codes, TOP), the tag
 * word and EFLAGS where an instruction sets them, so that the comparison with qemu-i386 is bit for bit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint64_t m; uint16_t se; } __attribute__((packed)) x80;

static const x80 vals[] = {
	{ 0, 0 }, { 0, 0x8000 },                                   /* +0 -0 */
	{ 0x8000000000000000ULL, 0x3fff }, { 0x8000000000000000ULL, 0xbfff }, /* 1 -1 */
	{ 0xc000000000000000ULL, 0x3fff },                         /* 1.5 */
	{ 0xc90fdaa22168c235ULL, 0x4000 },                         /* pi */
	{ 0xaaaaaaaaaaaaaaabULL, 0x3ffd },                         /* 1/3 */
	{ 0xe800000000000000ULL, 0xc001 },                         /* -7.25 */
	{ 0x8000000000000000ULL, 0x403e },                         /* 2^63 */
	{ 0xffffffffffffffffULL, 0x403d },                         /* 2^62 - tiny: not an integer-range edge */
	{ 0x9502f90000000000ULL, 0x4020 },                         /* 1e10 */
	{ 0x8000000000000001ULL, 0x3ffe },                         /* 0.5 + ulp */
	{ 0x0000000000000001ULL, 0 },                              /* smallest denormal */
	{ 0x4000000000000000ULL, 0x8000 },                         /* -denormal */
	{ 0x8000000000000000ULL, 0 },                              /* pseudo-denormal */
	{ 0x8000000000000000ULL, 1 },                              /* smallest normal */
	{ 0xffffffffffffffffULL, 0x7ffe },                         /* largest */
	{ 0x8000000000000000ULL, 0x7fff }, { 0x8000000000000000ULL, 0xffff }, /* +inf -inf */
	{ 0xc000000000000000ULL, 0x7fff },                         /* qnan */
	{ 0xc000000000001234ULL, 0xffff },                         /* -qnan with payload */
	{ 0xa000000000000000ULL, 0x7fff },                         /* snan */
	{ 0x4000000000000000ULL, 0x3fff },                         /* unnormal */
	{ 0xb504f333f9de6484ULL, 0x3fff },                         /* sqrt 2 */
	{ 0x8000000000000000ULL, 0x3fbf },                         /* 2^-64 */
	{ 0xfffffffffffffc00ULL, 0x403d },                         /* 2^62-ish integer */
};
#define NV (sizeof vals / sizeof vals[0])
/* A smaller set for the two-operand instructions. */
static const int pick[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12, 14, 16, 17, 18, 19, 21, 22, 23 };
#define NP (sizeof pick / sizeof pick[0])

static void px(const x80 *v) { printf(" %04x:%016llx", v->se, (unsigned long long)v->m); }
static unsigned short sw(void) { unsigned short s; __asm__ volatile("fnstsw %0" : "=m"(s)); return s; }
static unsigned tagword(void) { unsigned env[7]; __asm__ volatile("fnstenv %0; fldenv %0" : "=m"(env)); return env[2] & 0xffff; }
static void setcw(unsigned short cw) { __asm__ volatile("fldcw %0" ::"m"(cw)); }
static void reset(unsigned short cw) { __asm__ volatile("fninit"); setcw(cw); }
static const char *rcname[] = { "near", "down", "up", "zero" };

/* One-operand instructions on st0; then every value they leave on the stack, popped and printed. */
struct unary { const char *name; int results; };
static const struct unary unaries[] = {
	{ "fchs", 1 }, { "fabs", 1 }, { "fsqrt", 1 }, { "frndint", 1 }, { "f2xm1", 1 }, { "fsin", 1 },
	{ "fcos", 1 }, { "fptan", 2 }, { "fsincos", 2 }, { "fxtract", 2 }, { "fld", 2 }, { "fxam", 1 }, { "ftst", 1 },
};

static void unary_tests(void) {
	for (unsigned k = 0; k < sizeof unaries / sizeof unaries[0]; k++) {
		for (unsigned rc = 0; rc < 4; rc++) {
			if (rc && k >= 5 && k != 3) continue; /* rounding modes: for the exact ones and frndint */
			for (unsigned i = 0; i < NV; i++) {
				x80 r[2] = { { 0, 0 }, { 0, 0 } };
				reset(0x37f | (rc << 10));
				x80 a = vals[i];
				switch (k) {
#define CASE(n, insn, pushes) case n: __asm__ volatile("fldt %2\n\t" insn "\n\tfstpt %0\n\t" pushes : "=m"(r[0]), "=m"(r[1]) : "m"(a)); break;
				CASE(0, "fchs", "") CASE(1, "fabs", "") CASE(2, "fsqrt", "") CASE(3, "frndint", "") CASE(4, "f2xm1", "")
				CASE(5, "fsin", "") CASE(6, "fcos", "") CASE(7, "fptan", "fstpt %1") CASE(8, "fsincos", "fstpt %1")
				CASE(9, "fxtract", "fstpt %1") CASE(10, "fld %%st(0)", "fstpt %1") CASE(11, "fxam", "") CASE(12, "ftst", "")
#undef CASE
				}
				unsigned short s = sw();
				printf("%s %s %u:", unaries[k].name, rcname[rc], i);
				for (int j = 0; j < unaries[k].results; j++) px(&r[j]);
				printf(" sw=%04x\n", s);
			}
		}
	}
}

/* Two operands: st1 = b, st0 = a, then the instruction, then what is left on the stack. */
static void binary_tests(void) {
	static const char *names[] = { "fadd", "fsub", "fsubr", "fmul", "fdiv", "fdivr", "fprem", "fprem1", "fscale",
				       "fpatan", "fyl2x", "fyl2xp1", "fcom", "fucom", "fcomi", "fucomi", "faddp", "fsubp", "fdivrp", "fxch" };
	for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++) {
		for (unsigned pc = 0; pc < 4; pc++) {
			if (pc == 1) continue;
			for (unsigned rc = 0; rc < 4; rc++) {
				if ((rc || pc != 3) && k >= 6 && k != 8 && k < 16) continue;
				for (unsigned i = 0; i < NP; i++) {
					for (unsigned j = 0; j < NP; j++) {
						x80 a = vals[pick[i]], b = vals[pick[j]], r[2] = { { 0, 0 }, { 0, 0 } };
						unsigned fl = 0;
						reset(0x07f | (pc << 8) | (rc << 10));
						__asm__ volatile("fldt %0\n\tfldt %1" ::"m"(b), "m"(a));
						switch (k) {
#define T2(n, insn) case n: __asm__ volatile(insn "\n\tfstpt %0\n\tfstpt %1" : "=m"(r[0]), "=m"(r[1])); break;
#define T1(n, insn) case n: __asm__ volatile(insn "\n\tfstpt %0" : "=m"(r[0])); break;
						T2(0, "fadd %%st(1),%%st") T2(1, "fsub %%st(1),%%st") T2(2, "fsubr %%st(1),%%st")
						T2(3, "fmul %%st(1),%%st") T2(4, "fdiv %%st(1),%%st") T2(5, "fdivr %%st(1),%%st")
						T2(6, "fprem") T2(7, "fprem1") T2(8, "fscale") T1(9, "fpatan") T1(10, "fyl2x") T1(11, "fyl2xp1")
						T2(12, "fcom %%st(1)") T2(13, "fucom %%st(1)")
						case 14: __asm__ volatile("fcomi %%st(1),%%st\n\tpushf\n\tpopl %2\n\tfstpt %0\n\tfstpt %1" : "=m"(r[0]), "=m"(r[1]), "=r"(fl)); break;
						case 15: __asm__ volatile("fucomi %%st(1),%%st\n\tpushf\n\tpopl %2\n\tfstpt %0\n\tfstpt %1" : "=m"(r[0]), "=m"(r[1]), "=r"(fl)); break;
						T1(16, "faddp %%st,%%st(1)") T1(17, "fsubp %%st,%%st(1)") T1(18, "fdivrp %%st,%%st(1)") T2(19, "fxch %%st(1)")
#undef T1
#undef T2
						}
						unsigned short s = sw();
						/* qemu-i386 leaves C0 C3 C1 clear after fprem1; the SDM (and dynwasm) sets them from the quotient. */
						if (k == 7) s &= ~0x4300;
						printf("%s pc%u %s %u %u:", names[k], pc, rcname[rc], pick[i], pick[j]);
						px(&r[0]);
						if (!(k >= 9 && k <= 11) && k < 16) px(&r[1]);
						if (k == 19) px(&r[1]);
						printf(" sw=%04x", s);
						if (k == 14 || k == 15) printf(" fl=%03x", fl & 0x8d5);
						printf("\n");
					}
				}
			}
		}
	}
}

/* Loads and stores of every format and integer size, in every rounding mode. */
static void convert_tests(void) {
	for (unsigned rc = 0; rc < 4; rc++) {
		for (unsigned i = 0; i < NV; i++) {
			x80 a = vals[i];
			float f; double d; short s16; int s32; long long s64; short t16; int t32; long long t64;
			reset(0x37f | (rc << 10));
			__asm__ volatile("fldt %0\n\tfsts %1\n\tfstl %2\n\tfists %3\n\tfistl %4\n\tfistpll %5"
					 : : "m"(a), "m"(f), "m"(d), "m"(s16), "m"(s32), "m"(s64) : "memory");
			unsigned short st1 = sw();
			__asm__ volatile("fldt %0\n\tfld %%st\n\tfld %%st\n\tfisttps %1\n\tfisttpl %2\n\tfisttpll %3"
					 : : "m"(a), "m"(t16), "m"(t32), "m"(t64) : "memory");
			unsigned short st2 = sw();
			uint32_t fb; uint64_t db;
			memcpy(&fb, &f, 4); memcpy(&db, &d, 8);
			printf("store %s %u: f=%08x d=%016llx i16=%d i32=%d i64=%lld sw=%04x | tt %d %d %lld sw=%04x\n", rcname[rc], i, fb,
			       (unsigned long long)db, s16, s32, (long long)s64, st1, t16, t32, (long long)t64, st2);
		}
	}
	static const uint32_t fs[] = { 0, 0x80000000, 0x3f800000, 0x00000001, 0x807fffff, 0x7f800000, 0x7fc00000, 0x7f800001, 0xffc12345 };
	static const uint64_t ds[] = { 0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 1, 0x800fffffffffffffULL, 0x7ff0000000000000ULL,
				       0x7ff8000000000000ULL, 0x7ff0000000000001ULL, 0xfff8000000abcdefULL, 0x7fefffffffffffffULL };
	for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		x80 r; reset(0x37f);
		__asm__ volatile("flds %1\n\tfstpt %0" : "=m"(r) : "m"(fs[i]));
		printf("flds %08x:", fs[i]); px(&r); printf(" sw=%04x\n", sw());
	}
	for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		x80 r; reset(0x37f);
		__asm__ volatile("fldl %1\n\tfstpt %0" : "=m"(r) : "m"(ds[i]));
		printf("fldl %016llx:", (unsigned long long)ds[i]); px(&r); printf(" sw=%04x\n", sw());
	}
	static const long long is[] = { 0, 1, -1, 32767, -32768, 2147483647, -2147483647 - 1, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1 };
	for (unsigned i = 0; i < sizeof is / sizeof is[0]; i++) {
		x80 r16, r32, r64; short a16 = (short)is[i]; int a32 = (int)is[i];
		reset(0x37f);
		__asm__ volatile("filds %3\n\tfildl %4\n\tfildll %5\n\tfstpt %2\n\tfstpt %1\n\tfstpt %0"
				 : "=m"(r16), "=m"(r32), "=m"(r64) : "m"(a16), "m"(a32), "m"(is[i]));
		printf("fild %lld:", is[i]); px(&r16); px(&r32); px(&r64); printf(" sw=%04x\n", sw());
		x80 s1, s2; reset(0x37f);
		__asm__ volatile("fld1\n\tfiaddl %2\n\tfstpt %0\n\tfld1\n\tfisubrs %3\n\tfstpt %1" : "=m"(s1), "=m"(s2) : "m"(a32), "m"(a16));
		printf("  fiadd/fisubr:"); px(&s1); px(&s2); printf("\n");
	}
}

/* Constants in every rounding mode; the stack, tags, environment and save area. */
static void misc_tests(void) {
	for (unsigned rc = 0; rc < 4; rc++) {
		x80 c[7];
		reset(0x37f | (rc << 10));
		__asm__ volatile("fld1\n\tfldl2t\n\tfldl2e\n\tfldpi\n\tfldlg2\n\tfldln2\n\tfldz\n\t"
				 "fstpt %6\n\tfstpt %5\n\tfstpt %4\n\tfstpt %3\n\tfstpt %2\n\tfstpt %1\n\tfstpt %0"
				 : "=m"(c[0]), "=m"(c[1]), "=m"(c[2]), "=m"(c[3]), "=m"(c[4]), "=m"(c[5]), "=m"(c[6]));
		printf("consts %s:", rcname[rc]);
		for (int i = 0; i < 7; i++) px(&c[i]);
		printf("\n");
	}
	reset(0x37f);
	x80 z = vals[0], dn = vals[12], inf = vals[17], nan = vals[19];
	__asm__ volatile("fldt %0\n\tfldt %1\n\tfldt %2\n\tfldt %3\n\tfld1" ::"m"(z), "m"(dn), "m"(inf), "m"(nan));
	printf("tags %04x sw=%04x\n", tagword(), sw());
	__asm__ volatile("ffree %st(2)\n\tfincstp\n\tfincstp");
	printf("after ffree/fincstp tags %04x sw=%04x\n", tagword(), sw());
	__asm__ volatile("fdecstp");
	printf("after fdecstp tags %04x sw=%04x\n", tagword(), sw());
	unsigned char save[108], save2[108];
	__asm__ volatile("fnsave %0" : "=m"(save));
	printf("after fnsave tags %04x sw=%04x\n", tagword(), sw());
	__asm__ volatile("frstor %0\n\tfnsave %1\n\tfrstor %1" : : "m"(save), "m"(save2) : "memory");
	printf("fnsave/frstor/fnsave %s\n", memcmp(save, save2, 108) == 0 ? "same" : "differs");
	printf("save:");
	for (int i = 0; i < 108; i++) printf("%s%02x", i % 4 ? "" : " ", save[i] ^ ((i >= 12 && i < 28) ? save[i] : 0));
	printf("\n");
	unsigned env[7];
	__asm__ volatile("fnstenv %0" : "=m"(env));
	unsigned short cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	printf("fnstenv cw=%04x sw=%04x tw=%04x; cw after %04x\n", env[0] & 0xffff, env[1] & 0xffff, env[2] & 0xffff, cw);
	/* With exceptions unmasked (none pending): does fnstenv mask them? And the pointers it stores. */
	reset(0x360);
	static double mem1 = 2.0;
	__asm__ volatile("fldl %0\n\tfld1\n\tfaddp" ::"m"(mem1));
	__asm__ volatile("fnstenv %0\n\tfnstcw %1" : "=m"(env), "=m"(cw));
	printf("fnstenv unmasked cw=%04x cw after %04x ip %s dp %s cs=%04x ds=%04x\n", env[0] & 0xffff, cw, env[3] ? "set" : "0",
	       env[5] == (unsigned)(uintptr_t)&mem1 ? "=&mem1" : env[5] ? "other" : "0", env[4] & 0xffff, env[6] & 0xffff);
	__asm__ volatile("fninit\n\tfnstenv %0" : "=m"(env));
	printf("after fninit ip=%x cs=%x dp=%x ds=%x\n", env[3], env[4], env[5], env[6]);
	/* fcmov: each condition after comparing 1 with 2 and with 1. */
	for (int eq = 0; eq < 3; eq++) {
		x80 out[8];
		reset(0x37f);
		x80 lhs = vals[2], rhs = eq == 0 ? vals[2] : eq == 1 ? vals[5] : vals[19];
#define FCMOV(n, insn) __asm__ volatile("fldz\n\tfldt %1\n\tfldt %2\n\tfcomi %%st(1),%%st\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfld1\n\tfldz\n\t" insn " %%st(1),%%st\n\tfstpt %0\n\tfstp %%st(0)\n\tfstp %%st(0)" : "=m"(out[n]) : "m"(rhs), "m"(lhs));
		FCMOV(0, "fcmovb") FCMOV(1, "fcmove") FCMOV(2, "fcmovbe") FCMOV(3, "fcmovu")
		FCMOV(4, "fcmovnb") FCMOV(5, "fcmovne") FCMOV(6, "fcmovnbe") FCMOV(7, "fcmovnu")
#undef FCMOV
		printf("fcmov %d:", eq);
		for (int i = 0; i < 8; i++) printf(" %d", out[i].se != 0);
		printf(" sw=%04x\n", sw());
	}
	/* fnstsw %ax and sahf: the classic compare idiom. */
	for (int i = 0; i < 3; i++) {
		unsigned short ax;
		x80 a = vals[2], b = i == 0 ? vals[2] : i == 1 ? vals[0] : vals[19];
		reset(0x37f);
		__asm__ volatile("fldt %1\n\tfldt %2\n\tfucompp\n\tfnstsw %%ax\n\tmovw %%ax,%0" : "=m"(ax) : "m"(b), "m"(a) : "eax");
		printf("fucompp fnstsw ax=%04x\n", ax);
	}
	/* fnclex clears the flags; a masked stack overflow does not trap. */
	reset(0x37f);
	__asm__ volatile("fldz\n\tfld1\n\tfdivp\n\tfstp %st(0)");
	printf("before fnclex %04x", sw());
	__asm__ volatile("fnclex");
	printf(" after %04x\n", sw());
}

/*
 * fsin fcos fptan on many doubles. qemu-i386 takes these from the host's libm (glibc), dynwasm
 * computes the correctly rounded double, and glibc's is not always that (here cos(0x1.ef5c2a8531243p+1),
 * a near-halfway case, is one ulp apart): so 15 significant digits are printed.
 */
static void trig_tests(void) {
	for (int i = 0; i < 400; i++) {
		double x = i < 300 ? (i - 150) * 0.1075 + i * 1e-9 : (i < 350 ? 1.0 : -1.0) * __builtin_ldexp(1.2345678901, (i - 300) % 50 * 3 - 60);
		x80 s, c, t, one;
		(void)one;
		reset(0x37f);
		__asm__ volatile("fldl %4\n\tfsin\n\tfstpt %0\n\tfldl %4\n\tfcos\n\tfstpt %1\n\tfldl %4\n\tfptan\n\tfstpt %3\n\tfstpt %2"
				 : "=m"(s), "=m"(c), "=m"(t), "=m"(one) : "m"(x));
		long double ls, lc, lt;
		memcpy(&ls, &s, 10); memcpy(&lc, &c, 10); memcpy(&lt, &t, 10);
		printf("trig %a: %.15Lg %.15Lg %.15Lg sw=%04x\n", x, ls, lc, lt, sw());
	}
}

int main(void) {
	trig_tests();
	unary_tests();
	binary_tests();
	convert_tests();
	misc_tests();
	return 0;
}
