/* MRS/MSR: flag and control fields, immediate and register forms, SPSR per
   mode, mode switches and the banked r13/r14 (and FIQ r8-r12). */
#include "semihost.h"

extern void banked_regs(u32 *out);
extern void msr_forms(u32 *out);

int main(void)
{
	static const char *const modes[5] = { "fiq", "irq", "abt", "und", "sys" };
	static const u32 sps[5] = { 0x07d00000, 0x07e00000, 0x07c00000, 0x07b00000, 0x07a00000 };
	u32 out[32];
	memset(out, 0, sizeof out);
	banked_regs(out);
	u32 *p = out + 5;
	for (int i = 0; i < 5; i++) {
		u32 lr = *p++, spsr = i < 4 ? *p++ : 0;
		printf("%s: sp %08x lr %08x spsr %08x\n", modes[i], out[i], lr, spsr);
		check_eq(modes[i], out[i], sps[i]);
		check_eq("banked lr", lr, 0x100 + i);
		if (i < 4)
			check_eq("banked spsr", spsr, ((0x101u + i) << 28) | 0x10);
		if (i == 0) {
			u32 fiq = *p++;
			printf("fiq r8-r11 sum %x\n", fiq);
			check_eq("fiq r8-r11", fiq, 0x18 + 0x19 + 0x1a + 0x1b);
		}
	}
	printf("svc r8-r11 sum %x\n", *p);
	check_eq("svc r8-r11", *p, 0x80 + 0x90 + 0xa0 + 0xb0);

	msr_forms(out);
	for (int i = 0; i < 7; i++)
		printf("msr[%d] = %08x\n", i, out[i]);
	check_eq("msr f imm", out[0] >> 27, 0x1e);
	check_eq("msr q", out[1] >> 27, 0x01);
	check_eq("msr f reg", out[2] >> 27, 0x0a);
	check_eq("spsr fc", out[3], 0xa00000d3);
	check_eq("spsr f", out[4], 0x000000d3);
	check_eq("spsr c imm", out[5], 0x0000001f);
	check_eq("cpsr_c reg", out[6] & 0x1f, 0x17);
	u32 c = get_cpsr();
	check_eq("back in svc", c & 0x1f, 0x13);
	return finish("psr");
}
