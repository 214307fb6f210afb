/*
 * System call fuzzer for dynwasm-arm (scripts/fuzz/main.mjs, `--target syscalls`): issues raw
 * `svc 0` system calls with wild arguments drawn from a seeded PRNG, and prints one line per
 * call (its index, name and result), so that two runs — JIT and interpreter — can be compared.
 *
 *   syscall-fuzz SEED COUNT      (run it inside a throwaway directory under /tmp)
 *
 * Safety: only calls from the SAFE table below. Nothing that creates, removes, renames, links
 * or changes the mode, owner or contents of a file is given a path other than one of the
 * fixed relative names (no '/' at the start, no '..'), nor a descriptor other than one this
 * program opened from such a name; no kill, fork, clone, execve, reboot, setrlimit, prctl
 * beyond names, no network sockets. Wild pointers and paths go only to calls that read. It
 * refuses to run unless its working directory is under /tmp.
 *
 * A call that may block runs under a 300 ms ITIMER_REAL whose SIGALRM handler does nothing,
 * so the call returns EINTR instead of blocking for ever (the guest's own timeout).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

static uint32_t state;
static uint32_t rnd(void) { /* mulberry32, as the JavaScript side */
	uint32_t t = (state += 0x6d2b79f5u);
	t = (t ^ (t >> 15)) * (t | 1);
	t ^= t + (t ^ (t >> 7)) * (t | 61);
	return t ^ (t >> 14);
}
static uint32_t pick(uint32_t n) { return rnd() % n; }

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
	register long r7 __asm__("r7") = n;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	register long r4 __asm__("r4") = e;
	register long r5 __asm__("r5") = f;
	__asm__ volatile("svc 0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5) : "memory");
	return r0;
}

/* Output through raw write(1), buffered, so that the C library's state does not matter. */
static char out[8192];
static int outn;
static void flush(void) {
	int o = 0;
	while (o < outn) {
		long r = sys6(SYS_write, 1, (long)(out + o), outn - o, 0, 0, 0);
		if (r <= 0) break;
		o += r;
	}
	outn = 0;
}
static void emit(const char *s) {
	size_t n = strlen(s);
	if (outn + n > sizeof out) flush();
	memcpy(out + outn, s, n);
	outn += n;
}

/* Fixed relative names: the only paths that calls which change things get. */
static const char *const SAFE_NAMES[] = {
	"f0", "f1", "f2", "d0", "d0/f3", "d0/d1", "d0/d1/f4", "l0", "", "nx/f5",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	".", "f0/x",
};
#define NSAFE (sizeof SAFE_NAMES / sizeof SAFE_NAMES[0])
/* Paths for calls that only read. */
static const char *const RO_NAMES[] = { "/", "/dev/null", "/nonexistent", "/tmp", "/proc/self/exe", "/etc" };

#define SCRATCH_SIZE 65536
#define PLAY_SIZE (1 << 20)
static uint8_t *scratch; /* a private mapping the calls read and write */
static uint8_t *play;    /* a region the memory calls map, unmap and protect */
static uint8_t *sink;    /* where calls with NDOUT write: nothing reads it as input */
#define SINK_SIZE (8 * 4096)
static char *longpath;   /* a path longer than PATH_MAX, read-only */

static int fds[64];
static int nfds;
static void add_fd(long fd) {
	if (fd < 3 || fd > 1023) return;
	for (int i = 0; i < nfds; i++) if (fds[i] == fd) return;
	if (nfds < 64) fds[nfds++] = (int)fd;
	else fds[pick(64)] = (int)fd;
}

static const uint32_t WILD_ADDRS[] = {
	0, 1, 0x1000, 0xfff, 0x10000000, 0x7ffff000, 0xa0000000, 0xbf000000, 0xbfffffff,
	0xc0000000, 0xfe000000, 0xff000000, 0xff7ffffc, 0xff800000, 0xffff0000, 0xffff0fe0,
	0xffff8000, 0xfffff000, 0xfffffffc, 0xffffffff,
};
#define NWILD (sizeof WILD_ADDRS / sizeof WILD_ADDRS[0])

static long a_ptr(void) { /* a pointer calls may read or write through */
	switch (pick(8)) {
	case 0: return (long)WILD_ADDRS[pick(NWILD)];
	case 1: return (long)(scratch + SCRATCH_SIZE - pick(64));
	case 2: return (long)(play + pick(PLAY_SIZE));
	case 3: if (pick(4) == 0) return (long)rnd(); /* fallthrough */
	default: return (long)(scratch + (pick(SCRATCH_SIZE) & ~3u));
	}
}
static long a_len(void) {
	static const uint32_t L[] = { 0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 4095, 4096, 4097, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };
	switch (pick(4)) {
	case 0: return (long)L[pick(sizeof L / sizeof L[0])];
	case 1: return (long)rnd();
	default: return (long)pick(512);
	}
}
static long a_int(void) {
	switch (pick(4)) {
	case 0: return (long)rnd();
	case 1: return -(long)pick(4);
	default: return (long)pick(64);
	}
}
static long a_fd(void) { /* any descriptor number: for calls that only read or query */
	switch (pick(6)) {
	case 0: return (long)pick(8);
	case 1: return -1;
	case 2: return pick(2) ? 1023 : (long)rnd();
	default: return nfds ? fds[pick(nfds)] : -1;
	}
}
static long a_wfd(void) { /* only descriptors this program opened from the safe names */
	if (nfds == 0 || pick(8) == 0) return pick(2) ? -1 : 4000;
	int fd = fds[pick(nfds)];
	return fd < 3 ? -1 : fd; /* never stdin, stdout or stderr, even if the table was overwritten */
}
static long a_dirfd(void) {
	if (pick(2)) return AT_FDCWD;
	return a_wfd();
}
static long a_safe(void) {
	if (pick(16) == 0) return (long)longpath;
	return (long)SAFE_NAMES[pick(NSAFE)];
}
static long a_ro(void) {
	switch (pick(4)) {
	case 0: return (long)RO_NAMES[pick(sizeof RO_NAMES / sizeof RO_NAMES[0])];
	case 1: return a_ptr();
	default: return a_safe();
	}
}
static long a_addr(void) { /* addresses for the memory calls: the play region, or ones nothing may map */
	switch (pick(6)) {
	case 0: return (long)WILD_ADDRS[pick(NWILD)];
	case 1: return (long)(play + pick(PLAY_SIZE));
	default: return (long)(play + (pick(PLAY_SIZE) & ~0xfffu));
	}
}
static long a_mlen(void) {
	switch (pick(4)) {
	case 0: return a_len();
	default: return (long)((pick(64) + 1) * 4096 - (pick(4) == 0 ? pick(4096) : 0));
	}
}
static long a_newfd(void) { return 3 + (long)pick(60); }
static long a_sig(void) {
	long s = pick(8) == 0 ? a_int() : 1 + (long)pick(64);
	return s == SIGALRM ? SIGUSR1 : s;
}
static long a_mode(void) { return (long)(rnd() & 07777); }
static long a_time(void) { /* a timespec/timeval of at most 1 ms, NULL sometimes, or a wild pointer */
	uint32_t *t = (uint32_t *)(scratch + SCRATCH_SIZE - 16 * (1 + pick(4)));
	switch (pick(8)) {
	case 0: return 0;
	case 1: return (long)WILD_ADDRS[pick(NWILD)];
	default: t[0] = 0; t[1] = pick(1000); t[2] = 0; t[3] = pick(1000); return (long)t;
	}
}

enum kind { Z, P, L, I, F, W, D, S, R, A, M, N, G, O, T, K, X, FL, SL, ML };
#define BLOCK 1  /* may block: runs under the 300 ms timer */
#define ND 2     /* the result differs from run to run (pids, clocks, how many descriptors a
                  * 1 ms poll finds ready on a loaded host): print only errors */
#define NEWFD 4  /* returns a descriptor of the safe table */
#define CLOSE 8  /* returns a descriptor of an arbitrary path: closed at once */
#define PIPE 16  /* writes two safe descriptors at its first argument */
#define NDOUT 32 /* writes what differs from run to run (times, inode numbers, readiness, the
                  * directory's name): its buffers are copies in the sink, which no call reads */
struct call { const char *name; long nr; enum kind k[6]; int flags; };

static const struct call CALLS[] = {
	{ "read", SYS_read, { F, P, L }, BLOCK | NDOUT },
	{ "write", SYS_write, { W, P, L }, BLOCK },
	{ "readv", SYS_readv, { F, P, I }, BLOCK | NDOUT },
	{ "writev", SYS_writev, { W, P, I }, BLOCK },
	{ "pread64", SYS_pread64, { F, P, L, Z, I, I }, BLOCK | NDOUT },
	{ "pwrite64", SYS_pwrite64, { W, P, L, Z, I, Z }, BLOCK },
	{ "open", SYS_open, { S, I, M }, NEWFD | BLOCK },
	{ "open_ro", SYS_open, { R, O }, CLOSE | BLOCK },
	{ "openat", SYS_openat, { D, S, I, M }, NEWFD | BLOCK },
	{ "openat_ro", SYS_openat, { F, R, O }, CLOSE | BLOCK },
	{ "creat", SYS_creat, { S, M }, NEWFD },
	{ "close", SYS_close, { W } },
	{ "lseek", SYS_lseek, { F, I, I } },
	{ "_llseek", SYS__llseek, { F, I, I, P, I } },
	{ "dup", SYS_dup, { W }, NEWFD },
	{ "dup2", SYS_dup2, { W, N }, NEWFD },
	{ "dup3", SYS_dup3, { W, N, I }, NEWFD },
	{ "fcntl64", SYS_fcntl64, { W, X, P }, NEWFD | BLOCK },
	{ "pipe", SYS_pipe, { P }, PIPE },
	{ "pipe2", SYS_pipe2, { P, I }, PIPE },
	{ "stat64", SYS_stat64, { R, P }, NDOUT },
	{ "lstat64", SYS_lstat64, { R, P }, NDOUT },
	{ "fstat64", SYS_fstat64, { F, P }, NDOUT },
	{ "fstatat64", SYS_fstatat64, { F, R, P, I }, NDOUT },
	{ "statfs64", SYS_statfs64, { R, L, P }, NDOUT },
	{ "fstatfs64", SYS_fstatfs64, { F, L, P }, NDOUT },
	{ "access", SYS_access, { R, I } },
	{ "faccessat", SYS_faccessat, { F, R, I } },
	{ "readlink", SYS_readlink, { R, P, L }, NDOUT },
	{ "readlinkat", SYS_readlinkat, { F, R, P, L }, NDOUT },
	{ "getdents64", SYS_getdents64, { F, P, L }, NDOUT },
	{ "getdents", SYS_getdents, { F, P, L }, NDOUT },
	{ "getcwd", SYS_getcwd, { P, L }, NDOUT },
	{ "chdir", SYS_chdir, { S } },
	{ "fchdir", SYS_fchdir, { W } },
	{ "mkdir", SYS_mkdir, { S, M } },
	{ "mkdirat", SYS_mkdirat, { D, S, M } },
	{ "rmdir", SYS_rmdir, { S } },
	{ "unlink", SYS_unlink, { S } },
	{ "unlinkat", SYS_unlinkat, { D, S, I } },
	{ "rename", SYS_rename, { S, S } },
	{ "renameat2", SYS_renameat2, { D, S, D, S, I } },
	{ "link", SYS_link, { S, S } },
	{ "symlink", SYS_symlink, { S, S } },
	{ "chmod", SYS_chmod, { S, M } },
	{ "fchmod", SYS_fchmod, { W, M } },
	{ "fchmodat", SYS_fchmodat, { D, S, M } },
	{ "truncate64", SYS_truncate64, { S, Z, I, I } },
	{ "ftruncate64", SYS_ftruncate64, { W, Z, I, I } },
	{ "fallocate", SYS_fallocate, { W, I, I, Z, SL, Z } },
	{ "fsync", SYS_fsync, { W } },
	{ "fdatasync", SYS_fdatasync, { W } },
	{ "flock", SYS_flock, { W, I }, BLOCK },
	{ "utimensat", SYS_utimensat, { D, S, P, I } },
	{ "umask", SYS_umask, { M } },
	{ "ioctl", SYS_ioctl, { W, K, P } },
	{ "ioctl_ro", SYS_ioctl, { F, K, P } },
	{ "poll", SYS_poll, { P, I, FL }, BLOCK | ND | NDOUT },
	{ "_newselect", SYS__newselect, { I, P, P, P, T }, BLOCK | ND | NDOUT },
	{ "mmap2", SYS_mmap2, { A, ML, I, I, F, I } },
	{ "mmap2_anon", SYS_mmap2, { A, ML, I, FL, Z, Z } },
	{ "munmap", SYS_munmap, { A, ML } },
	{ "mprotect", SYS_mprotect, { A, ML, I } },
	{ "mremap", SYS_mremap, { A, ML, ML, I, A } },
	{ "madvise", SYS_madvise, { A, ML, I } },
	{ "msync", SYS_msync, { A, ML, I } },
	{ "mincore", SYS_mincore, { A, ML, P }, NDOUT },
	{ "mlock", SYS_mlock, { A, ML } },
	{ "munlock", SYS_munlock, { A, ML } },
	{ "brk", SYS_brk, { A } },
	{ "getpid", SYS_getpid, { Z }, ND },
	{ "getppid", SYS_getppid, { Z }, ND },
	{ "gettid", SYS_gettid, { Z }, ND },
	{ "getuid32", SYS_getuid32, { Z } },
	{ "getgid32", SYS_getgid32, { Z } },
	{ "getgroups32", SYS_getgroups32, { I, P } },
	{ "getresuid32", SYS_getresuid32, { P, P, P } },
	{ "getpgid", SYS_getpgid, { I }, ND },
	{ "getsid", SYS_getsid, { I }, ND },
	{ "getpriority", SYS_getpriority, { I, I }, ND },
	{ "ugetrlimit", SYS_ugetrlimit, { I, P } },
	{ "prlimit64_get", SYS_prlimit64, { Z, I, Z, P } },
	{ "uname", SYS_uname, { P } },
	{ "sysinfo", SYS_sysinfo, { P }, NDOUT },
	{ "times", SYS_times, { P }, ND | NDOUT },
	{ "gettimeofday", SYS_gettimeofday, { P, P }, NDOUT },
	{ "clock_gettime", SYS_clock_gettime, { I, P }, NDOUT },
	{ "clock_gettime64", 403, { I, P }, NDOUT },
	{ "clock_getres", SYS_clock_getres, { I, P } },
	{ "nanosleep", SYS_nanosleep, { T, P }, BLOCK | NDOUT },
	{ "clock_nanosleep", SYS_clock_nanosleep, { I, I, T, P }, BLOCK | NDOUT },
	{ "getitimer", SYS_getitimer, { I, P }, NDOUT },
	{ "getrandom", SYS_getrandom, { P, L, I }, NDOUT },
	{ "wait4", SYS_wait4, { I, P, I, P }, BLOCK | NDOUT },
	{ "sched_yield", SYS_sched_yield, { Z } },
	{ "sched_getaffinity", SYS_sched_getaffinity, { Z, L, P } },
	{ "getcpu", SYS_getcpu, { P, P, P }, ND | NDOUT },
	{ "rt_sigaction", SYS_rt_sigaction, { G, P, P, L } },
	{ "rt_sigprocmask", SYS_rt_sigprocmask, { I, P, P, L } },
	{ "rt_sigpending", SYS_rt_sigpending, { P, L } },
	{ "rt_sigtimedwait", SYS_rt_sigtimedwait, { P, P, T, L }, BLOCK | NDOUT },
	{ "sigaltstack", SYS_sigaltstack, { P, P } },
	{ "futex", SYS_futex, { P, I, I, T, P, I }, BLOCK | NDOUT },
	{ "set_tid_address", SYS_set_tid_address, { P }, ND },
	{ "set_robust_list", SYS_set_robust_list, { P, L } },
	{ "get_robust_list", SYS_get_robust_list, { Z, P, P } },
	{ "prctl_name", SYS_prctl, { FL, P } },
	{ "socketpair", SYS_socketpair, { FL, I, Z, P }, PIPE },
	{ "eventfd2", SYS_eventfd2, { I, I }, NEWFD },
	{ "epoll_create1", SYS_epoll_create1, { I }, NEWFD },
	{ "epoll_ctl", SYS_epoll_ctl, { W, I, F, P } },
	{ "epoll_wait", SYS_epoll_wait, { F, P, I, FL }, BLOCK | ND | NDOUT },
	{ "memfd_create", SYS_memfd_create, { P, I }, NEWFD },
	{ "sendfile64", SYS_sendfile64, { W, F, P, SL }, BLOCK },
	{ "splice", SYS_splice, { F, P, W, P, SL, I }, BLOCK },
	{ "getxattr", SYS_getxattr, { R, P, P, L } },
	{ "listxattr", SYS_listxattr, { R, P, L } },
	{ "setxattr", SYS_setxattr, { S, P, P, L, I } },
	{ "inotify_init1", SYS_inotify_init1, { I }, NEWFD },
	{ "inotify_add_watch", SYS_inotify_add_watch, { W, S, I } },
	{ "arm_fadvise64_64", SYS_arm_fadvise64_64, { W, I, Z, Z, L, Z } },
	{ "cacheflush", 0xf0002, { P, P, I } },
	{ "syscall_unknown", -1, { I, I, I, I, I, I } },
};
#define NCALLS (sizeof CALLS / sizeof CALLS[0])

/* open() flags: wild bits, plus the interesting ones; read-only opens keep only harmless bits. */
static long a_open_ro(void) { return (long)(rnd() & (O_NONBLOCK | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW | O_LARGEFILE | O_PATH | O_NOATIME)); }
static long a_ioctl(void) {
	static const uint32_t REQ[] = { TCGETS, TCSETS, TIOCGWINSZ, TIOCSWINSZ, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TIOCGPGRP, FIOASYNC, 0x5401, 0x80086601 /* FS_IOC_GETFLAGS */ };
	return (long)REQ[pick(sizeof REQ / sizeof REQ[0])];
}
static long a_fcntl(void) {
	static const uint32_t CMD[] = { F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK64, F_SETLK64, F_SETLKW64, F_DUPFD_CLOEXEC, F_GETPIPE_SZ, F_SETPIPE_SZ, F_GETOWN, F_ADD_SEALS, F_GET_SEALS, 1234 };
	return (long)CMD[pick(sizeof CMD / sizeof CMD[0])];
}
static long a_small(void) { return (long)pick(16); }

static long arg(enum kind k) {
	switch (k) {
	case Z: return 0;
	case P: return a_ptr();
	case L: return a_len();
	case I: return a_int();
	case F: return a_fd();
	case W: return a_wfd();
	case D: return a_dirfd();
	case S: return a_safe();
	case R: return a_ro();
	case A: return a_addr();
	case M: return a_mode();
	case N: return a_newfd();
	case G: return a_sig();
	case O: return a_open_ro();
	case T: return a_time();
	case K: return a_ioctl();
	case X: return a_fcntl();
	case FL: return a_small();
	case SL: return (long)pick(1 << 20);
	case ML: return a_mlen();
	}
	return 0;
}

static int safe_path(const char *p) {
	int known = p == longpath;
	for (size_t i = 0; i < NSAFE; i++) if (p == SAFE_NAMES[i]) known = 1;
	/* Also by content, in case a wild write reached the pointers. */
	return known && p[0] != '/' && !strstr(p, "..");
}

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void guard(int on) {
	struct itimerval it = { { 0, 0 }, { 0, on ? 300000 : 0 } };
	if (on) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm; /* no SA_RESTART: a blocked call returns EINTR */
		sys6(SYS_rt_sigaction, SIGALRM, (long)&sa, 0, 8, 0, 0);
		uint32_t set[2] = { 1u << (SIGALRM - 1), 0 };
		sys6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)set, 0, 8, 0, 0);
	}
	sys6(SYS_setitimer, ITIMER_REAL, (long)&it, 0, 0, 0, 0);
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: syscall-fuzz SEED COUNT (in a temporary directory under /tmp)\n");
		return 2;
	}
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd) || strncmp(cwd, "/tmp/", 5) != 0 || strstr(cwd, "/..")) {
		fprintf(stderr, "syscall-fuzz: refusing to run outside a directory under /tmp (cwd %s, uid %d)\n", cwd, (int)getuid());
		return 2;
	}
	uint32_t seed = (uint32_t)strtoul(argv[1], 0, 0);
	long count = strtol(argv[2], 0, 0);
	state = seed;
	char line[256];
	snprintf(line, sizeof line, "syscall-fuzz seed %u count %ld\n", seed, count);
	emit(line);

	scratch = mmap(0, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	play = mmap(0, PLAY_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sink = mmap(0, SINK_SIZE + 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED || play == MAP_FAILED || sink == MAP_FAILED) return 3;
	for (int i = 0; i < SCRATCH_SIZE; i += 4) *(uint32_t *)(scratch + i) = rnd();
	/* A relative path longer than PATH_MAX, in a page no call can write. */
	longpath = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (longpath == MAP_FAILED) return 3;
	memset(longpath, 'b', 8191);
	longpath[8191] = 0;
	for (int i = 64; i < 8191; i += 64) longpath[i] = '/';
	mprotect(longpath, 8192, PROT_READ);
	mkdir("d0", 0755);
	mkdir("d0/d1", 0755);
	add_fd(open("f0", O_RDWR | O_CREAT, 0644));
	add_fd(open("d0", O_RDONLY | O_DIRECTORY));
	int p[2];
	if (pipe2(p, O_NONBLOCK) == 0) { add_fd(p[0]); add_fd(p[1]); }
	symlink("f1", "l0");
	signal(SIGPIPE, SIG_IGN); /* a write to a pipe without readers is EPIPE, not the end of the run */

	for (long i = 0; i < count; i++) {
		const struct call *c = &CALLS[pick(NCALLS)];
		long a[6];
		for (int j = 0; j < 6; j++) a[j] = arg(c->k[j]);
		long nr = c->nr;
		if (nr == -1) nr = pick(2) ? 500 + (long)pick(100) : (long)(0xf0000 + pick(16)); /* unknown numbers, ARM private ones */
		if (nr == 0xf0005 || nr == 0xf0000 + 5) nr = 0xf0002; /* never set_tls: the C library needs its TLS */
		/* Defence in depth: a call that changes things gets only safe paths. */
		int ok = 1;
		for (int j = 0; j < 6; j++) if (c->k[j] == S && !safe_path((const char *)a[j])) ok = 0;
		if (!ok) { emit("skip\n"); continue; }
		if (c->flags & NDOUT) {
			/* Buffers in memory the calls read (scratch, play, anything else mapped) become
			 * copies in the sink; wild addresses stay, for their EFAULT. */
			for (int j = 0; j < 6; j++) {
				if (c->k[j] != P) continue;
				int wild = 0;
				for (size_t w = 0; w < NWILD; w++) if ((uint32_t)a[j] == WILD_ADDRS[w]) wild = 1;
				if (wild) continue;
				uint8_t *to = sink + j * 4096 + (a[j] & 3);
				uint8_t *from = (uint8_t *)a[j];
				if (from >= scratch && from < scratch + SCRATCH_SIZE) {
					size_t n = scratch + SCRATCH_SIZE - from;
					memcpy(to, from, n < 1024 ? n : 1024);
				} else {
					/* Not what an earlier call wrote there (a sysinfo's uptime became an
					 * rt_sigtimedwait's signal set, different in each run). */
					memset(to, 0, 1024);
				}
				a[j] = (long)to;
			}
		}
		if (c->flags & BLOCK) guard(1);
		long r = sys6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (c->flags & BLOCK) guard(0);
		if (c->flags & NEWFD) add_fd(r);
		if ((c->flags & CLOSE) && r >= 3) sys6(SYS_close, r, 0, 0, 0, 0, 0);
		if ((c->flags & PIPE) && r == 0) {
			int *q = (int *)a[c->k[0] == P ? 0 : 3];
			add_fd(q[0]);
			add_fd(q[1]);
		}
		if ((c->flags & ND) && r >= 0) snprintf(line, sizeof line, "%ld %s ok\n", i, c->name);
		else snprintf(line, sizeof line, "%ld %s %ld\n", i, c->name, r);
		emit(line);
		flush(); /* line by line: a hang or a crash shows which call it was */
	}
	emit("done\n");
	flush();
	return 0;
}
