/* Loads and stores: every addressing mode (immediate/register/scaled register
   offsets, pre/post-indexed, writeback, up/down), byte/half/signed/double forms,
   the T (user) forms, PLD, LDM/STM in all four modes, the ^ user-bank form and
   SWP/SWPB. Word accesses are aligned: unaligned LDR rotates on ARMv5 and we do
   not want the test to depend on it. */
#include "semihost.h"

static u8 buf[96] __attribute__((aligned(8)));
static u8 ref[96];
#define BASE 48

static void reset(void)
{
	for (int i = 0; i < 96; i++)
		buf[i] = ref[i] = (u8)(i * 37 + 0x81);
}
static u32 w32(int o) { return ref[o] | ref[o + 1] << 8 | ref[o + 2] << 16 | (u32)ref[o + 3] << 24; }
static u32 h16(int o) { return ref[o] | ref[o + 1] << 8; }
static u32 sh16(int o) { return (u32)(s32)(s16)h16(o); }
static u32 sb8(int o) { return (u32)(s32)(s8)ref[o]; }
static void put(int o, int size, u32 v) { for (int i = 0; i < size; i++) ref[o + i] = (u8)(v >> (8 * i)); }

static u32 total = 0x811c9dc5;
static void mix(u32 v) { total = (total ^ v) * 0x01000193; }

static void check_buf(const char *what)
{
	for (int i = 0; i < 96; i++)
		if (buf[i] != ref[i]) {
			printf("FAIL %s: byte %d is %02x want %02x\n", what, i, buf[i], ref[i]);
			check_failures++;
			return;
		}
}

/* Load: %0 base (starts at buf+BASE), %1 destination, %2 index register. */
#define LD(insn, m, want, delta) do { \
	u32 _b = (u32)buf + BASE, _r = 0xdeadbeef, _m = (m); \
	__asm__ volatile(insn : "+r"(_b), "+r"(_r) : "r"(_m) : "memory"); \
	check_eq(insn, _r, want); check_eq(insn " base", _b - (u32)buf - BASE, (u32)(delta)); \
	mix(_r); } while (0)

/* Store of 0xa1b2c3d4: the reference copy gets the same bytes at offset o. */
#define ST(insn, m, o, size, delta) do { \
	reset(); \
	u32 _b = (u32)buf + BASE, _r = 0xa1b2c3d4, _m = (m); \
	__asm__ volatile(insn : "+r"(_b), "+r"(_r) : "r"(_m) : "memory"); \
	put(BASE + (o), size, 0xa1b2c3d4); check_buf(insn); \
	check_eq(insn " base", _b - (u32)buf - BASE, (u32)(delta)); mix(buf[BASE + (o)]); } while (0)

static void loads(void)
{
	reset();
	LD("ldr %1, [%0, #4]", 0, w32(BASE + 4), 0);
	LD("ldr %1, [%0, #-8]", 0, w32(BASE - 8), 0);
	LD("ldr %1, [%0, #8]!", 0, w32(BASE + 8), 8);
	LD("ldr %1, [%0], #-4", 0, w32(BASE), -4);
	LD("ldr %1, [%0, %2]", 12, w32(BASE + 12), 0);
	LD("ldr %1, [%0, -%2]", 16, w32(BASE - 16), 0);
	LD("ldr %1, [%0, %2, lsl #2]", 3, w32(BASE + 12), 0);
	LD("ldr %1, [%0, %2, lsr #1]!", 16, w32(BASE + 8), 8);
	LD("ldr %1, [%0, -%2, asr #2]", 32, w32(BASE - 8), 0);
	LD("ldr %1, [%0], %2, lsl #3", 1, w32(BASE), 8);
	LD("ldr %1, [%0, %2, ror #28]", 1, w32(BASE + 16), 0);
	LD("ldr %1, [%0, %2, lsl #1]", 0x80000000, w32(BASE), 0);     /* offset wraps to 0 */
	LD("ldr %1, [%0], -%2", 20, w32(BASE), -20);
	LD("ldrb %1, [%0, #5]", 0, ref[BASE + 5], 0);
	LD("ldrb %1, [%0, #-3]!", 0, ref[BASE - 3], -3);
	LD("ldrb %1, [%0], #7", 0, ref[BASE], 7);
	LD("ldrb %1, [%0, -%2, lsl #1]", 5, ref[BASE - 10], 0);
	LD("ldrb %1, [%0, %2]!", 9, ref[BASE + 9], 9);
	LD("ldrh %1, [%0, #6]", 0, h16(BASE + 6), 0);
	LD("ldrh %1, [%0, #-10]!", 0, h16(BASE - 10), -10);
	LD("ldrh %1, [%0], #2", 0, h16(BASE), 2);
	LD("ldrh %1, [%0, %2]", 14, h16(BASE + 14), 0);
	LD("ldrh %1, [%0, -%2]!", 2, h16(BASE - 2), -2);
	LD("ldrh %1, [%0], -%2", 4, h16(BASE), -4);
	for (int o = -8; o < 8; o += 2) {
		LD("ldrsh %1, [%0, %2]", (u32)o, sh16(BASE + o), 0);
		LD("ldrsb %1, [%0, %2]", (u32)o + 1, sb8(BASE + o + 1), 0);
	}
	LD("ldrsh %1, [%0, #2]", 0, sh16(BASE + 2), 0);
	LD("ldrsh %1, [%0, #-6]!", 0, sh16(BASE - 6), -6);
	LD("ldrsb %1, [%0, #1]", 0, sb8(BASE + 1), 0);
	LD("ldrsb %1, [%0, #-7]!", 0, sb8(BASE - 7), -7);
	LD("ldrsb %1, [%0], %2", 3, sb8(BASE), 3);
	LD("ldrsh %1, [%0], #-4", 0, sh16(BASE), -4);
	LD("ldrt %1, [%0], #4", 0, w32(BASE), 4);
	LD("ldrbt %1, [%0], #-1", 0, ref[BASE], -1);
	LD("ldrt %1, [%0], %2, lsl #2", 2, w32(BASE), 8);
	/* PLD is a hint: it must not fault or change anything. */
	LD("pld [%0, #64]\n\tpld [%0, %2]\n\tpld [%0, -%2, lsl #2]\n\tldr %1, [%0]", 4, w32(BASE), 0);
	u32 lit;
	__asm__("ldr %0, 1f\n\tb 2f\n1:\t.word 0x13579bdf\n2:" : "=r"(lit));
	check_eq("ldr literal", lit, 0x13579bdf);
	printf("loads: checksum %08x\n", total);
}

static void stores(void)
{
	ST("str %1, [%0, #4]", 0, 4, 4, 0);
	ST("str %1, [%0, #-4]!", 0, -4, 4, -4);
	ST("str %1, [%0], #8", 0, 0, 4, 8);
	ST("str %1, [%0, %2, lsl #2]", 2, 8, 4, 0);
	ST("str %1, [%0, -%2]!", 12, -12, 4, -12);
	ST("str %1, [%0], -%2, lsr #2", 64, 0, 4, -16);
	ST("strb %1, [%0, #3]", 0, 3, 1, 0);
	ST("strb %1, [%0], #-5", 0, 0, 1, -5);
	ST("strb %1, [%0, -%2]", 1, -1, 1, 0);
	ST("strb %1, [%0, %2, lsl #4]!", 1, 16, 1, 16);
	ST("strh %1, [%0, #6]", 0, 6, 2, 0);
	ST("strh %1, [%0, #-2]!", 0, -2, 2, -2);
	ST("strh %1, [%0], %2", 10, 0, 2, 10);
	ST("strh %1, [%0, -%2]", 20, -20, 2, 0);
	ST("strh %1, [%0], #-14", 0, 0, 2, -14);
	ST("strt %1, [%0], #4", 0, 0, 4, 4);
	ST("strbt %1, [%0], #1", 0, 0, 1, 1);
	printf("stores: checksum %08x\n", total);
}

static void doubles(void)
{
	static const struct { const char *insn; int off, delta; } lt[] = {
		{ "ldrd", 8, 0 }, { "ldrd pre-", -16, -16 }, { "ldrd post", 0, 8 },
		{ "ldrd reg", 8, 0 }, { "ldrd -reg!", -8, -8 } };
	for (int i = 0; i < 5; i++) {
		reset();
		register u32 r2 __asm__("r2") = 0, r3 __asm__("r3") = 0;
		u32 b = (u32)buf + BASE, m = 8;
		switch (i) {
		case 0: __asm__ volatile("ldrd r2, r3, [%0, #8]" : "+r"(b), "+r"(r2), "+r"(r3) : "r"(m)); break;
		case 1: __asm__ volatile("ldrd r2, r3, [%0, #-16]!" : "+r"(b), "+r"(r2), "+r"(r3) : "r"(m)); break;
		case 2: __asm__ volatile("ldrd r2, r3, [%0], #8" : "+r"(b), "+r"(r2), "+r"(r3) : "r"(m)); break;
		case 3: __asm__ volatile("ldrd r2, r3, [%0, %3]" : "+r"(b), "+r"(r2), "+r"(r3) : "r"(m)); break;
		case 4: __asm__ volatile("ldrd r2, r3, [%0, -%3]!" : "+r"(b), "+r"(r2), "+r"(r3) : "r"(m)); break;
		}
		check_eq(lt[i].insn, r2, w32(BASE + lt[i].off));
		check_eq(lt[i].insn, r3, w32(BASE + lt[i].off + 4));
		check_eq(lt[i].insn, b - (u32)buf - BASE, (u32)lt[i].delta);
		mix(r2 ^ r3);
	}
	for (int i = 0; i < 4; i++) {
		reset();
		register u32 r2 __asm__("r2") = 0x01234567, r3 __asm__("r3") = 0x89abcdef;
		u32 b = (u32)buf + BASE, m = 16;
		static const int off[4] = { 8, -8, 0, -16 }, delta[4] = { 0, -8, 16, 0 };
		switch (i) {
		case 0: __asm__ volatile("strd r2, r3, [%0, #8]" : "+r"(b) : "r"(r2), "r"(r3), "r"(m) : "memory"); break;
		case 1: __asm__ volatile("strd r2, r3, [%0, #-8]!" : "+r"(b) : "r"(r2), "r"(r3), "r"(m) : "memory"); break;
		case 2: __asm__ volatile("strd r2, r3, [%0], %3" : "+r"(b) : "r"(r2), "r"(r3), "r"(m) : "memory"); break;
		case 3: __asm__ volatile("strd r2, r3, [%0, -%3]" : "+r"(b) : "r"(r2), "r"(r3), "r"(m) : "memory"); break;
		}
		put(BASE + off[i], 4, 0x01234567);
		put(BASE + off[i] + 4, 4, 0x89abcdef);
		check_buf("strd");
		check_eq("strd base", b - (u32)buf - BASE, (u32)delta[i]);
	}
	printf("ldrd/strd: checksum %08x\n", total);
}

/* LDM in mode ia/ib/da/db with and without writeback: loads r4-r7 from buf+BASE. */
#define LDM(insn, o, delta) do { \
	u32 _b = (u32)buf + BASE, _o[4]; \
	__asm__ volatile(insn " %0, {r4-r7}\n\tstmia %1, {r4-r7}" : "+r"(_b) : "r"(_o) \
			 : "r4", "r5", "r6", "r7", "memory"); \
	for (int _i = 0; _i < 4; _i++) check_eq(insn, _o[_i], w32(BASE + (o) + 4 * _i)); \
	check_eq(insn " base", _b - (u32)buf - BASE, (u32)(delta)); mix(_o[0] + _o[3]); } while (0)
#define STM(insn, o, delta) do { \
	static const u32 _v[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 }; \
	reset(); \
	u32 _b = (u32)buf + BASE; \
	__asm__ volatile("ldmia %1, {r4-r7}\n\t" insn " %0, {r4-r7}" : "+r"(_b) : "r"(_v) \
			 : "r4", "r5", "r6", "r7", "memory"); \
	for (int _i = 0; _i < 4; _i++) put(BASE + (o) + 4 * _i, 4, _v[_i]); \
	check_buf(insn); check_eq(insn " base", _b - (u32)buf - BASE, (u32)(delta)); } while (0)

static void multiples(void)
{
	reset();
	LDM("ldmia", 0, 0);
	LDM("ldmia", 0, 0);
	LDM("ldmib", 4, 0);
	LDM("ldmda", -12, 0);
	LDM("ldmdb", -16, 0);
	/* "%0!" is spelled out because the macro appends " %0". */
	{ u32 _b = (u32)buf + BASE, _o[4];
	  __asm__ volatile("ldmia %0!, {r4-r7}\n\tstmia %1, {r4-r7}" : "+r"(_b) : "r"(_o) : "r4", "r5", "r6", "r7", "memory");
	  check_eq("ldmia!", _b - (u32)buf - BASE, 16); check_eq("ldmia! r4", _o[0], w32(BASE)); }
	{ u32 _b = (u32)buf + BASE, _o[4];
	  __asm__ volatile("ldmib %0!, {r4-r7}\n\tstmia %1, {r4-r7}" : "+r"(_b) : "r"(_o) : "r4", "r5", "r6", "r7", "memory");
	  check_eq("ldmib!", _b - (u32)buf - BASE, 16); check_eq("ldmib! r4", _o[0], w32(BASE + 4)); }
	{ u32 _b = (u32)buf + BASE, _o[4];
	  __asm__ volatile("ldmda %0!, {r4-r7}\n\tstmia %1, {r4-r7}" : "+r"(_b) : "r"(_o) : "r4", "r5", "r6", "r7", "memory");
	  check_eq("ldmda!", _b - (u32)buf - BASE, -16); check_eq("ldmda! r7", _o[3], w32(BASE)); }
	{ u32 _b = (u32)buf + BASE, _o[4];
	  __asm__ volatile("ldmdb %0!, {r4-r7}\n\tstmia %1, {r4-r7}" : "+r"(_b) : "r"(_o) : "r4", "r5", "r6", "r7", "memory");
	  check_eq("ldmdb!", _b - (u32)buf - BASE, -16); check_eq("ldmdb! r4", _o[0], w32(BASE - 16)); }
	STM("stmia", 0, 0);
	STM("stmib", 4, 0);
	STM("stmda", -12, 0);
	STM("stmdb", -16, 0);
	{ u32 _b = (u32)buf + BASE;
	  reset();
	  __asm__ volatile("mov r4, #1\n\tmov r5, #2\n\tstmdb %0!, {r4, r5}" : "+r"(_b) : : "r4", "r5", "memory");
	  put(BASE - 8, 4, 1); put(BASE - 4, 4, 2); check_buf("stmdb!");
	  check_eq("stmdb! base", _b - (u32)buf - BASE, -8); }
	{ u32 _b = (u32)buf + BASE;
	  reset();
	  __asm__ volatile("mov r4, #1\n\tmov r5, #2\n\tstmib %0!, {r4, r5}" : "+r"(_b) : : "r4", "r5", "memory");
	  put(BASE + 4, 4, 1); put(BASE + 8, 4, 2); check_buf("stmib!");
	  check_eq("stmib! base", _b - (u32)buf - BASE, 8); }
	/* Base in the list: STM stores the original base when it is the lowest
	   register (even with writeback); LDM without writeback takes the loaded value. */
	{ u32 out[2];
	  reset();
	  __asm__ volatile("mov r4, %1\n\tmov r5, #5\n\tstmia r4!, {r4, r5}\n\tsub r4, r4, %1\n\tldmia %1, {r5, r6}\n\t"
			   "stmia %0, {r4, r6}" : : "r"(out), "r"((u32)buf + BASE) : "r4", "r5", "r6", "memory");
	  check_eq("stm base-in-list wb", out[0], 8);
	  check_eq("stm base-in-list value", out[1], 5);
	  __asm__ volatile("ldmia %1, {r5, r6}\n\tmov r4, %1\n\tldmia r4, {r4, r5}\n\tstmia %0, {r4, r5}"
			   : : "r"(out), "r"((u32)buf + BASE) : "r4", "r5", "r6", "memory");
	  /* buf+BASE still holds what the STM above stored. */
	  check_eq("ldm base-in-list r4", out[0], (u32)buf + BASE);
	  check_eq("ldm base-in-list r5", out[1], 5);
	}
	/* STR/STM of pc store the instruction's address + 8 on qemu (implementation
	   defined on ARMv5: +8 or +12). */
	{ u32 out[2], a1;
	  __asm__ volatile("1: str pc, [%1]\n\tadr %0, 1b" : "=&r"(a1) : "r"(out) : "memory");
	  check_eq("str pc", out[0] - a1, 8); }
	{ u32 out[2], a2;
	  __asm__ volatile("mov r4, #0\n\t2: stmia %1, {r4, pc}\n\tadr %0, 2b"
			   : "=&r"(a2) : "r"(out) : "r4", "memory");
	  check_eq("stm pc", out[1] - a2, 8); }
	printf("ldm/stm: checksum %08x\n", total);
}

/* LDM/STM ^ in a privileged mode move the User-mode r13/r14. */
static void userbank(void)
{
	u32 saved[2], got[2], vals[2] = { 0x1234567c, 0x87654321 }, after[2];
	__asm__ volatile("msr cpsr_c, #0xdf\n\tstmia %0, {sp, lr}\n\tmsr cpsr_c, #0xd3"
			 : : "r"(saved) : "memory");
	__asm__ volatile("stmia %0, {sp, lr}^" : : "r"(got) : "memory");
	check_eq("stm^ sp", got[0], saved[0]);
	check_eq("stm^ lr", got[1], saved[1]);
	__asm__ volatile("ldmia %0, {sp, lr}^\n\tnop" : : "r"(vals) : "memory");
	__asm__ volatile("msr cpsr_c, #0xdf\n\tstmia %0, {sp, lr}\n\tldmia %1, {sp, lr}\n\tmsr cpsr_c, #0xd3"
			 : : "r"(after), "r"(saved) : "memory");
	check_eq("ldm^ sp", after[0], vals[0]);
	check_eq("ldm^ lr", after[1], vals[1]);
	u32 svc_sp;
	__asm__ volatile("mov %0, sp" : "=r"(svc_sp));
	check_eq("svc sp untouched", svc_sp != vals[0], 1);
	printf("user bank: sys sp %08x, ldm^ gave %08x %08x\n", saved[0], after[0], after[1]);
}

static void swaps(void)
{
	static u32 word = 0xcafef00d;
	u32 old, b = (u32)&word, nv = 0x600dbeef;
	__asm__ volatile("swp %0, %1, [%2]" : "=&r"(old) : "r"(nv), "r"(b) : "memory");
	check_eq("swp old", old, 0xcafef00d);
	check_eq("swp new", word, 0x600dbeef);
	__asm__ volatile("swpb %0, %1, [%2]" : "=&r"(old) : "r"(0x1234u), "r"(b + 1) : "memory");
	check_eq("swpb old", old, 0xbe);
	check_eq("swpb new", word, 0x600d34ef);
	/* Same register as source and destination: the old value still comes back. */
	u32 r = 0x55;
	__asm__ volatile("swp %0, %0, [%1]" : "+r"(r) : "r"(b) : "memory");
	check_eq("swp rd==rm", r, 0x600d34ef);
	check_eq("swp rd==rm mem", word, 0x55);
	printf("swp: %08x\n", word);
}

int main(void)
{
	loads();
	stores();
	doubles();
	multiples();
	userbank();
	swaps();
	printf("ldst: total %08x\n", total);
	return finish("ldst");
}
