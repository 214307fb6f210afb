/* Faults of the integer instructions and how Linux reports them: a divide error (division by
 * zero, INT_MIN / -1) is SIGFPE with FPE_INTDIV, ud2 is SIGILL, hlt is SIGSEGV (a privileged
 * instruction), int3 is SIGTRAP. With `catch` each is caught by a handler that prints what it
 * was told and jumps back; otherwise the first argument's fault kills the program. */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static sigjmp_buf back;
static volatile int zero = 0, minus_one = -1, int_min = INT_MIN;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("caught %s code=%d\n", strsignal(sig), si->si_code);
	siglongjmp(back, 1);
}

static void fault(const char *what)
{
	if (!strcmp(what, "div0")) printf("%d\n", 5 / zero);
	else if (!strcmp(what, "overflow")) printf("%d\n", int_min / minus_one);
	else if (!strcmp(what, "div8")) { volatile unsigned char d = 0; unsigned short ax = 300; __asm__ volatile("divb %1" : "+a"(ax) : "m"(d)); }
	else if (!strcmp(what, "ud2")) __asm__ volatile("ud2");
	else if (!strcmp(what, "hlt")) __asm__ volatile("hlt");
	else if (!strcmp(what, "int3")) __asm__ volatile("int3");
	else if (!strcmp(what, "null")) *(volatile int *)0 = 1;
}

int main(int argc, char **argv)
{
	printf("7/2=%d -7/2=%d 7%%-2=%d %u\n", 7 / 2, -7 / 2, 7 % -2, 4000000000u / 3);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "catch")) { fault(argv[1]); printf("not reached\n"); return 1; }
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	for (int s = 1; s < 32; s++) sigaction(s, &sa, 0);
	const char *all[] = { "div0", "overflow", "div8", "ud2", "hlt", "int3", "null" };
	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (sigsetjmp(back, 1) == 0) { printf("%s: ", all[i]); fflush(stdout); fault(all[i]); printf("no fault\n"); }
		fflush(stdout);
	}
	return 0;
}
