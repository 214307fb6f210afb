/* Blocking writes that a signal interrupts (issue 16): a write larger than a pipe's free space
 * returns what it wrote when a handled signal comes (with SA_RESTART too), EINTR when it wrote
 * nothing, and is restarted after an SA_RESTART handler when nothing was written; the same for
 * writev and sendfile. With a slow reader and a host signal handler installed (so that the
 * emulator must let its event loop turn during the write), a large write still completes
 * without losing or repeating bytes; a signal from another process cuts it short. */
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define BIG 200000
static unsigned char out[BIG], in[BIG];
static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught++; }

static void handle(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* One ITIMER_REAL expiry after `ms` milliseconds. */
static void timer_ms(int ms)
{
	struct itimerval t = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &t, NULL);
}

static void fill(unsigned char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 31 + seed + (i >> 8));
}

/* Read everything now in the pipe (non-blocking) into `in`; returns the count. */
static size_t drain(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	size_t total = 0;
	ssize_t n;
	while (total < sizeof in && (n = read(fd, in + total, sizeof in - total)) > 0)
		total += n;
	fcntl(fd, F_SETFL, fl);
	return total;
}

/* Fill the pipe without blocking. */
static void fill_pipe(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (write(fd, out, BIG) > 0)
		;
	fcntl(fd, F_SETFL, fl);
}

/* A partial write of `n` bytes from `out`: report the count against the pipe's capacity, and
 * whether the bytes that arrived are the first `n` of the buffer. */
static void report(const char *what, long r, int err, int fd, int cap)
{
	if (r < 0) {
		printf("%s: -1 %s, handler ran: %s\n", what, errname(err), caught ? "yes" : "no");
		return;
	}
	size_t got = drain(fd);
	printf("%s: %s, handler ran: %s, bytes intact: %s\n", what,
	       r == cap ? "the pipe's capacity" : r == BIG ? "everything" : "some other count",
	       caught < 0 ? "not asked" : caught ? "yes" : "no", got == (size_t)r && memcmp(in, out, got) == 0 ? "yes" : "no");
	if (r != cap && r != BIG)
		printf("  (%ld bytes)\n", r);
}

int main(void)
{
	setup();
	int p[2];
	fill(out, sizeof out, 7);
	pipe(p);
	int cap = fcntl(p[1], F_GETPIPE_SZ);
	printf("pipe capacity: %s\n", cap > 0 && cap < BIG ? "below the write" : "unexpected");

	/* write: no SA_RESTART, then SA_RESTART: the bytes written so far either way. */
	handle(SIGALRM, 0);
	caught = 0;
	timer_ms(300);
	errno = 0;
	long r = write(p[1], out, BIG);
	report("write, handler without SA_RESTART", r, errno, p[0], cap);

	handle(SIGALRM, SA_RESTART);
	caught = 0;
	timer_ms(300);
	errno = 0;
	r = write(p[1], out, BIG);
	report("write, handler with SA_RESTART", r, errno, p[0], cap);

	/* A full pipe: nothing written, so EINTR without SA_RESTART. */
	handle(SIGALRM, 0);
	fill_pipe(p[1]);
	caught = 0;
	timer_ms(200);
	errno = 0;
	r = write(p[1], out, 10);
	printf("write to a full pipe: %ld %s, handler ran: %s\n", r, errname(errno), caught ? "yes" : "no");
	drain(p[0]);

	/* writev: two vectors, together larger than the pipe. */
	struct iovec iov[2] = { { out, BIG / 2 }, { out + BIG / 2, BIG / 2 } };
	caught = 0;
	timer_ms(300);
	errno = 0;
	r = writev(p[1], iov, 2);
	report("writev, handler without SA_RESTART", r, errno, p[0], cap);

	/* sendfile from a file into the pipe. */
	int f = open("blocking.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(f, out, BIG);
	off_t off = 0;
	caught = 0;
	timer_ms(300);
	errno = 0;
	r = sendfile(p[1], f, &off, BIG);
	/* Newer kernels fill the pipe once and return without waiting for the signal. */
	timer_ms(0);
	caught = -1;
	report("sendfile larger than the pipe", r, errno, p[0], cap);
	printf("sendfile's offset: %s\n", off == r ? "advanced by the count" : "wrong");
	fill_pipe(p[1]);
	caught = 0;
	timer_ms(200);
	errno = 0;
	r = sendfile(p[1], f, &off, 10);
	printf("sendfile to a full pipe: %ld %s, handler ran: %s\n", r, errname(errno), caught ? "yes" : "no");
	drain(p[0]);
	close(f);
	unlink("blocking.data");

	/* A full pipe, an SA_RESTART handler, and a child that drains the pipe later: the write is
	 * restarted after the handler and completes. */
	handle(SIGALRM, SA_RESTART);
	fill_pipe(p[1]);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(500000);
		size_t got = 0;
		ssize_t n;
		while (got < (size_t)cap && (n = read(p[0], in, (size_t)cap - got)) > 0)
			got += n;
		_exit(got == (size_t)cap ? 0 : 1);
	}
	caught = 0;
	timer_ms(100);
	errno = 0;
	r = write(p[1], out, 10);
	printf("write to a full pipe, SA_RESTART, drained later: %ld %s, handler ran: %s\n", r, errname(errno),
	       caught ? "yes" : "no");
	int status;
	waitpid(pid, &status, 0);
	printf("draining child: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "got the pipe's capacity" : "failed");
	drain(p[0]);
	close(p[0]);
	close(p[1]);

	/* A slow reader and a SIGUSR1 handler (no timer): the write completes, every byte once. */
	handle(SIGUSR1, 0);
	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		size_t total = 0;
		ssize_t n;
		int ok = 1;
		/* Pauses longer than the emulator's 100 ms slices of waiting. */
		while ((n = read(p[0], in + total, 40000 < sizeof in - total ? 40000 : sizeof in - total)) > 0) {
			total += n;
			usleep(150000);
		}
		ok = total == BIG && memcmp(in, out, BIG) == 0;
		_exit(ok ? 0 : 1);
	}
	close(p[0]);
	caught = 0;
	errno = 0;
	r = write(p[1], out, BIG);
	printf("write to a slow reader, SIGUSR1 handled: %s %s, handler ran: %s\n",
	       r == BIG ? "everything" : "short", errname(errno), caught ? "yes" : "no");
	close(p[1]);
	waitpid(pid, &status, 0);
	printf("slow reader: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "every byte once" : "bytes lost or repeated");

	/* Nobody reading, and another process sends SIGUSR1: the write returns what it wrote. */
	pipe(p);
	fflush(stdout);
	pid_t parent = getpid();
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	caught = 0;
	errno = 0;
	r = write(p[1], out, BIG);
	report("write, SIGUSR1 from another process", r, errno, p[0], cap);
	waitpid(pid, &status, 0);
	return 0;
}
