/* Integer arithmetic in 8, 16, 32 and 64 bits over a table of edge values: what gcc makes of
 * C's operators on i386 (add/adc, sub/sbb, imul/mul, div/idiv and the 64-bit helpers, shifts
 * and double shifts, rotates, setcc/cmovcc, bsf/bsr/bswap), printed as checksums and samples.
 * No floating point (the i386 guest has no x87 yet). */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static const uint32_t V[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xdeadbeef, 0x55555555,
	0xaaaaaaaa, 1000000007, 0x0f0f0f0f, 0xf0f0f0f0,
};
#define N (sizeof V / sizeof V[0])

static uint32_t h = 2166136261u;
static void mix(uint32_t v) { h = (h ^ v) * 16777619u; }
static void mix64(uint64_t v) { mix((uint32_t)v); mix((uint32_t)(v >> 32)); }

static __attribute__((noinline)) uint32_t rol32(uint32_t x, unsigned n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static __attribute__((noinline)) uint16_t ror16(uint16_t x, unsigned n) { n &= 15; return n ? (uint16_t)((x >> n) | (x << (16 - n))) : x; }

int main(void)
{
	unsigned i, j;
	for (i = 0; i < N; i++) {
		for (j = 0; j < N; j++) {
			uint32_t a = V[i], b = V[j];
			int32_t sa = (int32_t)a, sb = (int32_t)b;
			mix(a + b); mix(a - b); mix(a * b); mix(a & b); mix(a | b); mix(a ^ b);
			mix(sa < sb); mix(a < b); mix(sa <= sb); mix(a >= b); mix(a == b);
			mix(sa > sb ? a : b); mix(a < b ? a : b);
			if (b) { mix(a / b); mix(a % b); }
			if (sb && !(sa == INT_MIN && sb == -1)) { mix((uint32_t)(sa / sb)); mix((uint32_t)(sa % sb)); }
			mix(a << (b & 31)); mix(a >> (b & 31)); mix((uint32_t)(sa >> (b & 31)));
			mix(rol32(a, b)); mix(ror16((uint16_t)a, b));
			uint8_t a8 = (uint8_t)a, b8 = (uint8_t)b; int8_t s8 = (int8_t)a, t8 = (int8_t)b;
			mix((uint8_t)(a8 + b8)); mix((uint8_t)(a8 * b8)); mix(s8 < t8); mix(a8 < b8);
			if (b8) { mix(a8 / b8); mix(a8 % b8); }
			if (t8 && !(s8 == -128 && t8 == -1)) { mix((uint32_t)(s8 / t8)); mix((uint32_t)(s8 % t8)); }
			uint16_t a16 = (uint16_t)a, b16 = (uint16_t)b; int16_t s16 = (int16_t)a, t16 = (int16_t)b;
			mix((uint16_t)(a16 - b16)); mix((uint16_t)(a16 * b16)); mix((uint32_t)(s16 * t16)); mix(s16 < t16);
			if (b16) { mix(a16 / b16); mix(a16 % b16); }
			if (t16 && !(s16 == -32768 && t16 == -1)) mix((uint32_t)(s16 / t16));
			uint64_t A = ((uint64_t)a << 32) | b, B = ((uint64_t)b << 32) ^ a;
			int64_t SA = (int64_t)A, SB = (int64_t)B;
			mix64(A + B); mix64(A - B); mix64(A * B); mix64(A << (b & 63)); mix64(A >> (a & 63)); mix64((uint64_t)(SA >> (b & 63)));
			mix(SA < SB); mix(A < B);
			if (B) { mix64(A / B); mix64(A % B); }
			if (SB && !(SA == LLONG_MIN && SB == -1)) { mix64((uint64_t)(SA / SB)); mix64((uint64_t)(SA % SB)); }
			mix64((uint64_t)a * b); mix64((uint64_t)((int64_t)sa * sb));
			uint32_t r;
			mix(__builtin_add_overflow(sa, sb, (int32_t *)&r)); mix(r);
			mix(__builtin_sub_overflow(a, b, &r)); mix(r);
			mix(__builtin_mul_overflow(sa, sb, (int32_t *)&r)); mix(r);
		}
		uint32_t a = V[i];
		mix(a ? (uint32_t)__builtin_clz(a) : 99); mix(a ? (uint32_t)__builtin_ctz(a) : 99);
		mix((uint32_t)__builtin_popcount(a)); mix(__builtin_bswap32(a)); mix(__builtin_bswap16((uint16_t)a));
		mix((uint32_t)-(int32_t)a); mix(~a); mix((uint32_t)(int8_t)a); mix((uint32_t)(int16_t)a);
		mix64((uint64_t)(int64_t)(int32_t)a);
		printf("%2u: %08x neg=%d not=%08x clz=%d pop=%d bswap=%08x -> %08x\n", i, a, -(int32_t)a, ~a,
		       a ? __builtin_clz(a) : -1, __builtin_popcount(a), __builtin_bswap32(a), h);
	}
	/* A switch through a jump table, and a loop the compiler keeps in registers. */
	uint32_t acc = 0;
	for (i = 0; i < 1000; i++) {
		switch (i % 7) {
		case 0: acc += i; break;
		case 1: acc ^= i << 3; break;
		case 2: acc = rol32(acc, i); break;
		case 3: acc -= i * 7; break;
		case 4: acc |= 1u << (i & 31); break;
		case 5: acc &= ~(1u << (i & 15)); break;
		default: acc = acc * 33 + 5; break;
		}
	}
	printf("switch: %08x\n", acc);
	printf("INT_MIN/-1 in 64 bits: %lld\n", (long long)INT_MIN / -1);
	printf("checksum %08x\n", h);
	return (int)(h & 0x7f);
}
