/* 64-bit arithmetic: add/sub with carry, multiplies, shifts by variable
   amounts, and libgcc's 64-bit division (__aeabi_ldivmod/__aeabi_uldivmod) and
   32-bit division (__aeabi_idiv/__aeabi_uidiv; ARMv5 has no divide instruction). */
#include "semihost.h"

static u64 s = 0x9e3779b97f4a7c15ull;
static u64 next(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }

int main(void)
{
	u64 h = 0;
	volatile u64 big = 0xffffffffffffffffull;
	check_eq64("u64 wrap", big + 1, 0);
	/* volatile operands so the compiler cannot fold these at build time */
	volatile u64 m1 = 0x123456789ull, m2 = 0xabcdefull, n = 0xfedcba9876543210ull, d = 12345;
	volatile s64 sn = -1000000000000ll, sd = 7;
	volatile u32 u = 0xffffffffu, ud = 10;
	volatile s32 i32 = -2000000000, id = 3;
	check_eq64("mul", m1 * m2, 0xc379aaaa375de7ull);
	check_eq64("udiv", n / d, 0x548fd367c6dfeull);
	check_eq64("umod", n % d, 0x1482);
	check_eq64("sdiv", (u64)(sn / sd), (u64)-142857142857ll);
	check_eq64("smod", (u64)(sn % sd), (u64)-1ll);
	check_eq("udiv32", u / ud, 429496729);
	check_eq("sdiv32", (u32)(i32 / id), (u32)-666666666);
	for (int i = 0; i < 2000; i++) {
		u64 a = next(), b = next() >> (i & 63);
		s64 sa = (s64)a, sb = (s64)(b | 1);
		u32 sh = (u32)a & 63;
		h ^= a + b; h = (h << 7) | (h >> 57);
		h ^= a - b; h ^= a * b;
		h ^= a << sh; h ^= a >> sh; h ^= (u64)(sa >> sh);
		if (b) { h += a / b; h ^= a % b; }
		h += (u64)(sa / sb); h ^= (u64)(sa % sb);
		u32 x = (u32)a, y = (u32)(b >> 3) | 1;
		h += x / y; h ^= (u32)((s32)x / (s32)y); h += x % y;
		h += (u64)(s64)(s32)x * (s32)y;
		if ((i & 0xff) == 0)
			printf("i=%4d a=%016llx b=%016llx h=%016llx\n", i, a, b, h);
	}
	printf("64-bit hash %016llx\n", h);
	printf("signed: %lld %lld %lld\n", -9223372036854775807ll - 1, 9223372036854775807ll, -1ll);
	return finish("int64");
}
