/* Pipes between a parent and its children: both directions, EOF, a large transfer, dup2 onto
 * stdout in a child, O_NONBLOCK and EAGAIN, pipe2 flags, poll and select. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/wait.h>

static void reap(const char *what, pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		printf("%s: waitpid %s\n", what, errname(errno));
	else if (WIFEXITED(status))
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
	else
		printf("%s: signal %d\n", what, WTERMSIG(status));
}

int main(void)
{
	setup();
	int p[2], q[2];
	char buf[256];

	/* In one process. */
	SHOW("pipe", pipe(p));
	SHOWV("write", write(p[1], "abc", 3));
	SHOWV("read", read(p[0], buf, sizeof buf));
	close(p[1]);
	SHOWV("read at EOF", read(p[0], buf, sizeof buf));
	close(p[0]);

	/* Parent to child and back: the child upper-cases what it reads. */
	pipe(p);
	pipe(q);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		close(q[0]);
		ssize_t n;
		while ((n = read(p[0], buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] >= 'a' && buf[i] <= 'z')
					buf[i] -= 32;
			write(q[1], buf, n);
		}
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	write(p[1], "hello through a pipe\n", 21);
	close(p[1]);
	ssize_t n, total = 0;
	while ((n = read(q[0], buf + total, sizeof buf - total)) > 0)
		total += n;
	printf("round trip: %.*s", (int)total, buf);
	close(q[0]);
	reap("upper-casing child", pid);

	/* 1 MiB from a child, checksummed. */
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		static unsigned char block[65536];
		for (int b = 0; b < 16; b++) {
			for (int i = 0; i < 65536; i++)
				block[i] = (unsigned char)(i * 7 + b);
			for (size_t off = 0; off < sizeof block;) {
				ssize_t w = write(p[1], block + off, sizeof block - off);
				if (w <= 0)
					_exit(1);
				off += w;
			}
		}
		_exit(0);
	}
	close(p[1]);
	unsigned long sum = 2166136261UL, count = 0;
	static unsigned char big[10000];
	while ((n = read(p[0], big, sizeof big)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = ((sum ^ big[i]) * 16777619UL) & 0xffffffffUL;
		count += n;
	}
	printf("bulk: %lu bytes, checksum %08lx\n", count, sum);
	close(p[0]);
	reap("bulk writer", pid);

	/* A child's stdout redirected into a pipe with dup2. */
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		printf("printed by the child on its stdout\n");
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	total = 0;
	while ((n = read(p[0], buf + total, sizeof buf - total)) > 0)
		total += n;
	printf("captured: %.*s", (int)total, buf);
	close(p[0]);
	reap("redirected child", pid);

	/* Non-blocking ends. */
	pipe(p);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	SHOWV("non-blocking read of an empty pipe", read(p[0], buf, 1));
	long filled = 0;
	for (;;) {
		n = write(p[1], big, sizeof big);
		if (n < 0)
			break;
		filled += n;
	}
	printf("filling a non-blocking pipe ends with %s, after %s bytes\n", errname(errno),
	       filled >= 4096 ? "at least 4096" : "fewer than 4096");
	close(p[0]);
	close(p[1]);

	/* pipe2 flags */
	SHOW("pipe2(O_CLOEXEC|O_NONBLOCK)", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	printf("pipe2 flags: cloexec=%d nonblock=%d\n", fcntl(p[0], F_GETFD) & FD_CLOEXEC ? 1 : 0,
	       fcntl(p[1], F_GETFL) & O_NONBLOCK ? 1 : 0);
	close(p[0]);
	close(p[1]);

	/* poll and select */
	pipe(p);
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	SHOWV("poll, empty pipe", poll(pf, 2, 0));
	printf("revents: read end %#x, write end %#x\n", pf[0].revents, pf[1].revents);
	write(p[1], "x", 1);
	SHOWV("poll, one byte", poll(pf, 2, 0));
	printf("revents: read end %#x, write end %#x\n", pf[0].revents, pf[1].revents);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {0, 0};
	SHOWV("select, one byte", select(p[0] + 1, &rd, NULL, NULL, &tv));
	YESNO("select marks the read end", FD_ISSET(p[0], &rd));
	close(p[1]);
	read(p[0], buf, 1);
	pf[0].revents = 0;
	SHOWV("poll after the writer closed", poll(pf, 1, 0));
	printf("revents: read end %#x\n", pf[0].revents);
	close(p[0]);

	/* A blocking poll woken by a child's write. */
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		usleep(20000);
		write(p[1], "late", 4);
		_exit(0);
	}
	pf[0].fd = p[0];
	pf[0].events = POLLIN;
	pf[0].revents = 0;
	SHOWV("blocking poll", poll(pf, 1, 5000));
	n = read(p[0], buf, sizeof buf);
	printf("after poll: [%.*s]\n", (int)n, buf);
	reap("late writer", pid);
	close(p[0]);
	close(p[1]);
	printf("done\n");
	return 0;
}
