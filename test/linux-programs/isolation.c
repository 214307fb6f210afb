/* Guest isolation: loads and stores at the addresses where dynwasm keeps its own state in
 * linear memory (the TLBs at 0xff000000, the jump cache at 0xff800000, the chain budget at
 * 0xff900000, the CPU state at 0xffff8000) and in ARM Linux's kernel space (0xbf000000 up)
 * must be SIGSEGV with si_addr at the address, as on Linux (and natively: nothing is mapped
 * there in a 64-bit process either), and must not change what the program computes after.
 * Each access runs several times, so that the JIT compiles it. */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static sigjmp_buf jump;
static volatile uintptr_t fault_addr;
static volatile int fault_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jump, 1);
}

/* Not inlined, so the access is one block the exec loop runs again and again. */
__attribute__((noinline)) static void store_word(volatile uint32_t *p, uint32_t v) { *p = v; }
__attribute__((noinline)) static void store_byte(volatile uint8_t *p, uint8_t v) { *p = v; }
__attribute__((noinline)) static uint32_t load_word(volatile uint32_t *p) { return *p; }

static const uint32_t targets[] = {
	0xbf000000u, 0xc0000000u, 0xe0001000u,
	0xff000000u, 0xff000040u, 0xff3ffffcu, 0xff400000u,
	0xff800000u, 0xff8ffff0u, 0xff900000u,
	0xffff8000u, 0xffff803cu, 0xffff8084u, 0xffff8ffcu,
};

static void try(const char *what, int kind, uint32_t addr)
{
	int faults = 0, wrong = 0;
	for (int i = 0; i < 8; i++) {
		fault_sig = 0;
		if (sigsetjmp(jump, 1) == 0) {
			if (kind == 0) store_word((volatile uint32_t *)(uintptr_t)addr, 0xdeadbeef);
			else if (kind == 1) store_byte((volatile uint8_t *)(uintptr_t)addr, 0x5a);
			else (void)load_word((volatile uint32_t *)(uintptr_t)addr);
		}
		if (fault_sig == SIGSEGV) faults++;
		if (fault_sig == SIGSEGV && fault_addr != addr) wrong++;
	}
	printf("%s 0x%08x: %d of 8 faulted with SIGSEGV, %d at another address\n", what, addr, faults, wrong);
}

int main(void)
{
	setup();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		try("store word", 0, targets[i]);
		try("store byte", 1, targets[i] + 3);
		try("load word", 2, targets[i]);
	}

	/* The emulator's state survived: a computation with calls, branches and memory. */
	uint32_t h = 2166136261u, buf[64];
	for (int i = 0; i < 64; i++) buf[i] = (uint32_t)i * 2654435761u;
	for (int round = 0; round < 1000; round++)
		for (int i = 0; i < 64; i++) { h = (h ^ buf[i]) * 16777619u; buf[i] = h >> 3; }
	printf("checksum after the faults: %08x\n", h);
	return 0;
}
