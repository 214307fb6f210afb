/*
 * Floating point on the i386 guest: x87 arithmetic as gcc emits it, printf's conversions,
 * int <-> float <-> double <-> long double <-> long long conversions, comparisons with NaN,
 * libm, rounding modes (fesetround) and exception flags (fetestexcept). Every result is printed
 * exactly (%a and the bit patterns) as well as with %f/%g/%e, so that any difference from
 * qemu-i386 shows. Built -O2 (float) and -O0 (float-O0).
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values the compiler cannot fold. */
static volatile double vd[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 2.5, -2.5, 3.5, 1e300, 1e-300, 4.9e-324,
				 123456789.125, -987654.321, 0.5, 1.5, 2.0, 10.0, 1e16, 9007199254740993.0 };
#define NVD (sizeof vd / sizeof vd[0])
static volatile float vf[] = { 0.0f, 1.0f, -1.5f, 0.1f, 3.4e38f, 1.17549435e-38f, 1e-45f, 16777217.0f };
#define NVF (sizeof vf / sizeof vf[0])
static volatile long long vll[] = { 0, 1, -1, 9007199254740993LL, -9007199254740993LL, 0x7fffffffffffffffLL,
				    (long long)0x8000000000000000ULL, 1234567890123LL };
#define NVLL (sizeof vll / sizeof vll[0])
static volatile int vi[] = { 0, 1, -1, 2147483647, (int)0x80000000, 123456 };
#define NVI (sizeof vi / sizeof vi[0])

static unsigned long long dbits(double d) { unsigned long long u; memcpy(&u, &d, 8); return u; }
static unsigned fbits(float f) { unsigned u; memcpy(&u, &f, 4); return u; }

static void show(const char *what, double d) {
	printf("%-22s %a %016llx %f %g %e %.17g\n", what, d, dbits(d), d, d, d, d);
}

static void arithmetic(void) {
	for (unsigned i = 0; i < NVD; i++) {
		for (unsigned j = 0; j < NVD; j += 3) {
			double a = vd[i], b = vd[j];
			char t[64];
			snprintf(t, sizeof t, "%u %u +", i, j); show(t, a + b);
			snprintf(t, sizeof t, "%u %u -", i, j); show(t, a - b);
			snprintf(t, sizeof t, "%u %u *", i, j); show(t, a * b);
			snprintf(t, sizeof t, "%u %u /", i, j); show(t, a / b);
			printf("  cmp %d %d %d %d %d %d\n", a < b, a <= b, a == b, a != b, a > b, a >= b);
		}
	}
	/* Extended intermediates: the sum is exact in 80 bits, then rounded once to double. */
	volatile double big = 1e16, one = 1.0;
	show("big+1-big", big + one - big);
	volatile long double ld = (long double)vd[5] * 3;
	printf("ld 1/3*3 %La %.21Lg\n", ld, ld);
	volatile long double l2 = 1.0L / 3.0L;
	printf("ld 1/3 %La %.25Lg %Lf %Le\n", l2, l2, l2, l2);
	volatile long double huge = 1e4000L, tiny = 1e-4000L;
	printf("ld range %Lg %Lg %La %La\n", huge, tiny, huge * huge, tiny * tiny);
	printf("ld to double %g %g\n", (double)huge, (double)tiny);
}

static void conversions(void) {
	for (unsigned i = 0; i < NVD; i++) {
		double d = vd[i];
		float f = (float)d;
		long long ll = (d > -9.2e18 && d < 9.2e18) ? (long long)d : 0;
		int n = (d > -2.1e9 && d < 2.1e9) ? (int)d : 0;
		unsigned u = (d >= 0 && d < 4.2e9) ? (unsigned)d : 0;
		unsigned long long ull = (d >= 0 && d < 1.8e19) ? (unsigned long long)d : 0;
		printf("conv %u f=%08x %a ll=%lld i=%d u=%u ull=%llu lround=%ld llrint=%lld\n", i, fbits(f), (double)f, ll, n, u, ull,
		       (d > -2e9 && d < 2e9) ? lround(d) : 0L, (d > -9e18 && d < 9e18) ? llrint(d) : 0LL);
	}
	for (unsigned i = 0; i < NVF; i++) {
		float f = vf[i];
		printf("float %u %08x %a %g %.9g %d\n", i, fbits(f), (double)f, f, f * 3.0f, (int)(f > 1e9f ? 0 : f));
	}
	for (unsigned i = 0; i < NVLL; i++) {
		long long ll = vll[i];
		double d = (double)ll;
		float f = (float)ll;
		unsigned long long ull = (unsigned long long)ll;
		printf("ll %lld -> %a %08x %a; ull -> %a; back %lld\n", ll, d, fbits(f), (double)(long double)ll, (double)ull,
		       (d > -9.2e18 && d < 9.2e18) ? (long long)d : 0);
	}
	for (unsigned i = 0; i < NVI; i++) {
		int n = vi[i];
		printf("int %d -> %a %08x %a\n", n, (double)n, fbits((float)n), (double)(unsigned)n);
	}
	/* long double keeps 64 bits of a long long exactly. */
	volatile long long exact = 0x7ffffffffffffff1LL;
	volatile long double lx = exact;
	printf("ld exact %lld\n", (long long)lx);
	short s = (short)vd[12 % NVD];
	printf("short %d\n", s);
}

static void nans(void) {
	volatile double zero = 0.0, inf = INFINITY;
	double qnan = zero / zero;
	double nan2 = NAN;
	double vals[] = { qnan, nan2, -nan2, inf, -inf, inf - inf, inf * zero, sqrt(-1.0), 1.0 };
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		double a = vals[i];
		printf("nan %u %016llx isnan=%d isinf=%d signbit=%d fpclass=%d | <1:%d ==:%d !=:%d >=1:%d unord:%d | %f %g\n", i, dbits(a),
		       isnan(a), isinf(a), signbit(a) != 0, fpclassify(a), a < 1.0, a == a, a != a, a >= 1.0, isunordered(a, 1.0), a, a);
		printf("  ops %016llx %016llx %016llx\n", dbits(a + 1.0), dbits(a * vd[2]), dbits(vd[3] - a));
	}
	printf("fmax %g fmin %g\n", fmax(qnan, 2.0), fmin(qnan, -2.0));
}

static void libm(void) {
	static const double xs[] = { 0.0, 0.5, 1.0, -1.0, 2.0, 3.14159, -7.25, 10.0, 100.0, 1e-5, 0.75, 1e10 };
	for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		volatile double x = xs[i];
		printf("libm %g: sqrt %.17g sin %.17g cos %.17g tan %.17g\n", x, sqrt(fabs(x)), sin(x), cos(x), tan(x));
		printf("  atan %.17g atan2 %.17g exp %.17g log %.17g\n", atan(x), atan2(x, 3.0), x < 700 ? exp(x) : 0.0, x > 0 ? log(x) : 0.0);
		printf("  pow %.17g floor %g ceil %g round %g trunc %g rint %g fmod %.17g log10 %.17g\n", pow(fabs(x), 1.5), floor(x), ceil(x),
		       round(x), trunc(x), rint(x), fmod(x, 0.3), x > 0 ? log10(x) : 0.0);
		printf("  exp2 %.17g log2 %.17g expm1 %.17g log1p %.17g asin %.17g hypot %.17g cbrt %.17g\n", x < 700 ? exp2(x) : 0.0,
		       x > 0 ? log2(x) : 0.0, x < 700 ? expm1(x) : 0.0, x > -1 ? log1p(x) : 0.0, fabs(x) <= 1 ? asin(x) : 0.0, hypot(x, 4.0), cbrt(x));
		int e;
		double m = frexp(x, &e);
		printf("  frexp %a %d ldexp %a modf %g remainder %g\n", m, e, ldexp(x, 7), modf(x, &m), remainder(x, 0.7));
	}
	printf("fmod big %.17g %.17g\n", fmod(1e300, 3.0), fmod(-1e20, 7.5));
	printf("float libm %.9g %.9g %.9g %.9g\n", sqrtf(2.0f), sinf(0.5f), expf(1.0f), logf(10.0f));
}

static void rounding(void) {
	static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
	static const char *names[] = { "nearest", "down", "up", "zero" };
	for (unsigned k = 0; k < 4; k++) {
		if (fesetround(modes[k]) != 0) { printf("fesetround failed\n"); continue; }
		volatile double a = 1.0, b = 3.0, c = -2.5, d = 0.5, e = 2.5;
		printf("%-8s mode=%d 1/3=%a -1/3=%a rint(-2.5)=%g rint(0.5)=%g rint(2.5)=%g nearbyint(-2.5)=%g lrint(2.5)=%ld (int)2.5=%d\n", names[k],
		       fegetround() == modes[k], a / b, -a / b, rint(c), rint(d), rint(e), nearbyint(c), lrint(e), (int)e);
		volatile float fa = 1.0f, fb = 3.0f;
		printf("  float 1/3=%a sqrt2=%a ll=%lld\n", (double)(fa / fb), sqrt(2.0), llrint(-7.5));
	}
	fesetround(FE_TONEAREST);
}

static void flags(void) {
	volatile double zero = 0.0, one = 1.0, big = 1e308, small = 1e-308;
	feclearexcept(FE_ALL_EXCEPT);
	volatile double r = one / zero;
	printf("divbyzero %d %d\n", fetestexcept(FE_DIVBYZERO) != 0, fetestexcept(FE_INVALID) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	printf("invalid %d\n", fetestexcept(FE_INVALID) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = one / 3.0;
	printf("inexact %d\n", fetestexcept(FE_INEXACT) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = big * big;
	printf("overflow %d\n", fetestexcept(FE_OVERFLOW) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = small * small;
	printf("underflow %d\n", fetestexcept(FE_UNDERFLOW) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = one + one;
	printf("exact %d\n", fetestexcept(FE_ALL_EXCEPT));
	(void)r;
	fenv_t env;
	fegetenv(&env);
	fesetround(FE_UPWARD);
	fesetenv(&env);
	printf("env restored %d\n", fegetround() == FE_TONEAREST);
}

static void strings(void) {
	const char *in[] = { "3.14159", "1e-310", "-0", "inf", "nan", "0x1.8p3", "123456789012345678901234567890", "2.2250738585072011e-308" };
	for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
		double d = strtod(in[i], NULL);
		float f = strtof(in[i], NULL);
		long double l = strtold(in[i], NULL);
		printf("strtod %s -> %016llx %08x %La\n", in[i], dbits(d), fbits(f), l);
	}
	printf("%.0f %.1f %.2f %.3f %10.4f|%-10.2e|%+g %G %E\n", 0.5, 0.25, 1.005, 2.0005, 3.14159, 12345.678, 1e-5, 1e20, 6.02e23);
	printf("%.20f %.30e\n", 0.1, 1.0 / 3.0);
	printf("%Lf %Lg %.20Le\n", 1.0L / 7.0L, 1e100L, 2.0L / 3.0L);
}

int main(int argc, char **argv) {
	const char *only = argc > 1 ? argv[1] : "";
	if (!*only || !strcmp(only, "arith")) arithmetic();
	if (!*only || !strcmp(only, "conv")) conversions();
	if (!*only || !strcmp(only, "nan")) nans();
	if (!*only || !strcmp(only, "libm")) libm();
	if (!*only || !strcmp(only, "round")) rounding();
	if (!*only || !strcmp(only, "flags")) flags();
	if (!*only || !strcmp(only, "strings")) strings();
	return 0;
}
