/* Self-modifying code (ARM only): instructions written into an mmap'd RWX buffer, run, patched,
 * the cache flushed (__builtin___clear_cache or the cacheflush system call), run again: the new
 * code must run. Also Thumb code in the buffer, code patched after it became hot, W^X toggling
 * with mprotect, code patched in a forked child, and running a page without PROT_EXEC (SIGSEGV). */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef __arm__
#error "smc.c is for 32-bit ARM only"
#endif

typedef int (*fn_t)(int);
#define MOV_R0(imm) (0xe3a00000u | (imm))        /* mov r0, #imm (imm < 256) */
#define ADD_R0(imm) (0xe2800000u | (imm))        /* add r0, r0, #imm */
#define BX_LR 0xe12fff1eu

static void flush(void *start, void *end)
{
	__builtin___clear_cache(start, end);
}

static long cacheflush_syscall(void *start, void *end)
{
	return syscall(0xf0002, start, end, 0); /* __ARM_NR_cacheflush */
}

static sigjmp_buf jump;
static volatile void *fault_addr;
static volatile int fault_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = si->si_addr;
	siglongjmp(jump, 1);
}

int main(void)
{
	setup();
	uint32_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	YESNO("mmap RWX", code != MAP_FAILED);
	fn_t f = (fn_t)(void *)code;

	code[0] = MOV_R0(1);
	code[1] = BX_LR;
	flush(code, code + 2);
	printf("first version returns %d\n", f(0));
	code[0] = MOV_R0(2);
	flush(code, code + 2);
	printf("patched version returns %d\n", f(0));
	code[0] = MOV_R0(3);
	SHOWV("cacheflush syscall", cacheflush_syscall(code, code + 2));
	printf("patched again returns %d\n", f(0));

	/* Patch many times, each time running the new code. */
	unsigned sum = 0;
	for (int i = 0; i < 1000; i++) {
		code[0] = MOV_R0(i & 0xff);
		flush(code, code + 1);
		sum += f(0);
	}
	printf("1000 patches: sum %u (expected %u)\n", sum, 1000u * 0 + (unsigned)({
		unsigned s = 0;
		for (int i = 0; i < 1000; i++)
			s += i & 0xff;
		s;
	}));

	/* A longer function made hot, then its middle patched. */
	for (int i = 0; i < 16; i++)
		code[i] = ADD_R0(1);
	code[16] = BX_LR;
	flush(code, code + 17);
	int r = 0;
	for (int i = 0; i < 5000; i++)
		r = f(r) & 0xffff;
	printf("hot function: %d\n", r);
	code[8] = ADD_R0(100);
	flush(code + 8, code + 9);
	printf("after patching its middle: %d\n", f(0));
	code[15] = BX_LR; /* return early: the last add never runs */
	code[14] = MOV_R0(77);
	flush(code + 14, code + 16);
	printf("after patching its end: %d\n", f(0));

	/* Code in another page calling into the first. */
	uint32_t *page2 = code + 1024;
	/* push {lr}; blx r1; add r0, r0, #1; pop {pc} */
	page2[0] = 0xe52de004u;
	page2[1] = 0xe12fff31u;
	page2[2] = ADD_R0(1);
	page2[3] = 0xe49df004u;
	code[0] = MOV_R0(40);
	code[1] = BX_LR;
	flush(code, code + 2048);
	int (*g)(int, fn_t) = (int (*)(int, fn_t))(void *)page2;
	printf("cross-page call: %d\n", g(0, f));
	code[0] = MOV_R0(50);
	flush(code, code + 1);
	printf("callee patched: %d\n", g(0, f));

	/* Thumb code in the buffer: movs r0, #5; bx lr */
	uint16_t *thumb = (uint16_t *)(code + 512);
	thumb[0] = 0x2005;
	thumb[1] = 0x4770;
	flush(thumb, thumb + 2);
	fn_t t = (fn_t)(void *)((uintptr_t)thumb | 1);
	printf("thumb code returns %d\n", t(0));
	thumb[0] = 0x2009;
	flush(thumb, thumb + 1);
	printf("patched thumb code returns %d\n", t(0));

	/* Code made hot before a fork and patched in the child, which starts with the parent's
	 * translations (dynwasm hands them over): the child runs its patch, the parent keeps its
	 * own copy of the code. */
	code[0] = MOV_R0(60);
	code[1] = BX_LR;
	flush(code, code + 2);
	r = 0;
	for (int i = 0; i < 5000; i++)
		r += f(0);
	printf("hot before fork: %d\n", r);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		printf("child, before its patch: %d\n", f(0));
		code[0] = MOV_R0(61);
		flush(code, code + 1);
		printf("child, after its patch: %d\n", f(0));
		fflush(stdout);
		_exit(0);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	printf("parent, after the child's patch: %d (child status %d)\n", f(0), status);

	/* W^X: write with PROT_WRITE, run with PROT_EXEC. */
	uint32_t *wx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	wx[0] = MOV_R0(11);
	wx[1] = BX_LR;
	SHOW("mprotect R|X", mprotect(wx, 4096, PROT_READ | PROT_EXEC));
	flush(wx, wx + 2);
	fn_t h = (fn_t)(void *)wx;
	printf("W^X code returns %d\n", h(0));
	SHOW("mprotect R|W", mprotect(wx, 4096, PROT_READ | PROT_WRITE));
	wx[0] = MOV_R0(12);
	SHOW("mprotect R|X again", mprotect(wx, 4096, PROT_READ | PROT_EXEC));
	flush(wx, wx + 2);
	printf("W^X code after the patch returns %d\n", h(0));

	/* A page that is not executable: the jump faults, at the target. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	SHOW("mprotect R|W (no X)", mprotect(wx, 4096, PROT_READ | PROT_WRITE));
	if (sigsetjmp(jump, 1) == 0) {
		printf("no fault: %d\n", h(0));
	} else {
		printf("running a non-executable page: signal %d at the target: %s\n", (int)fault_sig,
		       fault_addr == (void *)wx ? "yes" : "no");
	}
	/* Unmapped code: the same. */
	munmap(wx, 4096);
	if (sigsetjmp(jump, 1) == 0) {
		printf("no fault: %d\n", h(0));
	} else {
		printf("running an unmapped page: signal %d at the target: %s\n", (int)fault_sig,
		       fault_addr == (void *)wx ? "yes" : "no");
	}
	printf("done\n");
	return 0;
}
