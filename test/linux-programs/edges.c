/*
 * Edge cases of memory, futex and file calls where an emulator is easily laxer than Linux:
 * MAP_SHARED mappings whose file descriptor changes under them, vm.mmap_min_addr, mremap's
 * checks and MREMAP_FIXED, madvise, futex operations glibc uses, short and bad buffers
 * (getcwd, readlink, getrandom, read, write), select's timeval. With the argument "arm": the
 * ARM-only calls (statfs64's size, the kuser page, PI futexes), checked by test/linux-cli.test.ts.
 */
#include "common.h"
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096L

static void *volatile bad_ptr = (void *)8;

static long futex(void *uaddr, int op, int val, void *timeout_or_val2, void *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

/* A mapping of `pages` read-write anonymous pages followed by an unmapped page. */
static char *before_hole(int pages)
{
	char *m = mmap(NULL, (pages + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + pages * PAGE, PAGE);
	return m;
}

static int mapped(void *addr)
{
	return msync(addr, PAGE, MS_ASYNC) == 0;
}

static void shared_maps(void)
{
	char data[8192];
	memset(data, 'a', sizeof data);
	int fd = open("shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, data, sizeof data);
	close(fd);

	/* A shared mapping of a read-only descriptor cannot become writable. */
	fd = open("shared", O_RDONLY);
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	SHOW("mprotect RW of a shared map of an O_RDONLY file", mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	SHOW("mprotect RW of a private map of it", ({ char *pr = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0); mprotect(pr, PAGE, PROT_READ | PROT_WRITE); }));
	SHOWV("a system call after it", getppid() > 0);
	munmap(ro, PAGE);
	close(fd);

	/* The guest's flags on its descriptor do not disturb the mapping (O_DIRECT wants aligned I/O). */
	fd = open("shared", O_RDWR);
	char *rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int direct = fcntl(fd, F_SETFL, O_DIRECT);
	rw[1] = 'y';
	SHOWV("a system call after F_SETFL O_DIRECT", getppid() > 0);
	printf("mapping after it: %c%c\n", rw[0], rw[1]);
	SHOW("msync", msync(rw, PAGE, MS_SYNC));
	if (direct == 0) fcntl(fd, F_SETFL, 0);
	char c = 0;
	pread(fd, &c, 1, 1);
	printf("file byte 1: %c\n", c);
	munmap(rw, PAGE);
	close(fd);

	/* A descriptor opened with O_DIRECT can be mapped. */
	fd = open("shared", O_RDWR | O_DIRECT);
	if (fd < 0) {
		printf("open O_DIRECT: %s\n", errname(errno));
		return;
	}
	char *d = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared map of an O_DIRECT descriptor: %s\n", d == MAP_FAILED ? errname(errno) : d[1] == 'y' ? "OK" : "wrong bytes");
	char *pr = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("private map of it: %s\n", pr == MAP_FAILED ? errname(errno) : pr[1] == 'y' ? "OK" : "wrong bytes");
	close(fd);
}

static void low_addresses(void)
{
	long min = 0;
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	if (f) {
		if (fscanf(f, "%ld", &min) != 1) min = 0;
		fclose(f);
	}
	/* Below vm.mmap_min_addr MAP_FIXED needs CAP_SYS_RAWIO: the host's answer is ours. */
	if (min > 0) {
		void *m = mmap((void *)0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		printf("MAP_FIXED at 0 (below mmap_min_addr): %s\n", m == MAP_FAILED ? errname(errno) : "OK");
		if (m != MAP_FAILED) munmap(m, PAGE);
		m = mmap((void *)0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		printf("MAP_FIXED_NOREPLACE at 0: %s\n", m == MAP_FAILED ? errname(errno) : "OK");
		if (m != MAP_FAILED) munmap(m, PAGE);
	}
	/* A hint below it is raised to it (or the mapping goes elsewhere): never below. */
	if (min >= 2 * PAGE) {
		char *m = mmap((void *)(min - PAGE), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		YESNO("a hint below mmap_min_addr maps at or above it", m != MAP_FAILED && (uintptr_t)m >= (uintptr_t)min);
		munmap(m, PAGE);
	}
	/* An unaligned hint is only a hint. */
	char *m = mmap((void *)0x12345678, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("unaligned hint: %s\n", m == MAP_FAILED ? errname(errno) : "OK");
	munmap(m, PAGE);
	SHOW("unaligned MAP_FIXED", mmap((void *)0x12345678, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0);
}

static void remaps(void)
{
	char *m = before_hole(3);
	SHOW("mremap an old length past the mapping", mremap(m, 4 * PAGE, 5 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	SHOW("mremap an unmapped address", mremap(m + 3 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	SHOW("mremap to length 0", mremap(m, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	SHOW("mremap unknown flags", mremap(m, PAGE, PAGE, 0x80) == MAP_FAILED ? -1 : 0);
	SHOW("mremap unaligned", mremap(m + 1, PAGE, PAGE, 0) == MAP_FAILED ? -1 : 0);
	SHOW("mremap old length 0 of a private map", mremap(m, 0, PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	/* Growing over the hole's neighbour, and shrinking. */
	m[0] = 'A';
	m[PAGE] = 'B';
	m[2 * PAGE] = 'C';
	char *g = mremap(m, 3 * PAGE, 4 * PAGE, 0);
	YESNO("mremap grows in place into free space", g == m);
	if (g == m) printf("grown page: %d %c\n", m[3 * PAGE], m[2 * PAGE]);
	SHOW("mremap shrinks", mremap(m, 4 * PAGE, PAGE, 0) == m ? 0 : -1);
	YESNO("the tail is unmapped", !mapped(m + PAGE));

	/* MREMAP_FIXED: to a given address, replacing what was there. */
	char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *t = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a[0] = 'x';
	a[PAGE] = 'y';
	t[0] = 'z';
	SHOW("MREMAP_FIXED without MREMAP_MAYMOVE", mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_FIXED, t) == MAP_FAILED ? -1 : 0);
	SHOW("MREMAP_FIXED unaligned", mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t + 1) == MAP_FAILED ? -1 : 0);
	SHOW("MREMAP_FIXED overlapping", mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE) == MAP_FAILED ? -1 : 0);
	char *r = mremap(a, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	YESNO("MREMAP_FIXED moves to the address", r == t);
	if (r == t) printf("moved: %c %c %d\n", t[0], t[PAGE], t[2 * PAGE]);
	YESNO("the old range is unmapped", !mapped(a) && !mapped(a + PAGE));
	/* MREMAP_DONTUNMAP: a move that leaves the old range mapped and empty. */
	SHOW("MREMAP_DONTUNMAP resizing", mremap(t, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED ? -1 : 0);
	char *d = mremap(t, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (d == MAP_FAILED) printf("MREMAP_DONTUNMAP: %s\n", errname(errno));
	else printf("MREMAP_DONTUNMAP: new %c, old still mapped %s, old reads %d\n", d[0], mapped(t) ? "yes" : "no", t[0]);
}

static void advice(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 1;
	m[PAGE] = 2;
	SHOW("MADV_DONTNEED", madvise(m, PAGE, MADV_DONTNEED));
	printf("after MADV_DONTNEED: %d %d\n", m[0], m[PAGE]);
	SHOW("MADV_WILLNEED", madvise(m, 2 * PAGE, MADV_WILLNEED));
	SHOW("unknown advice", madvise(m, PAGE, 999));
	SHOW("unaligned madvise", madvise(m + 1, PAGE, MADV_NORMAL));
	SHOW("madvise length 0", madvise(m, 0, MADV_NORMAL));
	munmap(m + PAGE, PAGE);
	SHOW("madvise over a hole", madvise(m, 2 * PAGE, MADV_NORMAL));
}

static void futexes(void)
{
	static int word = 5, other = 7;
	struct timespec rel = {0, 20 * 1000 * 1000}, bad = {0, 1000000000}, past;
	clock_gettime(CLOCK_MONOTONIC, &past);
	SHOWV("FUTEX_WAIT, value differs", futex(&word, FUTEX_WAIT_PRIVATE, 4, &rel, NULL, 0));
	SHOWV("FUTEX_WAIT, 20 ms", futex(&word, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0));
	SHOWV("FUTEX_WAIT, bad timeout", futex(&word, FUTEX_WAIT_PRIVATE, 4, &bad, NULL, 0));
	SHOWV("FUTEX_WAIT, unaligned", futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0));
	SHOWV("FUTEX_WAIT, bad address", futex(bad_ptr, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0));
	SHOWV("FUTEX_WAIT | FUTEX_CLOCK_REALTIME", futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &rel, NULL, 0));
	SHOWV("FUTEX_WAIT_BITSET, deadline passed", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY));
	clock_gettime(CLOCK_REALTIME, &past);
	SHOWV("FUTEX_WAIT_BITSET realtime, deadline passed",
	      futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY));
	SHOWV("FUTEX_WAIT_BITSET, bitset 0", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, NULL, 0));
	SHOWV("FUTEX_WAIT_BITSET, value differs", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 6, NULL, NULL, FUTEX_BITSET_MATCH_ANY));
	SHOWV("FUTEX_WAKE", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	SHOWV("FUTEX_WAKE, unaligned", futex((char *)&word + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	SHOWV("FUTEX_WAKE_BITSET, bitset 0", futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
	SHOWV("shared FUTEX_WAKE, bad address", futex(bad_ptr, FUTEX_WAKE, 1, NULL, NULL, 0));
	SHOWV("FUTEX_CMP_REQUEUE, value differs", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &other, 4));
	SHOWV("FUTEX_CMP_REQUEUE", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &other, 5));
	SHOWV("FUTEX_CMP_REQUEUE, negative count", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, -1, (void *)1, &other, 5));
	SHOWV("FUTEX_CMP_REQUEUE, bad address", futex(bad_ptr, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &other, 5));
	SHOWV("FUTEX_REQUEUE", futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, &other, 0));
	SHOWV("FUTEX_WAKE_OP add, cmp eq", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &other, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 7)));
	printf("other after it: %d\n", other);
	SHOWV("FUTEX_WAKE_OP or 1<<4", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &other, FUTEX_OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_GT, 0)));
	printf("other after it: %d\n", other);
	SHOWV("FUTEX_WAKE_OP andn", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &other, FUTEX_OP(FUTEX_OP_ANDN, 16, FUTEX_OP_CMP_LT, 0)));
	printf("other after it: %d\n", other);
	SHOWV("FUTEX_WAKE_OP unknown op", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &other, FUTEX_OP(6, 1, FUTEX_OP_CMP_EQ, 0)));
	SHOWV("FUTEX_WAKE_OP unknown comparison", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &other, FUTEX_OP(FUTEX_OP_SET, 9, 7, 0)));
	printf("other after it: %d\n", other);
	SHOWV("FUTEX_WAKE_OP, bad second address", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, bad_ptr, FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)));
	SHOWV("futex op 99", futex(&word, 99, 1, NULL, NULL, 0));
}

static void buffers(void)
{
	char buf[PATH_MAX + 1];
	char *end = before_hole(1) + PAGE; /* the first byte after it faults */
	SHOWV("getcwd size 1", syscall(SYS_getcwd, buf, 1));
	SHOWV("getcwd size 0", syscall(SYS_getcwd, buf, 0));
	SHOWV("getcwd short, bad buffer", syscall(SYS_getcwd, bad_ptr, 1));
	long n = syscall(SYS_getcwd, end - 200, sizeof buf);
	printf("getcwd near a hole with a big size: %s\n", n > 0 && n < 200 ? "OK" : errname(errno));

	symlink("target-name", "lnk");
	SHOWV("readlink size 3", readlink("lnk", buf, 3));
	printf("truncated: %.3s\n", buf);
	SHOWV("readlink near a hole with a big size", readlink("lnk", end - 11, 4096));
	SHOWV("readlink, bad buffer", readlink("lnk", bad_ptr, 64));
	SHOWV("readlink size 0", syscall(SYS_readlinkat, AT_FDCWD, "lnk", buf, 0));
	SHOWV("readlink of a directory", readlink(".", buf, 64));
	SHOWV("readlink missing, bad buffer", readlink("missing", bad_ptr, 64));

	SHOWV("getrandom unknown flag", syscall(SYS_getrandom, buf, 16, 8));
	SHOWV("getrandom GRND_RANDOM|GRND_INSECURE", syscall(SYS_getrandom, buf, 16, 6));
	SHOWV("getrandom over a hole", syscall(SYS_getrandom, end - 16, 64, 0));
	SHOWV("getrandom, bad buffer", syscall(SYS_getrandom, bad_ptr, 16, 0));
	SHOWV("getrandom 0 bytes, bad buffer", syscall(SYS_getrandom, bad_ptr, 0, 0));

	int w = open("data", O_CREAT | O_WRONLY | O_TRUNC, 0644), r = open("data", O_RDONLY), dir = open(".", O_RDONLY);
	write(w, "0123456789abcdef", 16);
	SHOWV("read from O_WRONLY into a bad buffer", read(w, bad_ptr, 4));
	SHOWV("write to O_RDONLY from a bad buffer", write(r, bad_ptr, 4));
	SHOWV("read a directory into a bad buffer", read(dir, bad_ptr, 4));
	SHOWV("read over a hole", read(r, end - 10, 100));
	lseek(r, 0, SEEK_END);
	SHOWV("read at end of file into a bad buffer", read(r, bad_ptr, 4));
	memset(end - 10, 'q', 10);
	SHOWV("write over a hole", write(w, end - 10, 100));
	close(w);
	close(r);
	close(dir);
}

/* The kernel's select (ARM's _newselect): glibc's select() converts the timeval itself. */
#ifdef SYS__newselect
#define SYS_SELECT SYS__newselect
#else
#define SYS_SELECT SYS_select
#endif

static void selects(void)
{
	/* The kernel normalises select's timeval: 0 s + 1500000 µs is 1.5 s, valid. */
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(1, &wr);
	struct timeval tv = {0, 1500000};
	SHOWV("select, tv_usec 1500000", syscall(SYS_SELECT, 2, NULL, &wr, NULL, &tv));
	struct timeval neg = {0, -1};
	SHOWV("select, tv_usec -1", syscall(SYS_SELECT, 2, NULL, &wr, NULL, &neg));
	/* A timeval it cannot update is no error once the wait is over. */
	struct timeval *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro->tv_usec = 1000;
	mprotect(ro, PAGE, PROT_READ);
	SHOWV("select timing out, timeval read-only", syscall(SYS_SELECT, 0, NULL, NULL, NULL, ro));
}

static void on_signal(int sig) { (void)sig; }

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * A select interrupted by a handler leaves the time still to wait in its timeval; the next
 * select with the same arguments is a new wait with its own timeout, not the rest of the old one.
 */
static void interrupted_selects(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL); /* a handler for a host signal: the emulator waits in slices */
	struct itimerval once = {{0, 0}, {0, 100000}};
	setitimer(ITIMER_REAL, &once, NULL);
	struct timeval *tv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tv->tv_sec = 20;
	SHOWV("select interrupted by SIGALRM", syscall(SYS_SELECT, 0, NULL, NULL, NULL, tv));
	YESNO("its timeval holds what was left of the 20 s", tv->tv_sec >= 10 && tv->tv_sec < 20);
	tv->tv_sec = 0;
	tv->tv_usec = 300000;
	double start = seconds();
	SHOWV("the next select, 0.3 s", syscall(SYS_SELECT, 0, NULL, NULL, NULL, tv));
	YESNO("it waited its own timeout, not the old one", seconds() - start < 10);

	/* A timed futex wait is interrupted by a handler too (EINTR), not slept through. */
	static int word = 1;
	struct timespec two = {2, 0};
	setitimer(ITIMER_REAL, &once, NULL);
	start = seconds();
	SHOWV("FUTEX_WAIT for 2 s, SIGALRM after 0.1 s", futex(&word, FUTEX_WAIT_PRIVATE, 1, &two, NULL, 0));
	YESNO("it returned before its timeout", seconds() - start < 1.5);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
}

#ifdef __arm__
#include <sys/vfs.h>
static void arm_only(void)
{
	char buf[128];
	SHOWV("statfs64 size 84", syscall(SYS_statfs64, ".", 84, buf));
	SHOWV("statfs64 size 88", syscall(SYS_statfs64, ".", 88, buf));
	SHOWV("statfs64 size 80", syscall(SYS_statfs64, ".", 80, buf));
	SHOWV("statfs64 size 80, missing path", syscall(SYS_statfs64, "missing", 80, buf));
	SHOWV("fstatfs64 size 96", syscall(SYS_fstatfs64, 0, 96, buf));
	/* The kuser helpers page is the kernel's gate area, not a mapping of the process. */
	void *kuser = (void *)0xffff0000;
	SHOW("mremap the kuser page", mremap(kuser, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x30000000) == MAP_FAILED ? -1 : 0);
	SHOW("mremap the kuser page, growing", mremap(kuser, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	SHOW("madvise MADV_DONTNEED on the kuser page", madvise(kuser, PAGE, MADV_DONTNEED));
	printf("kuser page still there: %s\n", *(volatile unsigned *)0xffff0ffc ? "yes" : "no");
	/* Priority-inheritance futexes need threads with owners: not emulated, ENOSYS. */
	static int word;
	SHOWV("FUTEX_LOCK_PI", futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	SHOWV("FUTEX_TRYLOCK_PI", futex(&word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
}
#endif

int main(int argc, char **argv)
{
	setup();
	if (argc > 1 && strcmp(argv[1], "arm") == 0) {
#ifdef __arm__
		arm_only();
#else
		printf("not ARM\n");
#endif
		return 0;
	}
	/* Sections can be run alone: "edges futexes buffers". */
	static const struct { const char *name; void (*run)(void); } sections[] = {
		{"shared_maps", shared_maps}, {"low_addresses", low_addresses}, {"remaps", remaps}, {"advice", advice},
		{"futexes", futexes}, {"buffers", buffers}, {"selects", selects}, {"interrupted_selects", interrupted_selects},
	};
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		int chosen = argc == 1;
		for (int a = 1; a < argc; a++) chosen |= strcmp(argv[a], sections[i].name) == 0;
		if (chosen) sections[i].run();
	}
	return 0;
}
