/* Signals: handlers via raise and kill, SA_SIGINFO fields, sigprocmask blocking, pending and
 * delivery on unblock, SIGSEGV on a NULL access caught with sigsetjmp/siglongjmp (si_addr 0),
 * SIGILL from __builtin_trap, alarm + pause, SIGPIPE, SIGCHLD, SA_RESETHAND, sigsuspend,
 * nested handlers and the handler's mask, signals between processes. */
#include "common.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t count, last_sig, last_code, same_pid, nested, in_handler_mask_has_usr2;
static volatile void *last_addr;
static sigjmp_buf jump;
int *volatile null_int;

static void on_signal(int sig)
{
	count++;
	last_sig = sig;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	count++;
	last_sig = sig;
	last_code = si->si_code;
	same_pid = si->si_pid == getpid();
	YESNO("  si_signo matches", si->si_signo == sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_addr = si->si_addr;
	last_code = si->si_code;
	siglongjmp(jump, 1);
}

static void on_usr1_nested(int sig)
{
	(void)sig;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	in_handler_mask_has_usr2 = sigismember(&cur, SIGUSR2);
	raise(SIGUSR2); /* blocked by sa_mask: runs when this handler returns */
	nested = count;
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_KERNEL: return "SI_KERNEL";
	default: {
		static char b[16];
		sprintf(b, "%d", code);
		return b;
	}
	}
}

int main(void)
{
	setup();
	struct sigaction sa;

	/* A plain handler. */
	signal(SIGUSR1, on_signal);
	SHOW("raise SIGUSR1", raise(SIGUSR1));
	printf("handler ran %d time(s) for signal %d\n", (int)count, (int)last_sig);
	SHOW("kill(getpid(), SIGUSR1)", kill(getpid(), SIGUSR1));
	printf("handler ran %d time(s)\n", (int)count);

	/* SA_SIGINFO */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	SHOW("sigaction SA_SIGINFO", sigaction(SIGUSR2, &sa, NULL));
	count = 0;
	raise(SIGUSR2);
	printf("SA_SIGINFO by raise: count=%d code=%s same pid=%d\n", (int)count, code_name(last_code), (int)same_pid);
	kill(getpid(), SIGUSR2);
	printf("SA_SIGINFO by kill: count=%d code=%s same pid=%d\n", (int)count, code_name(last_code), (int)same_pid);
	union sigval sv = {.sival_int = 42};
	sigqueue(getpid(), SIGUSR2, sv);
	printf("SA_SIGINFO by sigqueue: count=%d code=%s\n", (int)count, code_name(last_code));

	/* The old action comes back from sigaction. */
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	YESNO("sigaction returns the installed handler", old.sa_sigaction == on_info && (old.sa_flags & SA_SIGINFO));

	/* Blocking: the signal stays pending until unblocked. */
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	count = 0;
	SHOW("sigprocmask block SIGUSR1", sigprocmask(SIG_BLOCK, &set, NULL));
	raise(SIGUSR1);
	printf("while blocked: handler ran %d time(s)\n", (int)count);
	sigpending(&pending);
	printf("pending: SIGUSR1=%d SIGUSR2=%d\n", sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2));
	raise(SIGUSR1); /* a standard signal is not queued twice */
	SHOW("sigprocmask unblock", sigprocmask(SIG_UNBLOCK, &set, NULL));
	printf("after unblock: handler ran %d time(s)\n", (int)count);
	sigpending(&pending);
	printf("pending: SIGUSR1=%d\n", sigismember(&pending, SIGUSR1));
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("mask has SIGUSR1: %d\n", sigismember(&cur, SIGUSR1));
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("SIGKILL/SIGSTOP cannot be blocked: %d %d\n", sigismember(&cur, SIGKILL), sigismember(&cur, SIGSTOP));
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	SHOW("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
	SHOW("sigaction signal 0", sigaction(0, &sa, NULL));
	SHOW("sigaction signal 65", sigaction(65, &sa, NULL));

	/* sa_mask is blocked inside the handler; the signal itself too (no SA_NODEFER). */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1_nested;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGUSR2, &sa, NULL);
	count = 0;
	raise(SIGUSR1);
	printf("nested: SIGUSR2 blocked in handler=%d, ran inside=%d, ran after=%d\n", (int)in_handler_mask_has_usr2,
	       (int)nested, (int)count);

	/* SA_RESETHAND: one shot. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	count = 0;
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	printf("SA_RESETHAND: ran %d, now %s\n", (int)count, old.sa_handler == SIG_DFL ? "SIG_DFL" : "still handled");

	/* Ignored signals. */
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	printf("ignored SIGUSR1: still alive\n");
	signal(SIGUSR1, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	raise(SIGCHLD);
	printf("default SIGCHLD is ignored: still alive\n");

	/* SIGSEGV on a NULL access, caught and left with siglongjmp. */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		if (sigsetjmp(jump, 1) == 0) {
			if (i == 1)
				printf("read %d\n", *null_int);
			else
				*null_int = i;
			printf("no fault!\n");
		} else {
			printf("SIGSEGV caught (%d): sig=%d si_addr==0: %s code=%s\n", i, (int)last_sig,
			       last_addr == NULL ? "yes" : "no", last_code == SEGV_MAPERR ? "SEGV_MAPERR" : code_name(last_code));
		}
	}
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("mask after siglongjmp has SIGSEGV: %d\n", sigismember(&cur, SIGSEGV));
	int *volatile far = (int *)16;
	if (sigsetjmp(jump, 1) == 0) {
		*far = 1;
		printf("no fault!\n");
	} else {
		printf("SIGSEGV at 16: si_addr==16: %s\n", last_addr == (void *)16 ? "yes" : "no");
	}

	/* SIGILL */
	if (sigsetjmp(jump, 1) == 0) {
		__builtin_trap();
	} else {
		printf("SIGILL caught: sig=%d\n", (int)last_sig);
	}

	/* alarm + pause */
	signal(SIGALRM, on_signal);
	count = 0;
	SHOWV("alarm(1)", alarm(1));
	SHOWV("pause", pause());
	printf("after pause: count=%d sig=%d\n", (int)count, (int)last_sig);
	SHOWV("alarm(10)", alarm(10));
	YESNO("alarm(0) returns the remaining seconds", alarm(0) > 0);

	/* sigsuspend: wait with SIGUSR1 unblocked. */
	signal(SIGUSR1, on_signal);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	count = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	SHOWV("sigsuspend", sigsuspend(&wait_mask));
	printf("sigsuspend woke with count=%d\n", (int)count);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("mask restored: %d\n", sigismember(&cur, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	int status;
	waitpid(pid, &status, 0);

	/* SIGCHLD with a handler. */
	signal(SIGCHLD, on_signal);
	count = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(4);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	printf("SIGCHLD handled: count=%d sig=%d status=%d\n", (int)count, (int)last_sig, WEXITSTATUS(status));
	signal(SIGCHLD, SIG_DFL);

	/* SIGPIPE: ignored gives EPIPE; handled runs the handler and gives EPIPE; default kills. */
	int p[2];
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	SHOWV("write to a closed pipe, SIGPIPE ignored", write(p[1], "x", 1));
	signal(SIGPIPE, on_signal);
	count = 0;
	SHOWV("write to a closed pipe, SIGPIPE handled", write(p[1], "x", 1));
	printf("SIGPIPE handler: count=%d sig=%d\n", (int)count, (int)last_sig);
	signal(SIGPIPE, SIG_DFL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("default SIGPIPE: %s %d\n", WIFSIGNALED(status) ? "killed by" : "exited", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	close(p[1]);

	/* A handled signal interrupts a blocking read (no SA_RESTART): EINTR. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	pipe(p);
	alarm(1);
	char c;
	SHOWV("read interrupted by SIGALRM", read(p[0], &c, 1));
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	fflush(stdout);
	count = 0; /* before fork: the child's signal may arrive before fork returns in the parent */
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		usleep(100000);
		write(p[1], "r", 1);
		_exit(0);
	}
	SHOWV("read restarted after SIGUSR1 (SA_RESTART)", read(p[0], &c, 1));
	printf("restarted read got [%c], handler count=%d\n", c, (int)count);
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);

	/* Default actions seen by a parent. */
	int sigs[] = {SIGUSR1, SIGUSR2, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGALRM};
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			signal(sigs[i], SIG_DFL);
			raise(sigs[i]);
			_exit(100);
		}
		waitpid(pid, &status, 0);
		printf("default action of %d: %s %d\n", sigs[i], WIFSIGNALED(status) ? "killed by" : "exited",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	printf("done\n");
	return 0;
}
