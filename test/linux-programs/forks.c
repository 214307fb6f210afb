/*
 * fork as a program sees it, many times over: dynwasm-arm's fork server (runtime/linux-user/
 * fork-server.ts) hands all but the first fork to a spare emulator started ahead, so this
 * checks that a child made from a spare is the child a kernel's fork makes: its pid, parent,
 * descriptors (at their numbers, closed ones closed), current directory, umask, signal mask
 * and dispositions, process group; a signal sent right after fork; a burst of forks (each
 * handed to a spare still starting); and that a spare is never seen by wait.
 *
 * `forks N` times N fork+_exit+waitpid round trips instead (npm run bench's fork-wait row).
 */
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st)) printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st)) printf("%s: signal %d\n", what, WTERMSIG(st));
	else printf("%s: status %#x\n", what, st);
}

/* Fork a child that runs fn and exits with its result; wait for it and print how it ended. */
static void in_child(const char *what, int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) { printf("%s: fork %s\n", what, errname(errno)); return; }
	if (pid == 0) { int r = fn(); fflush(stdout); _exit(r); }
	int st;
	pid_t w = waitpid(pid, &st, 0);
	if (w != pid) { printf("%s: waitpid %s\n", what, errname(errno)); return; }
	show_status(what, st);
}

static int pipefd[2];
static pid_t parent_pid;

static int child_ids(void)
{
	pid_t me = getpid();
	if (write(pipefd[1], &me, sizeof me) != sizeof me) return 9;
	printf("child: parent is ours %s\n", getppid() == parent_pid ? "yes" : "no");
	return 0;
}

static int child_fds(void)
{
	/* 0-2 and 3-5 open, 6 closed in the parent, 100 open (dup2 in the parent), 101 cloexec. */
	printf("child: fd 0 %s\n", fcntl(0, F_GETFD) >= 0 ? "open" : errname(errno));
	printf("child: fd 5 %s\n", fcntl(5, F_GETFD) >= 0 ? "open" : errname(errno));
	printf("child: fd 6 %s\n", fcntl(6, F_GETFD) >= 0 ? "open" : errname(errno));
	printf("child: fd 100 flags %d\n", fcntl(100, F_GETFD));
	printf("child: fd 101 flags %d\n", fcntl(101, F_GETFD));
	static const char msg[] = "through 100";
	if (write(100, msg, sizeof msg - 1) != sizeof msg - 1) printf("child: write 100 %s\n", errname(errno));
	return 0;
}

static int child_cwd(void)
{
	char buf[4096];
	if (!getcwd(buf, sizeof buf)) { printf("child: getcwd %s\n", errname(errno)); return 1; }
	const char *base = strrchr(buf, '/');
	printf("child: cwd ends in %s\n", base ? base + 1 : buf);
	mode_t m = umask(0);
	umask(m);
	printf("child: umask %03o\n", (unsigned)m);
	/* A file made with the umask: its mode shows the kernel applied it. */
	int fd = open("made-by-child", O_CREAT | O_WRONLY, 0666);
	struct stat sb;
	if (fd >= 0 && fstat(fd, &sb) == 0) printf("child: file mode %03o\n", (unsigned)(sb.st_mode & 0777));
	return 0;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1 = 1; }

static int child_signals(void)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("child: SIGUSR2 blocked %s\n", sigismember(&cur, SIGUSR2) ? "yes" : "no");
	struct sigaction sa;
	sigaction(SIGINT, NULL, &sa);
	printf("child: SIGINT ignored %s\n", sa.sa_handler == SIG_IGN ? "yes" : "no");
	sigaction(SIGUSR1, NULL, &sa);
	printf("child: SIGUSR1 handled %s\n", sa.sa_handler == on_usr1 ? "yes" : "no");
	return 0;
}

static int child_pgrp(void)
{
	printf("child: in the parent's group %s\n", getpgrp() == getpgid(getppid()) ? "yes" : "no");
	if (setpgid(0, 0) != 0) printf("child: setpgid %s\n", errname(errno));
	printf("child: own group %s\n", getpgrp() == getpid() ? "yes" : "no");
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	parent_pid = getpid();
	if (argc > 1) {
		/*
		 * Timing (npm run bench's fork-wait row): N fork + _exit + waitpid round trips, after
		 * one that starts the fork server; the times on a `bench-time` line, in seconds.
		 */
		int n = atoi(argv[1]);
		pid_t pid = fork();
		if (pid == 0) _exit(0);
		int st;
		waitpid(pid, &st, 0);
		double t0 = now();
		int ok = 0;
		for (int i = 0; i < n; i++) {
			pid = fork();
			if (pid == 0) _exit(3);
			if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3) ok++;
		}
		double t1 = now();
		printf("fork+exit+wait: %d of %d round trips ok\n", ok, n);
		printf("bench-time fork-wait %.6f %.6f\n", t0, t1);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The first fork (it starts the fork server's first spare). */
	if (pipe(pipefd) != 0) return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) _exit(child_ids());
	pid_t reported = -1;
	if (read(pipefd[0], &reported, sizeof reported) != sizeof reported) printf("read pid: %s\n", errname(errno));
	int st;
	waitpid(pid, &st, 0);
	printf("first: pid is the child's %s\n", reported == pid ? "yes" : "no");
	show_status("first", st);

	/* The pid and parent of a child made from a spare. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) _exit(child_ids());
	if (read(pipefd[0], &reported, sizeof reported) != sizeof reported) printf("read pid: %s\n", errname(errno));
	waitpid(pid, &st, 0);
	printf("second: pid is the child's %s\n", reported == pid ? "yes" : "no");
	show_status("second", st);

	/* Descriptors: one closed, one moved high, one close-on-exec. */
	int p2[2];
	if (pipe(p2) != 0) return 1;
	printf("pipes at %d %d %d %d\n", pipefd[0], pipefd[1], p2[0], p2[1]);
	if (dup2(p2[1], 100) != 100) return 1;
	close(p2[1]); /* 6: closed */
	if (dup2(pipefd[0], 101) != 101 || fcntl(101, F_SETFD, FD_CLOEXEC) != 0) return 1;
	in_child("fds", child_fds);
	close(100);
	char buf[64] = { 0 };
	ssize_t n = read(p2[0], buf, sizeof buf - 1);
	printf("parent: read %s (%zd)\n", n > 0 ? buf : errname(errno), n);
	n = read(p2[0], buf, sizeof buf - 1);
	printf("parent: then %zd (end of file: no copy of the write end is left)\n", n);
	close(p2[0]);
	close(101);

	/* Current directory and umask. */
	if (mkdir("sub", 0755) != 0 && errno != EEXIST) printf("mkdir: %s\n", errname(errno));
	if (chdir("sub") != 0) printf("chdir: %s\n", errname(errno));
	umask(027);
	in_child("cwd", child_cwd);
	umask(022);
	if (chdir("..") != 0) printf("chdir: %s\n", errname(errno));

	/* Signal mask and dispositions. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGINT, SIG_IGN);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	in_child("signals", child_signals);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGINT, SIG_DFL);

	/* A signal right after fork: a handled one (the child waits for it), then a deadly one. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		while (!got_usr1) pause();
		_exit(42);
	}
	kill(pid, SIGUSR1);
	waitpid(pid, &st, 0);
	show_status("usr1 right after fork", st);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (;;) pause();
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	show_status("term right after fork", st);

	/* Process group: the child starts in ours, and can make its own. */
	in_child("pgrp", child_pgrp);

	/* A burst: 12 children forked at once (each handed to a spare that is still starting). */
	pid_t kids[12];
	fflush(stdout);
	for (int i = 0; i < 12; i++) {
		kids[i] = fork();
		if (kids[i] == 0) _exit(i);
	}
	int sum = 0, ok = 1;
	for (int i = 0; i < 12; i++) {
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st)) ok = 0;
		else sum += WEXITSTATUS(st);
	}
	printf("burst: all ended %s, statuses sum to %d\n", ok ? "yes" : "no", sum);

	/* No child is left: wait must say so, not wait (nor report a spare). */
	int r1 = wait(&st), e1 = errno;
	int r2 = waitpid(-1, &st, WNOHANG), e2 = errno;
	int r3 = waitpid(0, &st, 0), e3 = errno;
	siginfo_t si;
	int r4 = waitid(P_ALL, 0, &si, WEXITED), e4 = errno;
	printf("wait with no child: %d %s\n", r1, errname(e1));
	printf("waitpid WNOHANG with no child: %d %s\n", r2, errname(e2));
	printf("waitpid of our group with no child: %d %s\n", r3, errname(e3));
	printf("waitid with no child: %d %s\n", r4, errname(e4));

	/* A child that waits for any child while it has none (its own spare hidden as well). */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) _exit(7);
		int s2;
		pid_t w1 = wait(&s2);
		pid_t w2 = wait(&s2);
		int e = errno;
		printf("grandchild: reaped %s, then %d %s\n", w1 == g ? "yes" : "no", (int)w2, errname(e));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	show_status("nested", st);
	return 0;
}
