/* Self-modifying code on i386, which has no cache flush instruction: a store into code that
 * has run (and been translated) must be seen the next time it runs, and a store into the
 * instructions just ahead in the running block by the very next instruction, as hardware's
 * self-modifying-code snooping and qemu-i386's precise SMC do. Code is written into an mmap'd
 * RWX buffer: patched after one run, patched many times, patched in the middle of a hot
 * function, across a page boundary, ahead of the storing instruction in the same block, and in
 * a forked child that starts with its parent's translations. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __i386__
#error "smc.c is for i386 only"
#endif

typedef int (*fn_t)(int);

/* mov $v, %eax; ret */
static void put_return(uint8_t *p, int v)
{
	p[0] = 0xb8;
	memcpy(p + 1, &v, 4);
	p[5] = 0xc3;
}

int main(void)
{
	uint8_t *code = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fn_t f = (fn_t)(void *)code;

	put_return(code, 1);
	printf("first version returns %d\n", f(0));
	put_return(code, 2);
	printf("patched version returns %d\n", f(0));

	/* Patch the immediate only, many times, each time running the new code. */
	unsigned sum = 0, want = 0;
	for (int i = 0; i < 1000; i++) {
		int v = i * 7;
		memcpy(code + 1, &v, 4);
		sum += f(0);
		want += v;
	}
	printf("1000 patches: sum %u (expected %u)\n", sum, want);

	/* A hot function: mov 4(%esp),%eax; 16 x add $1,%eax; ret. Then its middle and end patched. */
	uint8_t *p = code;
	*p++ = 0x8b; *p++ = 0x44; *p++ = 0x24; *p++ = 0x04;
	for (int i = 0; i < 16; i++) { *p++ = 0x83; *p++ = 0xc0; *p++ = 0x01; }
	*p++ = 0xc3;
	int r = 0;
	for (int i = 0; i < 5000; i++)
		r = f(r) & 0xffff;
	printf("hot function: %d\n", r);
	code[4 + 8 * 3 + 2] = 100; /* the 9th add adds 100 */
	printf("after patching its middle: %d\n", f(0));
	code[4 + 15 * 3] = 0xc3; /* return before the last add */
	printf("after patching its end: %d\n", f(0));

	/* A function that runs over a page boundary, patched in its second page. */
	uint8_t *cross = code + 4096 - 3;
	cross[0] = 0x31; cross[1] = 0xc0;                   /* xor %eax,%eax (first page) */
	cross[2] = 0x90;                                    /* nop */
	cross[3] = 0x83; cross[4] = 0xc0; cross[5] = 0x05;  /* add $5,%eax (second page) */
	cross[6] = 0xc3;
	fn_t g = (fn_t)(void *)cross;
	r = 0;
	for (int i = 0; i < 100; i++)
		r += g(0);
	printf("across a page: %d\n", r);
	cross[5] = 9;
	printf("across a page, second page patched: %d\n", g(0));

	/* A store into the instructions ahead in the same block: the next instruction runs patched.
	 *   movb $5, X+1      (c6 05 <X+1> 05)
	 *   X: mov $1, %al    (b0 01: becomes mov $5, %al)
	 *   movzbl %al, %eax  (0f b6 c0)
	 *   ret
	 * The C code puts the 1 back before each call: a store into code that has run. */
	uint8_t *s = code + 8192;
	uint8_t *x = s + 7;
	s[0] = 0xc6; s[1] = 0x05;
	uint32_t target = (uint32_t)(uintptr_t)(x + 1);
	memcpy(s + 2, &target, 4);
	s[6] = 0x05;
	x[0] = 0xb0; x[1] = 0x01;
	x[2] = 0x0f; x[3] = 0xb6; x[4] = 0xc0;
	x[5] = 0xc3;
	fn_t h = (fn_t)(void *)s;
	int fives = 0;
	for (int i = 0; i < 2000; i++) {
		x[1] = 0x01;
		fives += h(0) == 5;
	}
	printf("store into the next instruction: %d of 2000 calls saw it\n", fives);

	/* Code made hot before a fork, patched in the child without any flush. */
	put_return(code, 60);
	r = 0;
	for (int i = 0; i < 5000; i++)
		r += f(0);
	printf("hot before fork: %d\n", r);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		printf("child, before its patch: %d\n", f(0));
		put_return(code, 61);
		printf("child, after its patch: %d\n", f(0));
		fflush(stdout);
		_exit(0);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	printf("parent, after the child's patch: %d (child status %d)\n", f(0), status);
	printf("done\n");
	return 0;
}
