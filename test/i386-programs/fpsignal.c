/*
 * The x87 state across signal handlers: a signal arrives while values sit on the FPU stack and
 * the control word holds a rounding mode; the handler finds a reset FPU, uses it (and changes its
 * control word), and after sigreturn the interrupted code finds its stack and control word again.
 * Also what the frame holds: sc.fpstate (uc_mcontext.fpregs) with the saved control and status
 * words and registers. The reference is the native x86-64 build (the kernel's behaviour): qemu-i386
 * 7.2 restores neither the registers after an rt frame's handler nor the control word after either.
 */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile long double handler_result;
/* kill()'s arguments where the asm finds them by absolute address (it moves esp). */
int kill_pid, kill_sig;

static void handler(int sig, siginfo_t *si, void *uc_) {
	ucontext_t *uc = uc_;
	unsigned short cw, sw;
	unsigned env[7];
	__asm__ volatile("fnstcw %0\n\tfnstsw %1\n\tfnstenv %2" : "=m"(cw), "=m"(sw), "=m"(env));
	printf("handler %d: cw=%04x sw=%04x tags=%04x\n", sig, cw, sw, env[2] & 0xffff);
	struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
	if (fp) {
#ifdef __x86_64__
		unsigned cwd = fp->cwd, swd = fp->swd;
#else
		unsigned cwd = fp->cw & 0xffff, swd = fp->sw & 0xffff;
		/* The i386 layout's own fields (stderr: the x86-64 build has none to compare). */
		fprintf(stderr, "  tag=%04lx status=%08lx\n", (unsigned long)(fp->tag & 0xffff), (unsigned long)fp->status);
#endif
		printf("  saved cw=%04x sw=%04x\n", cwd, swd);
		for (int i = 0; i < 3; i++) {
			long double v;
			memcpy(&v, &fp->_st[i], 10);
			printf("  st%d = %Lg\n", i, v);
		}
	} else printf("  no fpstate\n");
	/* The handler's own floating point, with its own rounding mode. */
	unsigned short up = 0x0b7f;
	__asm__ volatile("fldcw %0" ::"m"(up));
	/* long double: x87 arithmetic in both builds (x86-64's double would be SSE, blind to the control word). */
	volatile long double a = 1.0L, b = 3.0L;
	handler_result = sqrtl(a / b) + 0.25L;
	printf("  in handler: %.20Lg\n", handler_result);
	(void)si;
}

static void plain_handler(int sig) {
	unsigned short cw, sw;
	unsigned env[7];
	__asm__ volatile("fnstcw %0\n\tfnstsw %1\n\tfnstenv %2" : "=m"(cw), "=m"(sw), "=m"(env));
	printf("plain handler %d: cw=%04x sw=%04x tags=%04x\n", sig, cw, sw, env[2] & 0xffff);
	unsigned short up = 0x0b7f;
	__asm__ volatile("fldcw %0" ::"m"(up));
	volatile long double a = 2.0L;
	printf("  in handler: %.20Lg\n", sqrtl(a) * 3.0L);
}

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, plain_handler); /* without SA_SIGINFO: the kernel's non-rt sigframe */

	for (int round = 0; round < 2; round++) {
		int sig = round ? SIGUSR2 : SIGUSR1;
		unsigned short down = 0x077f, cw_after;
		long double r0, r1, r2;
		kill_pid = getpid();
		kill_sig = sig;
		/* 1.5, 2.5 and pi on the stack, rounding down, then kill(getpid(), sig) by int $0x80. */
		__asm__ volatile(
			"fldcw %4\n\t"
			"fldpi\n\t"
			"fld1\n\tfld1\n\tfaddp\n\tfld1\n\tfld1\n\tfdivrp\n\tfaddp\n\t"   /* 2.5 */
			"fld1\n\tfld1\n\tfld1\n\tfaddp\n\tfdivrp\n\tfld1\n\tfaddp\n\t" /* 1.5 */
#ifdef __x86_64__
			"movl kill_pid(%%rip),%%edi\n\tmovl kill_sig(%%rip),%%esi\n\tmovl %5,%%eax\n\tsyscall\n\t"
#else
			"pushl %%ebx\n\tmovl kill_pid,%%ebx\n\tmovl kill_sig,%%ecx\n\tmovl %5,%%eax\n\tint $0x80\n\tpopl %%ebx\n\t"
#endif
			"fstpt %0\n\tfstpt %1\n\tfstpt %2\n\tfnstcw %3"
			: "=m"(r0), "=m"(r1), "=m"(r2), "=m"(cw_after)
			: "m"(down), "i"(SYS_kill)
			: "eax", "ecx", "edx", "esi", "edi", "memory"
#ifdef __x86_64__
			, "r11"
#endif
			);
		printf("after %d: st0=%Lg st1=%Lg st2=%.20Lg cw=%04x\n", sig, r0, r1, r2, cw_after);
		unsigned short def = 0x037f;
		__asm__ volatile("fldcw %0" ::"m"(def));
	}
	return 0;
}
