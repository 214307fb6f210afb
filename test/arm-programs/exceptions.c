/* SWI (ARM and Thumb, with a result through the handler), undefined
   instructions (skipped, patched and re-executed, from Thumb), BKPT (prefetch
   abort on ARMv5), a User-mode round trip, and the SPSR seen by handlers.
   Data aborts are not tested: versatilepb under qemu does not abort on
   unmapped physical addresses (reads give 0, writes are ignored). */
#include "semihost.h"

volatile u32 swi_last, swi_spsr, swi_count, und_last, und_count, pabt_last;
extern u32 do_swi_service(u32), do_swi_plain(u32), do_undef_skip(void), do_bkpt(void);
extern u32 undef_patch_code[];
extern u32 thumb_swi_service(u32), thumb_undef(void);
extern void user_roundtrip(u32 out[5]);

int main(void)
{
	u32 r = do_swi_service(20);
	printf("swi 0x10: r0 %u, number %02x, spsr mode %02x\n", r, swi_last, swi_spsr & 0x1f);
	check_eq("swi service", r, 41);
	check_eq("swi number", swi_last, 0x10);
	check_eq("swi spsr mode", swi_spsr & 0x3f, 0x13);
	r = do_swi_plain(77);
	check_eq("swi plain r0", r, 77);
	check_eq("swi plain number", swi_last, 0x42);
	r = thumb_swi_service(100);
	printf("thumb swi 0x10: r0 %u, spsr T %u\n", r, (swi_spsr >> 5) & 1);
	check_eq("thumb swi", r, 201);
	check_eq("thumb swi T", (swi_spsr >> 5) & 1, 1);
	check_eq("swi count", swi_count, 3);

	r = do_undef_skip();
	printf("undef skip: r0 %u, insn %08x\n", r, und_last);
	check_eq("undef skip", r, 8);
	check_eq("undef insn", und_last, 0xe7f000f0);
	u32 (*patched)(void) = (u32 (*)(void))undef_patch_code;
	r = patched();
	printf("undef patch: first %u, again %u\n", r, patched());
	check_eq("undef patch", r, 42);
	check_eq("undef count", und_count, 2);
	r = thumb_undef();
	printf("thumb undef: r0 %u, insn %04x\n", r, und_last);
	check_eq("thumb undef", r, 10);
	check_eq("thumb undef insn", und_last, 0xde55);

	r = do_bkpt();
	printf("bkpt: r0 %u, insn %08x\n", r, pabt_last);
	check_eq("bkpt", r, 6);
	check_eq("bkpt insn", pabt_last, 0xe1212374);

	u32 out[5];
	user_roundtrip(out);
	printf("user: mode %02x, after msr %02x, back in %02x, sp delta %d\n", out[1] & 0x1f,
	       out[2] & 0x1f, out[0] & 0x1f, (int)out[4]);
	check_eq("user mode", out[1] & 0x1f, 0x10);
	check_eq("msr ignored in user", out[2] & 0x1f, 0x10);
	check_eq("back to svc", out[0] & 0x1f, 0x13);
	check_eq("user sp", out[3], 0x07a00000);
	check_eq("svc sp restored", out[4], 0);
	return finish("exceptions");
}
