/* The i386's older integer instructions, as a Linux program meets them at user level: the BCD
 * adjustments (daa das aaa aas aam aad) on every AL with every CF/AF going in, 16-bit addressing
 * (the 0x67 prefix: every ModRM form, the 64 KiB wrap, string instructions counting in CX,
 * jcxz, loopw, xlat), segment register loads and far pointers (mov, push/pop, les lds lss lfs
 * lgs) with good and bad selectors, far jumps, calls and returns, iret, into, bound, arpl, salc,
 * and the x87's packed BCD (fbld, fbstp). Faults are caught (sigsetjmp) and printed with the
 * signal, si_code and where eip was relative to the faulting instruction. The reference is
 * qemu-i386 (test/i386-programs.test.ts). */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile uintptr_t fault_eip;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	fault_eip = uc->uc_mcontext.gregs[REG_EIP];
	printf("[%s code=%d] ", sig == SIGSEGV ? "SIGSEGV" : sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : sig == SIGBUS ? "SIGBUS" : "other", si->si_code);
	siglongjmp(back, 1);
}

/* Run `body` (a statement) and print "ok" or what fault it took. */
#define TRY(body) do { if (sigsetjmp(back, 1) == 0) { body; printf("ok"); } } while (0)

static uint32_t hash = 2166136261u;
static void mix(uint32_t v) { for (int i = 0; i < 4; i++) { hash ^= (v >> (8 * i)) & 0xff; hash *= 16777619u; } }

/* ---- BCD ---------------------------------------------------------------------------------- */
#define FLAGS 0x8d5
#define BCD(name, insn) \
	static uint32_t name(uint32_t eax, uint32_t flags_in, uint32_t *flags_out) \
	{ \
		uint32_t f; \
		__asm__ volatile("push %3; popf; " insn "; pushf; pop %1" : "=a"(eax), "=r"(f) : "0"(eax), "r"(flags_in) : "cc"); \
		*flags_out = f & FLAGS; \
		return eax; \
	}
BCD(do_daa, "daa")
BCD(do_das, "das")
BCD(do_aaa, "aaa")
BCD(do_aas, "aas")
BCD(do_aam10, "aam")
BCD(do_aam16, "aam $16")
BCD(do_aam7, "aam $7")
BCD(do_aam1, "aam $1")
BCD(do_aam255, "aam $255")
BCD(do_aad10, "aad")
BCD(do_aad16, "aad $16")
BCD(do_aad0, "aad $0")
BCD(do_aad255, "aad $255")

static void bcd(void)
{
	static const struct { const char *name; uint32_t (*f)(uint32_t, uint32_t, uint32_t *); int ah; } ops[] = {
		{ "daa", do_daa, 0 }, { "das", do_das, 0 }, { "aaa", do_aaa, 1 }, { "aas", do_aas, 1 },
		{ "aam", do_aam10, 0 }, { "aam16", do_aam16, 0 }, { "aam7", do_aam7, 0 }, { "aam1", do_aam1, 0 }, { "aam255", do_aam255, 0 },
		{ "aad", do_aad10, 1 }, { "aad16", do_aad16, 1 }, { "aad0", do_aad0, 1 }, { "aad255", do_aad255, 1 },
	};
	/* Flags going in: CF and AF in all four ways, the others (OF SF ZF PF) all clear or all set. */
	static const uint32_t ins[] = { 0, 0x1, 0x10, 0x11, 0x8c4, 0x8c5, 0x8d4, 0x8d5 };
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		for (unsigned i = 0; i < sizeof ins / sizeof ins[0]; i++) {
			hash = 2166136261u;
			for (unsigned ah = 0; ah < (ops[k].ah ? 256 : 1); ah += ops[k].ah ? 3 : 1) {
				for (unsigned al = 0; al < 256; al++) {
					uint32_t f, in = 0xdead0000 | (ah << 8) | al;
					uint32_t r = ops[k].f(in, ins[i] | 0x202, &f);
					mix(r); mix(f);
				}
			}
			printf("%s flags %03x: %08x\n", ops[k].name, ins[i], hash);
		}
	}
	/* A few in full, to show what a difference is. */
	for (unsigned al = 0x98; al < 0xa2; al++) {
		uint32_t f1, f2, f3, f4;
		uint32_t a = do_daa(al, 0x11, &f1), b = do_das(al, 0x11, &f2), c = do_aaa(0x0500 | al, 0x8c4, &f3), d = do_aas(0x0500 | al, 0x8d5, &f4);
		printf("al %02x: daa %04x/%03x das %04x/%03x aaa %04x/%03x aas %04x/%03x\n", al, a & 0xffff, f1, b & 0xffff, f2, c & 0xffff, f3, d & 0xffff, f4);
	}
	printf("aam $0: ");
	extern char aam0_insn[];
	TRY(__asm__ volatile("mov $0x1234, %%eax\n.globl aam0_insn\naam0_insn: aam $0" ::: "eax", "cc"));
	printf(" eip %+d\n", (int)(fault_eip - (uintptr_t)aam0_insn));
}

/* ---- 16-bit addressing ---------------------------------------------------------------------- */
/* 64 KiB + a little of pattern at the base of a TLS segment (fs, and es for the string instructions; glibc uses neither). */
static unsigned char area[0x10000 + 64] __attribute__((aligned(16)));
static unsigned short seg_sel;

static void make_segment(void)
{
	struct user_desc d;
	memset(&d, 0, sizeof d);
	d.entry_number = -1;
	d.base_addr = (uintptr_t)area;
	d.limit = 0xfffff;
	d.seg_32bit = 1;
	d.limit_in_pages = 1;
	d.useable = 1;
	long r = syscall(SYS_set_thread_area, &d);
	seg_sel = d.entry_number * 8 + 3;
	printf("set_thread_area: %ld entry %u selector %#x\n", r, d.entry_number, seg_sel);
	__asm__ volatile("mov %0, %%fs" :: "r"((uint32_t)seg_sel));
	for (unsigned i = 0; i < sizeof area; i++) area[i] = (unsigned char)(i * 7 ^ (i >> 8));
}

#define LOAD16(name, form) \
	static uint32_t name(uint32_t bx, uint32_t bp, uint32_t si, uint32_t di) \
	{ \
		uint32_t r; \
		__asm__ volatile("push %%ebp; mov %%edx, %%ebp; " form "; pop %%ebp" \
			: "=&a"(r), "+b"(bx) : "S"(si), "D"(di), "d"(bp) : "ecx", "memory"); \
		(void)bx; \
		return r; \
	}
LOAD16(m_bx_si, "mov %%fs:(%%bx,%%si), %%eax")
LOAD16(m_bx_di, "mov %%fs:(%%bx,%%di), %%eax")
LOAD16(m_bp_si, "mov %%fs:(%%bp,%%si), %%eax")
LOAD16(m_bp_di, "mov %%fs:(%%bp,%%di), %%eax")
LOAD16(m_si, "mov %%fs:(%%si), %%eax")
LOAD16(m_di, "mov %%fs:(%%di), %%eax")
LOAD16(m_abs, "addr16 mov %%fs:0xfffe, %%ecx; mov %%ecx, %%eax")
LOAD16(m_bx, "mov %%fs:(%%bx), %%eax")
LOAD16(m_bx_si_d8, "mov %%fs:-0x7f(%%bx,%%si), %%eax")
LOAD16(m_bp_d8, "mov %%fs:0x7f(%%bp), %%eax")
LOAD16(m_di_d16, "mov %%fs:0x7ff0(%%di), %%eax")
LOAD16(m_bp_di_d16, "mov %%fs:-0x1234(%%bp,%%di), %%eax")
LOAD16(m_moffs, "addr16 mov %%fs:0x1234, %%eax")
LOAD16(m_lea, "lea -0x10(%%bx,%%si), %%eax")
LOAD16(m_xlat, "mov %%esi, %%eax; addr16 xlat %%fs:(%%bx)")
LOAD16(m_bt, "mov %%esi, %%eax; bt %%eax, %%fs:(%%bx); setc %%al; movzbl %%al, %%eax")
LOAD16(m_btw, "mov %%esi, %%eax; btw %%ax, %%fs:(%%bx); setc %%al; movzbl %%al, %%eax")

static void addr16(void)
{
	static const struct { const char *name; uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t); } ops[] = {
		{ "(bx,si)", m_bx_si }, { "(bx,di)", m_bx_di }, { "(bp,si)", m_bp_si }, { "(bp,di)", m_bp_di }, { "(si)", m_si }, { "(di)", m_di },
		{ "abs", m_abs }, { "(bx)", m_bx }, { "-0x7f(bx,si)", m_bx_si_d8 }, { "0x7f(bp)", m_bp_d8 }, { "0x7ff0(di)", m_di_d16 },
		{ "-0x1234(bp,di)", m_bp_di_d16 }, { "moffs", m_moffs }, { "lea", m_lea }, { "xlat", m_xlat }, { "bt", m_bt }, { "btw", m_btw },
	};
	static const uint32_t vals[][4] = {
		{ 0x10, 0x20, 0x30, 0x40 }, { 0xfff0, 0xfff8, 0x20, 0x11 }, { 0x12340001, 0xabcd0002, 0x5555fff0, 0xffff8000 },
		{ 0xffff, 0xffff, 0xffff, 0xffff }, { 0x8000, 0x7fff, 0x8001, 0x0 }, { 0x1234, 0xedcb, 0x2000fe00, 0xfffffff0 },
	};
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		printf("%-16s", ops[k].name);
		for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++) printf(" %08x", ops[k].f(vals[v][0], vals[v][1], vals[v][2], vals[v][3]));
		printf("\n");
	}
}

/* A string instruction with 16-bit addresses: es and fs (the source's override) are the test segment. */
#define STR16(name, insn) \
	static void name(uint32_t *cx, uint32_t *si, uint32_t *di, uint32_t *ax, int down, uint32_t *flags) \
	{ \
		uint32_t f; \
		__asm__ volatile("testl $1, %6; push %%es; mov %5, %%es; jz 1f; std; 1: cmp %%eax, %%eax; " insn "; cld; pushf; pop %4; pop %%es" \
			: "+c"(*cx), "+S"(*si), "+D"(*di), "+a"(*ax), "=&r"(f) : "m"(seg_sel), "m"(down) : "memory", "cc"); \
		*flags = f & FLAGS; \
	}
STR16(s_movsb, "addr16 rep movsb %%fs:(%%si), %%es:(%%di)")
STR16(s_movsl, "addr16 rep movsl %%fs:(%%si), %%es:(%%di)")
STR16(s_stosw, "addr16 rep stosw %%ax, %%es:(%%di)")
STR16(s_lodsb, "addr16 lodsb %%fs:(%%si), %%al")
STR16(s_cmpsb, "addr16 repz cmpsb %%es:(%%di), %%fs:(%%si)")
STR16(s_scasb, "addr16 repnz scasb %%es:(%%di), %%al")
STR16(s_movsw1, "addr16 movsw %%fs:(%%si), %%es:(%%di)")

static void strings16(void)
{
	static const struct { const char *name; void (*f)(uint32_t *, uint32_t *, uint32_t *, uint32_t *, int, uint32_t *); } ops[] = {
		{ "rep movsb", s_movsb }, { "rep movsl", s_movsl }, { "rep stosw", s_stosw }, { "lodsb", s_lodsb },
		{ "repz cmpsb", s_cmpsb }, { "repnz scasb", s_scasb }, { "movsw", s_movsw1 },
	};
	static const uint32_t vals[][4] = {
		{ 5, 0xfffe, 0x8000, 0x41 }, { 0xabcd0004, 0x1234fffc, 0x5678fffd, 0x12345678 }, { 0x10000, 0x10, 0x20, 0 },
		{ 0x7, 0x0003, 0x0003, 0x5a5a }, { 0xffff0003, 0x10001, 0x20001, 0x77 },
	};
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		for (int down = 0; down < 2; down++) {
			for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++) {
				for (unsigned i = 0; i < sizeof area; i++) area[i] = (unsigned char)(i * 7 ^ (i >> 8));
				area[0x8002] = 0x41; area[0x1] = 0x41;
				uint32_t cx = vals[v][0], si = vals[v][1], di = vals[v][2], ax = vals[v][3], f;
				ops[k].f(&cx, &si, &di, &ax, down, &f);
				hash = 2166136261u;
				for (unsigned i = 0; i < sizeof area; i++) mix(area[i]);
				printf("%s%s: ecx %08x esi %08x edi %08x eax %08x flags %03x memory %08x\n", ops[k].name, down ? " (std)" : "", cx, si, di, ax, f, hash);
			}
		}
	}
	for (unsigned i = 0; i < sizeof area; i++) area[i] = (unsigned char)(i * 7 ^ (i >> 8));
}

static void loops16(void)
{
	static const uint32_t counts[] = { 0, 1, 3, 0x10000, 0x12340005, 0xffff };
	for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		uint32_t c = counts[k], n = 0, z;
		__asm__ volatile("1: inc %1; cmp $100, %1; je 2f; addr16 loop 1b; 2:" : "+c"(c), "+r"(n) :: "cc");
		printf("loopw %08x: %u iterations, ecx %08x", counts[k], n, c);
		c = counts[k];
		__asm__ volatile("mov $1, %1; jcxz 1f; mov $0, %1; 1:" : "+c"(c), "=&r"(z));
		printf(", jcxz %s", z ? "taken" : "not taken");
		c = counts[k]; n = 0;
		__asm__ volatile("xor %%eax, %%eax; 1: inc %1; cmp $3, %1; addr16 loopne 1b" : "+c"(c), "+r"(n) :: "eax", "cc");
		printf(", loopnew %u ecx %08x\n", n, c);
	}
}

/* ---- segment registers ------------------------------------------------------------------------- */
#define SEGLOAD(name, seg) \
	static uint32_t name(uint32_t sel) \
	{ \
		uint32_t r; \
		__asm__ volatile("push %%" #seg "; mov %1, %%" #seg "; mov %%" #seg ", %0; pop %%" #seg : "=&r"(r) : "r"(sel) : "memory"); \
		return r; \
	}
SEGLOAD(load_es, es)
SEGLOAD(load_ds, ds)
SEGLOAD(load_fs, fs)
SEGLOAD(load_ss, ss)

static uint32_t pop_ds(uint32_t sel)
{
	uint32_t r;
	__asm__ volatile("push %%ds; push %1; pop %%ds; mov %%ds, %0; pop %%ds" : "=&r"(r) : "r"(sel) : "memory");
	return r;
}

static void segments(void)
{
	static const uint32_t sels[] = {
		0, 1, 3, 4, 7, 8, 0xb, 0x10, 0x18, 0x1b, 0x20, 0x21, 0x22, 0x23, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2f,
		0x30, 0x33, 0x38, 0x3b, 0x40, 0x43, 0x48, 0x4b, 0x7b, 0xfffb, 0x12340023,
	};
	static const struct { const char *name; uint32_t (*f)(uint32_t); } segs[] = {
		{ "es", load_es }, { "ds", load_ds }, { "fs", load_fs }, { "ss", load_ss }, { "pop ds", pop_ds },
	};
	for (volatile unsigned s = 0; s < sizeof segs / sizeof segs[0]; s++) {
		printf("mov to %s:", segs[s].name);
		for (volatile unsigned i = 0; i < sizeof sels / sizeof sels[0]; i++) {
			/* ss with a TLS descriptor's base: qemu-i386 loads it and its stack accesses then add the base; dynwasm takes the stack as flat. */
			if (segs[s].f == load_ss && (sels[i] == 0x33 || sels[i] == 0x3b)) continue;
			printf(" %x=", sels[i]);
			volatile uint32_t r = 0;
			TRY(r = segs[s].f(sels[i]); printf("%x,", r));
		}
		printf("\n");
	}
	uint32_t cs, ss, ds, es, fs, gs, esp0, esp1, top;
	__asm__ volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3; mov %%fs, %4; mov %%gs, %5"
		: "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
	printf("cs %x ss %x ds %x es %x gs %x\n", cs, ss, ds, es, gs);
	(void)fs;
	__asm__ volatile("mov %%esp, %0; pushw %%es; mov %%esp, %1; movzwl (%%esp), %2; add $2, %%esp" : "=&r"(esp0), "=&r"(esp1), "=&r"(top) :: "memory");
	printf("pushw %%es: %d bytes, %x\n", (int)(esp0 - esp1), top);
	__asm__ volatile("mov %%esp, %0; push %%cs; mov %%esp, %1; mov (%%esp), %2; add $4, %%esp" : "=&r"(esp0), "=&r"(esp1), "=&r"(top) :: "memory");
	printf("push %%cs: %d bytes, %x\n", (int)(esp0 - esp1), top);
	__asm__ volatile("mov %%esp, %0; push %%ss; push %%ds; pop %%ds; pop %%ss; mov %%esp, %1" : "=&r"(esp0), "=&r"(esp1) :: "memory");
	printf("push/pop ss ds: %d\n", (int)(esp0 - esp1));
}

/* les lds lss lfs lgs from a far pointer in memory; the register is written only when the selector loads. */
#define LOADFAR(name, insn, seg) \
	static uint32_t name(const void *p, uint32_t *sel) \
	{ \
		uint32_t r = 0x5a5a5a5a; \
		__asm__ volatile("push %%" #seg "; " insn " (%2), %0; mov %%" #seg ", %1; pop %%" #seg : "+&r"(r), "=&r"(*sel) : "r"(p) : "memory"); \
		return r; \
	}
#define LOADFARW(name, insn, seg) \
	static uint32_t name(const void *p, uint32_t *sel) \
	{ \
		uint32_t r = 0x5a5a5a5a; \
		__asm__ volatile("push %%" #seg "; " insn " (%2), %w0; mov %%" #seg ", %1; pop %%" #seg : "+&r"(r), "=&r"(*sel) : "r"(p) : "memory"); \
		return r; \
	}
LOADFAR(far_les, "les", es)
LOADFAR(far_lds, "lds", ds)
LOADFAR(far_lfs, "lfs", fs)
LOADFARW(far_ldsw, "lds", ds)
LOADFARW(far_lfsw, "lfs", fs)

static uint32_t far_lss(const void *p, uint32_t *sel)
{
	uint32_t r, oldesp;
	__asm__ volatile("mov %%esp, %2; lss (%3), %%esp; mov %%esp, %0; mov %%ss, %1; mov %2, %%esp" : "=&r"(r), "=&r"(*sel), "=&r"(oldesp) : "r"(p) : "memory");
	return r;
}

static void far_pointers(void)
{
	static const struct { const char *name; uint32_t (*f)(const void *, uint32_t *); } ops[] = {
		{ "les", far_les }, { "lds", far_lds }, { "lfs", far_lfs }, { "lss", far_lss }, { "ldsw", far_ldsw }, { "lfsw", far_lfsw },
	};
	static const uint16_t sels[] = { 0x2b, 0x23, 0x28, 0, 0x1b, 0x33, 0x4b };
	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		printf("%s:", ops[k].name);
		for (volatile unsigned i = 0; i < sizeof sels / sizeof sels[0]; i++) {
			if (ops[k].f == far_lss && sels[i] == 0x33) continue; /* as for mov to ss */
			unsigned char p[6];
			uint32_t off = 0x12345678 + i, sel = 0;
			memcpy(p, &off, 4);
			memcpy(p + 4, &sels[i], 2);
			if (ops[k].f == far_ldsw || ops[k].f == far_lfsw) { p[2] = (unsigned char)sels[i]; p[3] = sels[i] >> 8; }
			printf(" %x=", sels[i]);
			volatile uint32_t r = 0;
			TRY(r = ops[k].f(p, &sel); printf("%x:%x,", r, sel));
		}
		printf("\n");
	}
}

/* ---- far transfers ------------------------------------------------------------------------------- */
extern char lcall_insn[], ljmp_insn[], lret_insn[], iret_insn[], lcallm_insn[], ljmpm_insn[];

/* lcall *m16:32 to a routine that returns (lret) its cs. */
static uint32_t far_call(uint32_t sel)
{
	uint32_t r;
	__asm__ volatile("push %1; push $1f; lcall *(%%esp); add $8, %%esp; jmp 2f; 1: mov %%cs, %%eax; lret; 2:" : "=a"(r) : "r"(sel) : "memory");
	return r;
}

static void far_transfers(void)
{
	static const uint32_t sels[] = { 0x23, 0x20, 0x21, 0x22, 0x2b, 0, 3, 0x1b, 0x33, 0x27, 0x63 };
	printf("lcall *m:");
	for (unsigned i = 0; i < sizeof sels / sizeof sels[0]; i++) {
		printf(" %x=", sels[i]);
		volatile uint32_t r = 0;
		TRY(r = far_call(sels[i]); printf("%x,", r));
	}
	printf("\n");
	/* lcall / ljmp ptr16:32 with constant selectors. */
	uint32_t cs = 0;
	printf("lcall $0x23: ");
	TRY(__asm__ volatile("lcall $0x23, $1f; jmp 2f; 1: mov %%cs, %0; lret; 2:" : "=r"(cs) :: "memory"); printf(" cs %x", cs));
	printf("\nlcall $0x20: ");
	TRY(__asm__ volatile("lcall $0x20, $1f; jmp 2f; 1: mov %%cs, %0; lret; 2:" : "=r"(cs) :: "memory"); printf(" cs %x", cs));
	printf("\nlcall $0x2b: ");
	TRY(__asm__ volatile(".globl lcall_insn\nlcall_insn: lcall $0x2b, $1f; 1:" ::: "memory"));
	printf(" eip %+d", (int)(fault_eip - (uintptr_t)lcall_insn));
	printf("\nljmp $0x23: ");
	TRY(__asm__ volatile("ljmp $0x23, $1f; ud2; 1: mov %%cs, %0" : "=r"(cs) :: "memory"); printf(" cs %x", cs));
	printf("\nljmp $0x22: ");
	TRY(__asm__ volatile("ljmp $0x22, $1f; ud2; 1: mov %%cs, %0" : "=r"(cs) :: "memory"); printf(" cs %x", cs));
	printf("\nljmp $0x0: ");
	TRY(__asm__ volatile(".globl ljmp_insn\nljmp_insn: ljmp $0x0, $1f; 1:" ::: "memory"));
	printf(" eip %+d", (int)(fault_eip - (uintptr_t)ljmp_insn));
	printf("\nljmp *m: ");
	TRY(__asm__ volatile("push $0x23; push $1f; ljmp *(%%esp); ud2; 1: add $8, %%esp; mov %%cs, %0" : "=r"(cs) :: "memory"); printf(" cs %x", cs));
	printf("\nljmp *m $0x18: ");
	TRY(__asm__ volatile("push $0x18; push $1f; .globl ljmpm_insn\nljmpm_insn: ljmp *(%%esp); 1: add $8, %%esp" ::: "memory"));
	printf(" eip %+d", (int)(fault_eip - (uintptr_t)ljmpm_insn));
	/* lret $n and lret to rpl 0. */
	uint32_t esp0, esp1;
	printf("\nlret $12: ");
	TRY(__asm__ volatile("mov %%esp, %0; sub $12, %%esp; push $0x23; push $1f; lret $12; 1: mov %%esp, %1" : "=&r"(esp0), "=&r"(esp1) :: "memory"); printf(" esp %+d", (int)(esp1 - esp0)));
	printf("\nlret to 0x20: ");
	TRY(__asm__ volatile("mov %%esp, %%ebx; push $0x20; push $1f; .globl lret_insn\nlret_insn: lret; 1: mov %%ebx, %%esp" ::: "ebx", "memory"));
	printf(" eip %+d", (int)(fault_eip - (uintptr_t)lret_insn));
	/* iret: eflags from the stack (the arithmetic flags, DF, AC, ID; not IF, IOPL, TF). */
	static const uint32_t eflags_in[] = { 0x202, 0x8d5, 0x246, 0x40cd7, 0x200ed5, 0x3200, 0 };
	for (volatile unsigned i = 0; i < sizeof eflags_in / sizeof eflags_in[0]; i++) {
		uint32_t before, after;
		printf("\niret eflags %x: ", eflags_in[i]);
		TRY(__asm__ volatile("pushf; pop %0; mov %%esp, %%ebx; push %2; push $0x23; push $1f; iret; 1: pushf; pop %1; push %0; popf; mov %%ebx, %%esp"
			: "=&r"(before), "=&r"(after) : "r"(eflags_in[i]) : "ebx", "memory", "cc"); printf(" eflags %x (was %x)", after, before));
	}
	printf("\niret to 0x2b: ");
	TRY(__asm__ volatile("mov %%esp, %%ebx; pushf; push $0x2b; push $1f; .globl iret_insn\niret_insn: iret; 1: mov %%ebx, %%esp" ::: "ebx", "memory"));
	printf(" eip %+d", (int)(fault_eip - (uintptr_t)iret_insn));
	printf("\n");
}

/* ---- into, bound, arpl, salc ------------------------------------------------------------------- */
extern char into_insn[], bound_insn[], boundw_insn[];

static void traps(void)
{
	printf("into, OF clear: ");
	TRY(__asm__ volatile("xor %%eax, %%eax; into" ::: "eax", "cc"));
	printf("\ninto, OF set: ");
	TRY(__asm__ volatile("mov $0x7f, %%al; add $1, %%al; .globl into_insn\ninto_insn: into" ::: "eax", "cc"));
	printf(" eip %+d\n", (int)(fault_eip - (uintptr_t)into_insn));
	static const int32_t bounds[2] = { -5, 100 };
	static const int16_t boundsw[2] = { -10, 20 };
	static const int32_t idx[] = { -6, -5, 0, 100, 101, 0x7fffffff, (int32_t)0x80000000 };
	for (volatile unsigned i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		printf("bound %d in [-5, 100]: ", idx[i]);
		TRY(__asm__ volatile(".globl bound_insn\nbound_insn: bound %0, (%1)" :: "r"(idx[i]), "r"(bounds) : "memory"));
		if (fault_eip) printf(" eip %+d", (int)(fault_eip - (uintptr_t)bound_insn));
		fault_eip = 0;
		printf("; boundw %d in [-10, 20]: ", (int16_t)(idx[i] + 12));
		TRY(__asm__ volatile(".globl boundw_insn\nboundw_insn: bound %w0, (%1)" :: "r"(idx[i] + 12), "r"(boundsw) : "memory"));
		if (fault_eip) printf(" eip %+d", (int)(fault_eip - (uintptr_t)boundw_insn));
		fault_eip = 0;
		printf("\n");
	}
	static const uint32_t pairs[][2] = { { 0x2b, 0x23 }, { 0x28, 0x23 }, { 0x1234, 0xffff }, { 0xffff0001, 0x12 }, { 0x3, 0x3 }, { 0x56780000, 0x1 } };
	for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		for (uint32_t fin = 0; fin <= 0x8d5; fin += 0x8d5) {
			uint32_t d = pairs[i][0], m = pairs[i][0], f, fm;
			__asm__ volatile("push %3; popf; arpl %w2, %w0; pushf; pop %1" : "+r"(d), "=r"(f) : "r"(pairs[i][1]), "r"(fin | 0x202) : "cc");
			__asm__ volatile("push %3; popf; arpl %w2, %0; pushf; pop %1" : "+m"(m), "=r"(fm) : "r"(pairs[i][1]), "r"(fin | 0x202) : "cc");
			printf("arpl %x, %x (flags %03x): %x %03x, memory %x %03x\n", pairs[i][1], pairs[i][0], fin, d, f & FLAGS, m, fm & FLAGS);
		}
	}
	for (uint32_t cf = 0; cf < 2; cf++) {
		uint32_t a = 0x12345678, f;
		__asm__ volatile("push %2; popf; .byte 0xd6; pushf; pop %1" : "+a"(a), "=r"(f) : "r"(cf | 0x8d4 | 0x202) : "cc");
		printf("salc, CF %u: eax %08x flags %03x\n", cf, a, f & FLAGS);
	}
}

/* ---- privileged and I/O instructions (SIGSEGV at user level), hint no-ops, enter with nesting levels ---- */
#define PRIV(text) do { printf("%s: ", text); TRY(__asm__ volatile(text ::: "memory")); printf("\n"); } while (0)

static uint32_t old_frame[64], new_stack[128];

static void enter_levels(void)
{
	for (int i = 0; i < 64; i++) old_frame[i] = 0x1000 * i + 0xab;
	static const int levels[] = { 0, 1, 2, 3, 5, 33 };
	for (unsigned k = 0; k < sizeof levels / sizeof levels[0]; k++) {
		uint32_t save[4];
		memset(new_stack, 0xcc, sizeof new_stack);
		uint32_t *ebp = &old_frame[40], *esp = &new_stack[100];
#define ENTER(n) __asm__ volatile("mov %%esp, 0(%%ecx); mov %%ebp, 4(%%ecx); mov %%esi, %%ebp; mov %%edi, %%esp; enter $12, $" #n "; " \
			"mov %%esp, 8(%%ecx); mov %%ebp, 12(%%ecx); mov 0(%%ecx), %%esp; mov 4(%%ecx), %%ebp" :: "S"(ebp), "D"(esp), "c"(save) : "memory")
		switch (levels[k]) { case 0: ENTER(0); break; case 1: ENTER(1); break; case 2: ENTER(2); break; case 3: ENTER(3); break; case 5: ENTER(5); break; default: ENTER(33); break; }
		printf("enter $12, $%d: esp %d ebp %d, stack", levels[k], (int)((uint32_t *)save[2] - new_stack), (int)((uint32_t *)save[3] - new_stack));
		for (int i = 90; i < 100; i++) {
			uint32_t v = new_stack[i];
			if (v >= (uintptr_t)new_stack && v < (uintptr_t)(new_stack + 128)) printf(" &%d", (int)((uint32_t *)v - new_stack));
			else if (v >= (uintptr_t)old_frame && v < (uintptr_t)(old_frame + 64)) printf(" old&%d", (int)((uint32_t *)v - old_frame));
			else printf(" %x", v);
		}
		printf("\n");
	}
}

static void privileged(void)
{
	PRIV("in $0x80, %%al");
	PRIV("in (%%dx), %%eax");
	PRIV("out %%al, $0x80");
	PRIV("outw %%ax, (%%dx)");
	PRIV("mov %%esp, %%esi; mov %%esp, %%edi; insb (%%dx), %%es:(%%edi)");
	PRIV("mov %%esp, %%esi; outsl %%ds:(%%esi), (%%dx)");
	PRIV("rdmsr");
	PRIV("wrmsr");
	PRIV("rdpmc");
	PRIV("clts");
	PRIV("invd");
	PRIV("wbinvd");
	PRIV("mov %%cr0, %%eax");
	PRIV("mov %%eax, %%cr3");
	PRIV("mov %%db7, %%eax");
	PRIV("sysenter");
	PRIV("sysexit");
	PRIV("lldt %%ax");
	PRIV("ltr %%ax");
	PRIV("lgdt (%%esp)");
	PRIV("lidt (%%esp)");
	PRIV("lmsw %%ax");
	PRIV("invlpg (%%esp)");
	PRIV("prefetchnta (%%esp); prefetcht0 (%%esp); prefetcht1 (%%esp); prefetcht2 (%%esp); prefetch (%%esp); prefetchw (%%esp)");
	PRIV(".byte 0x0f, 0x18, 0xe0, 0x0f, 0x19, 0x04, 0x24, 0x0f, 0x1c, 0xc0, 0x0f, 0x1d, 0x44, 0x24, 0x04");
	PRIV(".byte 0x0f, 0x18, 0xc0");
	PRIV(".byte 0x0f, 0x0d, 0xc0");
}

/* lar lsl verr verw on the GDT's selectors; sldt str smsw. */
static void descriptors(void)
{
	static const uint32_t sels[] = { 0, 3, 0x8, 0x1b, 0x20, 0x23, 0x27, 0x28, 0x2b, 0x33, 0x38, 0x3b, 0x43, 0x4b, 0xfffb };
	for (unsigned i = 0; i < sizeof sels / sizeof sels[0]; i++) {
		uint32_t lar = 0x5a5a5a5a, lsl = 0x5a5a5a5a, larw = 0x5a5a5a5a, f1, f2, f3, f4;
		__asm__ volatile("push $0x8d5; popf; lar %2, %0; pushf; pop %1" : "+r"(lar), "=r"(f1) : "r"(sels[i]) : "cc");
		__asm__ volatile("push $0x000; popf; lsl %2, %0; pushf; pop %1" : "+r"(lsl), "=r"(f2) : "r"(sels[i]) : "cc");
		__asm__ volatile("lar %w1, %w0" : "+r"(larw) : "r"(sels[i]) : "cc");
		__asm__ volatile("push $0x8d5; popf; verr %w1; pushf; pop %0" : "=r"(f3) : "r"(sels[i]) : "cc");
		__asm__ volatile("push $0x000; popf; verw %w1; pushf; pop %0" : "=r"(f4) : "r"(sels[i]) : "cc");
		printf("selector %x: lar %08x %03x (%08x), lsl %08x %03x, verr %03x, verw %03x\n", sels[i], lar, f1 & FLAGS, larw, lsl, f2 & FLAGS, f3 & FLAGS, f4 & FLAGS);
	}
	uint32_t r1 = 0x5a5a5a5a, r2 = 0x5a5a5a5a, r3 = 0x5a5a5a5a, r4 = 0x5a5a5a5a;
	uint32_t m[3] = { 0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a };
	__asm__ volatile("sldt %0; str %1; smsw %2; smsw %w3; sldt %4; str %5; smsw %6" : "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+m"(m[0]), "+m"(m[1]), "+m"(m[2]));
	printf("sldt %x str %x smsw %x smsw/16 %x, to memory %x %x %x\n", r1, r2, r3, r4, m[0], m[1], m[2]);
}

/* ---- x87 packed BCD ------------------------------------------------------------------------------ */
static void packed_bcd(void)
{
	static const long double vals[] = {
		0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 1.5L, 2.5L, -2.5L, -0.4L, 99.0L, 123456789.0L, 123456789012345678.0L, -999999999999999999.0L,
		999999999999999999.4L, 999999999999999999.5L, 1e18L, -1e18L, 1e19L, 1e300L, 1.0L / 0.0L, -1.0L / 0.0L, 0.0L / 0.0L, 4.9e-4950L,
		12345.678L, -98765.4321L,
	};
	for (int rc = 0; rc < 4; rc++) {
		unsigned short cw = 0x37f | (rc << 10);
		for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
			unsigned char b[10];
			unsigned short sw;
			memset(b, 0x55, sizeof b);
			__asm__ volatile("fninit; fldcw %3; fldt %2; fbstp %0; fnstsw %1" : "=m"(b), "=m"(sw) : "m"(vals[i]), "m"(cw) : "memory", "st");
			printf("fbstp rc %d %Lg:", rc, vals[i]);
			for (int k = 9; k >= 0; k--) printf(" %02x", b[k]);
			printf(" sw %04x\n", sw);
		}
	}
	static const unsigned char loads[][10] = {
		{ 0 }, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 }, { 0x01 }, { 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0, 0x80 },
		{ 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0 }, { 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0xff },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, { 0x0a, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x01 },
	};
	for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++) {
		long double v;
		unsigned short sw;
		unsigned char raw[10];
		__asm__ volatile("fninit; fbld %2; fnstsw %1; fstpt %0" : "=m"(v), "=m"(sw) : "m"(loads[i]) : "memory", "st");
		memcpy(raw, &v, 10);
		printf("fbld %02x..%02x: %Lg [", loads[i][9], loads[i][0], v);
		for (int k = 9; k >= 0; k--) printf("%02x", raw[k]);
		printf("] sw %04x\n", sw);
	}
}

/* The x87's undocumented register-form aliases, which qemu-i386 runs as what they alias. */
#define X87ALIAS(name, bytes) do { \
		double r[3]; unsigned short sw; \
		__asm__ volatile("fninit; fldl %4; fldl %5; fldl %6; .byte " bytes "; fnstsw %3; fstpl %0; fstpl %1; fstpl %2; fninit" \
			: "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(sw) : "m"(three), "m"(two), "m"(one) : "memory", "st", "st(1)", "st(2)"); \
		printf("%s: %g %g %g sw %04x\n", name, r[0], r[1], r[2], sw); \
	} while (0)

static void x87_aliases(void)
{
	static const double one = 1, two = 2, three = 3;
	X87ALIAS("fstp1 st(2)", "0xd9, 0xda");
	X87ALIAS("fxch4 st(2)", "0xdd, 0xca");
	X87ALIAS("fxch7 st(1)", "0xdf, 0xc9");
	X87ALIAS("fstp8 st(1)", "0xdf, 0xd1");
	X87ALIAS("fstp9 st(2)", "0xdf, 0xda");
	X87ALIAS("fcom2 st(1)", "0xdc, 0xd1");
	X87ALIAS("fcomp3 st(2)", "0xdc, 0xda");
	X87ALIAS("fcomp5 st(1)", "0xde, 0xd1");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGILL, &sa, 0);
	sigaction(SIGFPE, &sa, 0);
	sigaction(SIGBUS, &sa, 0);
	bcd();
	make_segment();
	addr16();
	strings16();
	loops16();
	segments();
	far_pointers();
	far_transfers();
	traps();
	enter_levels();
	privileged();
	descriptors();
	packed_bcd();
	x87_aliases();
	return 0;
}
