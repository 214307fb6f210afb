/* The ARM926EJ-S MMU (ARM ARM B4): sections, coarse tables with small and large pages and
   their subpage permissions, fine tables with tiny pages, the 16 domains (no access, client,
   manager), AP with SCTLR.S and .R, user permissions through LDRT/STRT, translation, domain,
   permission and alignment faults with their FSR and FAR, prefetch aborts with the IFSR, TLB
   invalidation by MVA and in whole, and code run from a page that is mapped elsewhere later.
   The program's own memory is identity-mapped, so semihosting sees what it expects. */
#include "semihost.h"

#define MRC(crn, crm, op2) ({ u32 v_; __asm__ volatile("mrc p15, 0, %0, c" #crn ", c" #crm ", " #op2 : "=r"(v_)); v_; })
#define MCR(crn, crm, op2, v) __asm__ volatile("mcr p15, 0, %0, c" #crn ", c" #crm ", " #op2 : : "r"(v) : "memory")

u32 ld32(u32), ld16(u32), ld8(u32), ldt32(u32), call_addr(u32);
void st32(u32, u32), st8(u32, u32), stt32(u32, u32);
volatile u32 dabt_count, dabt_fsr, dabt_far, dabt_pc, pabt_count, pabt_ifsr, pabt_pc, pabt_resume;

#define L1 ((volatile u32 *)0x00400000)          /* 16 KiB, aligned */
#define COARSE ((volatile u32 *)0x00404000)      /* 1 KiB */
#define FINE ((volatile u32 *)0x00405000)        /* 4 KiB */
#define COARSE2 ((volatile u32 *)0x00406000)

static void section(u32 va, u32 pa, u32 domain, u32 ap) { L1[va >> 20] = (pa & 0xfff00000) | (ap << 10) | (domain << 5) | 0x12; }
static void tlb_all(void) { MCR(8, 7, 0, 0); }
static void tlb_mva(u32 va) { MCR(8, 7, 1, va); }

/* One access: prints its value or its fault (FSR and FAR relative to the access). */
static void access(const char *what, int kind, u32 addr, u32 value)
{
	u32 before = dabt_count, r = 0;
	switch (kind) {
	case 0: r = ld32(addr); break;
	case 1: st32(addr, value); break;
	case 2: r = ldt32(addr); break;
	case 3: stt32(addr, value); break;
	case 4: r = ld16(addr); break;
	case 5: r = ld8(addr); break;
	case 6: st8(addr, value); break;
	}
	if (dabt_count != before) printf("%-34s %08x: data abort, FSR %03x, FAR %s\n", what, addr, dabt_fsr & 0xff, dabt_far == addr ? "= address" : "other");
	else if (kind == 1 || kind == 3 || kind == 6) printf("%-34s %08x: stored\n", what, addr);
	else printf("%-34s %08x: %08x\n", what, addr, r);
}

static void fetch(const char *what, u32 addr)
{
	u32 before = pabt_count, r = call_addr(addr);
	if (pabt_count != before) printf("%-34s %08x: prefetch abort, IFSR %03x, at %s\n", what, addr, pabt_ifsr & 0xff, pabt_pc == addr ? "the address" : "other");
	else printf("%-34s %08x: returned %08x\n", what, addr, r);
}

/* mov r0, #n; bx lr */
static void put_function(u32 pa, u32 n) { ((volatile u32 *)pa)[0] = 0xe3a00000 | n; ((volatile u32 *)pa)[1] = 0xe12fff1e; }

int main(void)
{
	u32 i;
	for (i = 0; i < 4096; i++) L1[i] = 0;
	for (i = 0; i < 128; i++) section(i << 20, i << 20, 0, 3);        /* RAM, identity */
	for (i = 0; i < 256; i++) ((volatile u32 *)0x00500000)[i] = 0x50000000 + i;
	for (i = 0; i < 1024; i++) ((volatile u32 *)0x00600000)[i] = 0x60000000 + i;
	for (i = 0; i < 16384; i++) ((volatile u32 *)0x00610000)[i] = 0x61000000 + i;
	for (i = 0; i < 1024; i++) ((volatile u32 *)0x00620000)[i] = 0x62000000 + i;
	for (i = 0; i < 1024; i++) ((volatile u32 *)0x00630000)[i] = 0x63000000 + i;

	section(0x80000000, 0x00500000, 1, 1);                /* privileged only */
	L1[0x801] = (u32)COARSE | (0 << 5) | 0x11;             /* coarse table, domain 0 */
	for (i = 0; i < 256; i++) COARSE[i] = 0;
	COARSE[0x00] = 0x00600000 | (0xaa << 4) | 2;           /* small page, AP 2 (user read-only) */
	for (i = 0x10; i < 0x20; i++) COARSE[i] = 0x00610000 | (0xff << 4) | 1;  /* large page, AP 3 */
	COARSE[0x20] = 0x00620000 | (((1u << 6) | (2u << 4) | (0u << 2) | 3u) << 4) | 2;  /* subpages AP 3,0,2,1 */
	L1[0x802] = (u32)FINE | (0 << 5) | 0x13;               /* fine table */
	for (i = 0; i < 1024; i++) FINE[i] = 0;
	FINE[0] = 0x00630400 | (3 << 4) | 3;                   /* tiny pages, swapped */
	FINE[1] = 0x00630000 | (3 << 4) | 3;
	L1[0x804] = (u32)COARSE2 | 0x11;                       /* a coarse table of faults */
	for (i = 0; i < 256; i++) COARSE2[i] = 0;
	section(0x80500000, 0x00500000, 2, 3);                 /* domain 2 */
	section(0x80600000, 0x00500000, 0, 0);                 /* AP 0: S and R decide */
	section(0x80700000, 0x00640000, 0, 3);                 /* code, remapped below */
	put_function(0x00640000, 11);
	put_function(0x00740000, 22);

	MCR(2, 0, 0, (u32)L1);
	MCR(3, 0, 0, 0x5 | (1u << 2));                          /* domains 0, 1 client, 2 no access */
	u32 sctlr = MRC(1, 0, 0);
	MCR(1, 0, 0, sctlr | 1);                               /* MMU on */
	printf("MMU on: SCTLR %08x\n", MRC(1, 0, 0));

	access("identity load", 0, 0x00500004, 0);
	access("section, privileged load", 0, 0x80000008, 0);
	access("section, privileged store", 1, 0x8000000c, 0x1234);
	access("section, read back", 0, 0x0050000c, 0);
	access("section, user load (LDRT)", 2, 0x80000008, 0);
	access("section, user store (STRT)", 3, 0x80000008, 1);
	access("small page, load", 0, 0x80100010, 0);
	access("small page, user load", 2, 0x80100010, 0);
	access("small page, user store", 3, 0x80100010, 1);
	access("large page, load", 0, 0x8011c004, 0);
	access("large page, user store", 3, 0x8011c004, 0x77);
	access("large page, read back", 0, 0x0061c004, 0);
	access("subpage 0 (AP 3), user store", 3, 0x80120000, 5);
	access("subpage 1 (AP 0), load", 0, 0x80120400, 0);
	access("subpage 2 (AP 2), user load", 2, 0x80120800, 0);
	access("subpage 2 (AP 2), user store", 3, 0x80120800, 5);
	access("subpage 3 (AP 1), user load", 2, 0x80120c00, 0);
	access("subpage 3 (AP 1), load", 0, 0x80120c00, 0);
	access("tiny page 0", 0, 0x80200000, 0);
	access("tiny page 1", 0, 0x80200404, 0);
	access("fine table, unmapped tiny page", 0, 0x80200800, 0);
	access("unmapped section", 0, 0x80300000, 0);
	access("unmapped section, store", 1, 0x80300010, 1);
	access("coarse table, page fault", 0, 0x80400000, 0);
	access("domain 2 no access", 0, 0x80500000, 0);
	MCR(3, 0, 0, 0x5 | (3u << 4));                         /* domain 2 manager */
	access("domain 2 manager", 0, 0x80500000, 0);
	access("domain 2 manager, user store", 3, 0x80500000, 9);
	MCR(3, 0, 0, 0x5 | (2u << 4));                         /* domain 2 reserved */
	access("domain 2 reserved", 0, 0x80500000, 0);
	MCR(3, 0, 0, 0x5 | (1u << 2) | (1u << 4));             /* domain 2 client, AP 3 */
	access("domain 2 client, user load", 2, 0x80500004, 0);
	access("AP 0, S=0 R=0, load", 0, 0x80600000, 0);
	MCR(1, 0, 0, MRC(1, 0, 0) | (1u << 8));
	access("AP 0, S=1, load", 0, 0x80600000, 0);
	access("AP 0, S=1, user load", 2, 0x80600000, 0);
	access("AP 0, S=1, store", 1, 0x80600000, 0);
	MCR(1, 0, 0, (MRC(1, 0, 0) & ~(1u << 8)) | (1u << 9));
	access("AP 0, R=1, user load", 2, 0x80600004, 0);
	access("AP 0, R=1, store", 1, 0x80600004, 0);
	MCR(1, 0, 0, MRC(1, 0, 0) & ~(1u << 9));

	/* Alignment faults with SCTLR.A. (An unaligned LDR with A=0 rotates the aligned word on
	   the ARM926, ARM ARM A4.1.23, where qemu-system-arm 7.2 loads the unaligned word: not
	   compared here; test/arm-exec.test.ts checks the rotation.) */
	MCR(1, 0, 0, MRC(1, 0, 0) | 2);
	access("unaligned word load, A=1", 0, 0x00500001, 0);
	access("unaligned halfword load, A=1", 4, 0x00500003, 0);
	access("aligned halfword load, A=1", 4, 0x00500002, 0);
	access("byte load, A=1", 5, 0x00500003, 0);
	access("unaligned word store, A=1", 1, 0x00500006, 0);
	MCR(1, 0, 0, MRC(1, 0, 0) & ~2u);

	/* Changing a mapping, then invalidating its TLB entry. */
	section(0x80000000, 0x00600000, 1, 1);
	tlb_mva(0x80000000);
	access("remapped section, after c8 by MVA", 0, 0x80000008, 0);
	L1[0x803] = (0x00500000) | (3 << 10) | 0x12;
	tlb_all();
	access("new section, after c8 all", 0, 0x80300004, 0);

	/* Code: run, remap, run again; then fetch from nowhere. */
	fetch("code at a mapped page", 0x80700000);
	fetch("again", 0x80700000);
	section(0x80700000, 0x00740000, 0, 3);
	tlb_mva(0x80700000);
	fetch("the page remapped", 0x80700000);
	fetch("again", 0x80700000);
	fetch("unmapped code", 0x80300800 + 0x100000);
	section(0x80700000, 0x00640000, 1, 1);
	tlb_all();
	fetch("privileged-only code, from SVC", 0x80700000);

	/* Code written through a second virtual mapping of its physical page. */
	section(0x80900000, 0x00600000, 0, 3);
	section(0x80a00000, 0x00600000, 0, 3);
	tlb_all();
	put_function(0x00640000, 11);
	fetch("code at the first mapping", 0x80940000);
	st32(0x80a40000, 0xe3a00000 | 33);                     /* mov r0, #33, through the second */
	MCR(7, 10, 4, 0);                                      /* drain the write buffer */
	MCR(7, 5, 0, 0);                                       /* invalidate the I-cache */
	fetch("after a store through the second", 0x80940000);

	MCR(1, 0, 0, MRC(1, 0, 0) & ~1u);
	printf("MMU off: SCTLR %08x, DFSR count %u, IFSR count %u\n", MRC(1, 0, 0), dabt_count, pabt_count);
	access("identity again", 0, 0x00500004, 0);
	return finish("mmu");
}
