/* Memory maps: anonymous mmap, munmap then access (SIGSEGV), mprotect read-only then write
 * (SIGSEGV, SEGV_ACCERR), mremap growing with the content kept, file mappings (shared and
 * private), files without mmap of their own (a pipe, /dev/null: ENODEV) and /dev/zero (zeros),
 * brk through sbrk, malloc of big and many small blocks. */
#include "common.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf jump;
static volatile void *fault_addr;
static volatile int fault_sig, fault_code;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jump, 1);
}

/* Writes (or reads) one byte at p; reports whether it faulted, and where. */
static void probe(const char *what, volatile char *p, int write)
{
	fault_sig = 0;
	if (sigsetjmp(jump, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		printf("%s: no fault\n", what);
	} else {
		const char *code = "other";
		if (fault_sig == SIGSEGV)
			code = fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
		else if (fault_sig == SIGBUS)
			code = fault_code == BUS_ADRERR ? "BUS_ADRERR" : fault_code == BUS_ADRALN ? "BUS_ADRALN" : "other";
		printf("%s: signal %d at the address: %s code=%s\n", what, (int)fault_sig, fault_addr == (void *)p ? "yes" : "no", code);
	}
}

int main(void)
{
	setup();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	long page = sysconf(_SC_PAGESIZE);
	printf("page size: %ld\n", page);

	/* Anonymous memory is zeroed and usable. */
	size_t len = 16 * page;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	YESNO("mmap anonymous", m != MAP_FAILED);
	YESNO("page aligned", ((unsigned long)m & (page - 1)) == 0);
	int zero = 1;
	for (size_t i = 0; i < len; i++)
		if (m[i])
			zero = 0;
	YESNO("zero filled", zero);
	for (size_t i = 0; i < len; i++)
		m[i] = (char)(i * 13);
	unsigned sum = 2166136261u;
	for (size_t i = 0; i < len; i++)
		sum = (sum ^ (unsigned char)m[i]) * 16777619u;
	printf("checksum: %08x\n", sum);

	/* munmap part of it: the hole faults, the rest stays. */
	SHOW("munmap pages 4-5", munmap(m + 4 * page, 2 * page));
	probe("write to unmapped page 4", m + 4 * page, 1);
	probe("read unmapped page 5", m + 5 * page + 100, 0);
	probe("write to page 3", m + 3 * page, 1);
	probe("write to page 6", m + 6 * page, 1);
	YESNO("page 7 kept its content", m[7 * page + 5] == (char)((7 * page + 5) * 13));

	/* mprotect */
	SHOW("mprotect page 0 read-only", mprotect(m, page, PROT_READ));
	probe("read read-only page", m + 10, 0);
	probe("write read-only page", m + 10, 1);
	SHOW("mprotect page 0 PROT_NONE", mprotect(m, page, PROT_NONE));
	probe("read PROT_NONE page", m + 20, 0);
	SHOW("mprotect back to read-write", mprotect(m, page, PROT_READ | PROT_WRITE));
	probe("write again", m + 10, 1);
	SHOW("mprotect unaligned", mprotect(m + 1, page, PROT_READ));
	SHOW("munmap the rest", munmap(m, len));
	probe("write after munmap", m + 8 * page, 1);

	/* A fixed mapping replacing part of another. */
	m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 'a', 4 * page);
	char *f = mmap(m + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	YESNO("MAP_FIXED at the address asked", f == m + page);
	printf("MAP_FIXED page content: %d, neighbours: %c %c\n", m[page], m[0], m[2 * page]);

	/* mremap grows, keeping the content (it may move). */
	char *g = mremap(m, 4 * page, 64 * page, MREMAP_MAYMOVE);
	YESNO("mremap grow", g != MAP_FAILED);
	printf("after mremap: %c %d %c, new tail zero: %d\n", g[0], g[page], g[3 * page + 7], g[60 * page]);
	g[63 * page] = 'z';
	char *s = mremap(g, 64 * page, 2 * page, 0);
	YESNO("mremap shrink in place", s == g);
	probe("write beyond the shrunk mapping", g + 3 * page, 1);
	munmap(s, 2 * page);

	/* File mappings. */
	int fd = open("mapped", O_CREAT | O_RDWR | O_TRUNC, 0644);
	ftruncate(fd, 2 * page);
	pwrite(fd, "file contents", 13, 0);
	char *shared = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	YESNO("mmap MAP_SHARED file", shared != MAP_FAILED);
	printf("mapped file reads: [%.13s]\n", shared);
	memcpy(shared + page, "written through the map", 23);
	SHOW("msync", msync(shared, 2 * page, MS_SYNC));
	char buf[64];
	pread(fd, buf, 23, page);
	printf("file after a shared write: [%.23s]\n", buf);
	pwrite(fd, "FILE", 4, 0);
	printf("map after a file write: [%.13s]\n", shared);
	char *priv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(priv, "private", 7);
	pread(fd, buf, 13, 0);
	printf("file after a private write: [%.13s], private map: [%.13s]\n", buf, priv);
	munmap(priv, page);
	munmap(shared, 2 * page);
	char *ro = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	probe("write to a read-only file map", ro, 1);
	munmap(ro, page);
	char *beyond = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	probe("read a map beyond the end of the file", beyond + 3 * page, 0);
	munmap(beyond, 4 * page);
	close(fd);
	SHOW("mmap a bad fd", (long)mmap(NULL, page, PROT_READ, MAP_PRIVATE, 99, 0) == -1L ? -1 : 0);
	SHOW("mmap length 0", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1L ? -1 : 0);

	/* The program's own code is not writable. */
	probe("write to the program's code", (volatile char *)(void *)main, 1);

	/* brk */
	char *b0 = sbrk(0);
	char *b1 = sbrk(100000);
	YESNO("sbrk grows from the old break", b1 == b0);
	YESNO("the new break is 100000 further", (char *)sbrk(0) == b0 + 100000);
	memset(b1, 7, 100000);
	printf("brk memory: %d %d\n", b1[0], b1[99999]);
	sbrk(-100000);
	YESNO("sbrk shrinks", sbrk(0) == b0);

	/* malloc: big blocks (mmap'd by glibc) and many small ones (from brk). */
	unsigned total = 0;
	for (int round = 0; round < 3; round++) {
		char *blocks[8];
		for (int i = 0; i < 8; i++) {
			blocks[i] = malloc(4 << 20);
			if (!blocks[i]) {
				printf("malloc 4 MiB: NULL\n");
				return 1;
			}
			memset(blocks[i], i + round, 4 << 20);
		}
		for (int i = 0; i < 8; i++) {
			total += (unsigned char)blocks[i][(4 << 20) - 1] + (unsigned char)blocks[i][12345];
			free(blocks[i]);
		}
	}
	printf("big blocks: %u\n", total);
	void *small[20000];
	for (int i = 0; i < 20000; i++) {
		small[i] = malloc(16 + i % 200);
		memset(small[i], i, 16);
	}
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		if (((unsigned char *)small[i])[15] != (unsigned char)i)
			bad++;
		free(small[i]);
	}
	printf("small blocks corrupted: %d\n", bad);
	char *r = NULL;
	for (int i = 1; i <= 64; i++) {
		r = realloc(r, i * 65536);
		r[i * 65536 - 1] = (char)i;
	}
	printf("realloc kept: %d %d\n", r[65535], r[64 * 65536 - 1]);
	free(r);

	/* Files without mmap of their own, and /dev/zero. */
	int pp[2];
	pipe(pp);
	errno = 0;
	void *nm = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, pp[0], 0);
	printf("mmap of a pipe: %s\n", nm == MAP_FAILED ? errname(errno) : "mapped");
	int devnull = open("/dev/null", O_RDONLY);
	errno = 0;
	nm = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, devnull, 0);
	printf("mmap of /dev/null: %s\n", nm == MAP_FAILED ? errname(errno) : "mapped");
	int devzero = open("/dev/zero", O_RDWR);
	errno = 0;
	unsigned char *z = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, devzero, 0);
	if (z == MAP_FAILED) {
		printf("mmap of /dev/zero: %s\n", errname(errno));
	} else {
		int zeros = z[0] == 0 && z[8191] == 0;
		z[4096] = 7;
		printf("mmap of /dev/zero: zeros %s, writable %s\n", zeros ? "yes" : "no", z[4096] == 7 ? "yes" : "no");
	}
	printf("done\n");
	return 0;
}
