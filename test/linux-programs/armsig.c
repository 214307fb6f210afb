/* ARM-specific signal and kernel-interface behaviour (compared with qemu-arm only): SIGILL on
 * an undefined instruction with si_addr at it, the registers in the handler's ucontext and
 * resuming at a changed pc with changed registers, SIGTRAP on bkpt, the kuser helpers at
 * 0xffff0fa0..0xffff0ffc, the TLS register. */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ucontext.h>

#ifndef __arm__
#error "armsig.c is for 32-bit ARM only"
#endif

static volatile int got_sig, addr_ok, regs_ok;
static volatile uintptr_t fault_addr;
static sigjmp_buf jump;

extern char udf_insn[], udf_insn2[];

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got_sig = sig;
	fault_addr = (uintptr_t)si->si_addr;
	addr_ok = (uintptr_t)si->si_addr == (uintptr_t)udf_insn && uc->uc_mcontext.arm_pc == (uintptr_t)udf_insn;
	regs_ok = uc->uc_mcontext.arm_r4 == 0x44 && uc->uc_mcontext.arm_r5 == 0x55 && (uc->uc_mcontext.arm_cpsr & 0x20) == 0;
	uc->uc_mcontext.arm_r4 = 0x99;
	uc->uc_mcontext.arm_pc += 4; /* skip the undefined instruction */
}

static void on_jump(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jump, 1);
}

typedef int (*kuser_cmpxchg_t)(int oldval, int newval, volatile int *ptr);
typedef void *(*kuser_get_tls_t)(void);
typedef void (*kuser_dmb_t)(void);

int main(void)
{
	setup();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_ill;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);

	unsigned out;
	__asm__ volatile("mov r4, #0x44\n\t"
	                 "mov r5, #0x55\n\t"
	                 ".global udf_insn\n"
	                 "udf_insn: .word 0xe7f000f0\n\t"
	                 "mov %0, r4"
	                 : "=r"(out)
	                 :
	                 : "r4", "r5", "memory");
	printf("SIGILL: sig=%d si_addr and pc at the instruction: %s, r4/r5 in the context: %s\n", (int)got_sig,
	       addr_ok ? "yes" : "no", regs_ok ? "yes" : "no");
	printf("resumed after the instruction with r4=%#x\n", out);

	/* Caught and left with siglongjmp. */
	sa.sa_sigaction = on_jump;
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	got_sig = 0;
	if (sigsetjmp(jump, 1) == 0) {
		__asm__ volatile(".global udf_insn2\nudf_insn2: .word 0xe7f000f0" ::: "memory");
		printf("no SIGILL\n");
	} else {
		printf("SIGILL again: sig=%d at the instruction: %s\n", (int)got_sig, fault_addr == (uintptr_t)udf_insn2 ? "yes" : "no");
	}
	got_sig = 0;
	if (sigsetjmp(jump, 1) == 0) {
		__asm__ volatile("bkpt #0" ::: "memory");
		printf("no SIGTRAP\n");
	} else {
		printf("bkpt: sig=%d\n", (int)got_sig);
	}

	/* kuser helpers */
	int version = *(volatile int *)0xffff0ffc;
	YESNO("kuser helper version >= 2", version >= 2);
	kuser_get_tls_t get_tls = (kuser_get_tls_t)0xffff0fe0;
	YESNO("__kuser_get_tls equals the thread pointer", get_tls() == __builtin_thread_pointer());
	kuser_cmpxchg_t cmpxchg = (kuser_cmpxchg_t)0xffff0fc0;
	volatile int v = 5;
	int r = cmpxchg(5, 6, &v);
	printf("__kuser_cmpxchg(5, 6) on 5: returns %s, value %d\n", r == 0 ? "0" : "non-zero", v);
	r = cmpxchg(5, 7, &v);
	printf("__kuser_cmpxchg(5, 7) on 6: returns %s, value %d\n", r == 0 ? "0" : "non-zero", v);
	kuser_dmb_t dmb = (kuser_dmb_t)0xffff0fa0;
	dmb();
	printf("__kuser_memory_barrier returns\n");
	printf("done\n");
	return 0;
}
