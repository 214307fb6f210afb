/* Processes: fork and waitpid statuses, exit codes, death by signals, getppid, shared file
 * offsets across fork, WNOHANG, ECHILD, wait for several children, process groups. */
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

int *volatile null_int;

static void describe(const char *what, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else if (WIFSTOPPED(status))
		printf("%s: stopped by %d\n", what, WSTOPSIG(status));
	else
		printf("%s: status %#x\n", what, status);
}

/* Forks a child that runs `body` (which returns its exit status) and reports how it ended. */
static void child(const char *what, int (*body)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("%s: fork %s\n", what, errname(errno));
		return;
	}
	if (pid == 0)
		exit(body());
	int status;
	pid_t r = waitpid(pid, &status, 0);
	if (r != pid) {
		printf("%s: waitpid %s\n", what, errname(errno));
		return;
	}
	describe(what, status);
}

static int exit0(void) { return 0; }
static int exit1(void) { return 1; }
static int exit42(void) { return 42; }
static int exit255(void) { return 255; }
static int exit256(void) { _exit(256 + 7); }
static int term(void) { raise(SIGTERM); return 1; }
static int killself(void) { kill(getpid(), SIGKILL); return 1; }
static int segv(void) { *null_int = 1; return 1; }
static int doabort(void) { abort(); }
static int print_in_child(void) { printf("child prints a line\n"); return 3; }
static int unflushed(void) { printf("child's buffered line, flushed by exit\n"); return 0; }
static int unflushed_exit(void) { printf("child's buffered line, lost by _exit"); _exit(0); }
static pid_t parent_pid;
static int check_ppid(void) { return getppid() == parent_pid && getpid() != parent_pid ? 0 : 1; }

int main(void)
{
	setup();
	parent_pid = getpid();
	YESNO("getpid positive", getpid() > 0);
	YESNO("getppid differs", getppid() != getpid());
	child("exit 0", exit0);
	child("exit 1", exit1);
	child("exit 42", exit42);
	child("exit 255", exit255);
	child("_exit 263", exit256);
	child("raise SIGTERM", term);
	child("kill SIGKILL", killself);
	child("NULL write", segv);
	child("abort", doabort);
	child("printing child", print_in_child);
	child("exit flushes stdio", unflushed);
	child("_exit does not flush", unflushed_exit);
	child("getppid in child is the parent", check_ppid);

	/* The child and the parent share the file offset of descriptors open before fork. */
	int fd = open("shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
	pid_t pid = fork();
	if (pid == 0) {
		write(fd, "child;", 6);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	write(fd, "parent;", 7);
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	printf("shared offset: [%.*s]\n", (int)n, buf);
	close(fd);

	/* Memory is copied, not shared. */
	static int value = 1;
	pid = fork();
	if (pid == 0) {
		value = 2;
		_exit(value);
	}
	waitpid(pid, &status, 0);
	printf("copy on write: child saw %d, parent sees %d\n", WEXITSTATUS(status), value);

	/* WNOHANG on a running child returns 0; the child ends when the pipe is closed. */
	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) > 0) {
		}
		_exit(9);
	}
	close(p[0]);
	SHOWV("waitpid WNOHANG while running", waitpid(pid, &status, WNOHANG));
	close(p[1]);
	pid_t r = waitpid(pid, &status, 0);
	YESNO("waitpid returns the child's pid", r == pid);
	describe("child after EOF", status);

	/* Several children, collected with wait() in any order. */
	fflush(stdout);
	int codes[5] = {0};
	for (int i = 0; i < 5; i++) {
		pid = fork();
		if (pid == 0)
			_exit(10 + i);
	}
	for (int i = 0; i < 5; i++) {
		r = wait(&status);
		if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) >= 10 && WEXITSTATUS(status) < 15)
			codes[WEXITSTATUS(status) - 10]++;
	}
	printf("wait collected: %d %d %d %d %d\n", codes[0], codes[1], codes[2], codes[3], codes[4]);
	SHOWV("wait with no children", wait(&status));
	SHOWV("waitpid of a non-child", waitpid(1, &status, WNOHANG));

	/* A child that forks a grandchild: the grandchild's parent is the child. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0)
			_exit(getppid() == me ? 21 : 22);
		int s;
		waitpid(g, &s, 0);
		_exit(WIFEXITED(s) ? WEXITSTATUS(s) : 23);
	}
	waitpid(pid, &status, 0);
	describe("grandchild's parent is the child (21)", status);

	/* kill() a child blocked in read, from the parent. */
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	SHOW("kill child with SIGUSR1", kill(pid, SIGUSR1));
	waitpid(pid, &status, 0);
	describe("killed child", status);
	close(p[1]);
	SHOW("kill a reaped child", kill(pid, 0));
	SHOW("kill(self, 0)", kill(getpid(), 0));

	/* Process groups and sessions. */
	YESNO("getpgrp == getpgid(0)", getpgrp() == getpgid(0));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setpgid(0, 0) < 0)
			_exit(30);
		_exit(getpgrp() == getpid() ? 31 : 32);
	}
	waitpid(pid, &status, 0);
	describe("setpgid(0,0) in child (31)", status);
	pid = fork();
	if (pid == 0)
		_exit(setsid() == getpid() ? 41 : 42);
	waitpid(pid, &status, 0);
	describe("setsid in child (41)", status);
	printf("done\n");
	return 0;
}
