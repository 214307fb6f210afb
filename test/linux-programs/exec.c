/* execve: of another test program (args, found beside this one through /proc/self/exe), of
 * /proc/self/exe itself, a pipe + dup2 + exec filter, close-on-exec, signal dispositions
 * across exec, exec errors, vfork and posix_spawn.
 * With an argument, it is the exec'd child: "upper" (a filter upper-casing stdin), "fds N M"
 * (reports whether descriptors N and M are open), "sigs" (reports SIGUSR1/SIGUSR2 dispositions),
 * "child ..." (prints its arguments and exits 7). */
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;
static char self[4096], args_prog[4096];

static void describe(const char *what, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status %#x\n", what, status);
}

/* fork + execve(path, argv, envp); waits and reports. */
static void run(const char *what, const char *path, char *const argv[], char *const envp[])
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		printf("%s: execve %s\n", what, errname(errno));
		fflush(stdout);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	describe(what, status);
}

static void handler(int sig) { (void)sig; }

static int as_child(int argc, char **argv)
{
	if (!strcmp(argv[1], "upper")) {
		int c;
		while ((c = getchar()) != EOF)
			putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
		return 0;
	}
	if (!strcmp(argv[1], "fds")) {
		for (int i = 2; i < argc; i++) {
			int fd = atoi(argv[i]);
			printf("  fd %d: %s\n", fd, fcntl(fd, F_GETFD) >= 0 ? "open" : errname(errno));
		}
		return 0;
	}
	if (!strcmp(argv[1], "sigs")) {
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		printf("  SIGUSR1: %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
		sigaction(SIGUSR2, NULL, &sa);
		printf("  SIGUSR2: %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
		sigset_t set;
		sigprocmask(SIG_BLOCK, NULL, &set);
		printf("  SIGTERM blocked: %d\n", sigismember(&set, SIGTERM));
		return 0;
	}
	if (!strcmp(argv[1], "child")) {
		printf("  re-exec'd: argc=%d", argc);
		for (int i = 2; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf(" DWT_MODE=%s\n", getenv("DWT_MODE") ? getenv("DWT_MODE") : "(unset)");
		return 7;
	}
	printf("unknown mode %s\n", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	setup();
	if (argc > 1)
		return as_child(argc, argv);

	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0) {
		printf("readlink /proc/self/exe: %s\n", errname(errno));
		return 1;
	}
	self[n] = 0;
	YESNO("/proc/self/exe is absolute", self[0] == '/');
	YESNO("/proc/self/exe names this program", strstr(self, "/exec") != NULL);
	strcpy(args_prog, self);
	strcpy(strrchr(args_prog, '/') + 1, "args");

	/* Another program, with an explicit environment. */
	char *a1[] = {"args", "one", "two words", "", NULL};
	char *e1[] = {"DWT_A=a", "DWT_B=b=c", "PATH=/bin", NULL};
	run("execve args", args_prog, a1, e1);
	char *e2[] = {"DWT_EXIT=5", NULL};
	char *a2[] = {"args", NULL};
	run("execve args with DWT_EXIT=5", args_prog, a2, e2);
	char *e3[] = {NULL};
	run("execve with an empty environment", args_prog, a2, e3);

	/* Itself, through /proc/self/exe, inheriting the environment. */
	setenv("DWT_MODE", "inherited", 1);
	char *a3[] = {"exec", "child", "x", "y z", NULL};
	run("re-exec /proc/self/exe", "/proc/self/exe", a3, environ);
	run("re-exec by path", self, a3, environ);

	/* execvp searching PATH. */
	char dir[4096];
	strcpy(dir, self);
	*strrchr(dir, '/') = 0;
	setenv("PATH", dir, 1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *a[] = {"args", "via", "PATH", NULL};
		execvp("args", a);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	describe("execvp args", status);

	/* A filter: pipe + dup2 + exec, output captured through a second pipe. */
	int in[2], out[2];
	pipe(in);
	pipe(out);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		char *a[] = {"exec", "upper", NULL};
		execv("/proc/self/exe", a);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	const char *text = "hello, filter\nsecond line\n";
	write(in[1], text, strlen(text));
	close(in[1]);
	char buf[256];
	ssize_t total = 0;
	while ((n = read(out[0], buf + total, sizeof buf - total)) > 0)
		total += n;
	close(out[0]);
	printf("filtered: %.*s", (int)total, buf);
	waitpid(pid, &status, 0);
	describe("filter", status);

	/* Close-on-exec. */
	int keep = open("/proc/self/exe", O_RDONLY);
	int cloexec = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	dup2(keep, 20);
	dup2(cloexec, 21);
	fcntl(21, F_SETFD, FD_CLOEXEC);
	int keep2 = 22;
	dup2(keep, keep2);
	char s20[8], s21[8], s22[8];
	sprintf(s20, "%d", 20);
	sprintf(s21, "%d", 21);
	sprintf(s22, "%d", keep2);
	fcntl(keep2, F_SETFD, 0);
	char *a4[] = {"exec", "fds", s20, s21, s22, NULL};
	printf("descriptors across exec (20 kept, 21 close-on-exec, 22 kept):\n");
	run("fds", "/proc/self/exe", a4, environ);
	close(keep);
	close(cloexec);
	close(20);
	close(21);
	close(22);

	/* Signal dispositions: ignored stays ignored, handled becomes default; the mask is kept. */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, handler);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	char *a5[] = {"exec", "sigs", NULL};
	printf("signal dispositions across exec:\n");
	run("sigs", "/proc/self/exe", a5, environ);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* Errors. */
	SHOW("execve missing", execve("/nonexistent/prog", a2, environ));
	int fd = open("notexec", O_CREAT | O_WRONLY, 0644);
	write(fd, "#!/bin/sh\n", 10);
	close(fd);
	SHOW("execve a 0644 file", execve("./notexec", a2, environ));
	mkdir("adir", 0755);
	SHOW("execve a directory", execve("./adir", a2, environ));
	fd = open("garbage", O_CREAT | O_WRONLY, 0755);
	write(fd, "\x01\x02\x03\x04 not a program\n", 20);
	close(fd);
	SHOW("execve a non-program", execve("./garbage", a2, environ));

	/* vfork + exec, and posix_spawn. */
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		char *a[] = {"args", "from", "vfork", NULL};
		execve(args_prog, a, e3);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	describe("vfork + execve", status);
	char *a6[] = {"args", "spawned", NULL};
	char *e6[] = {"DWT_SPAWN=1", "DWT_EXIT=3", NULL};
	fflush(stdout);
	int r = posix_spawn(&pid, args_prog, NULL, NULL, a6, e6);
	/* The child runs concurrently: print only after it ended. */
	if (r == 0)
		waitpid(pid, &status, 0);
	printf("posix_spawn: %s\n", errname(r));
	if (r == 0)
		describe("posix_spawn child", status);
	printf("done\n");
	return 0;
}
