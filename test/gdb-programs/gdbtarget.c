/* The program of the gdb tests (test/gdb.test.ts): functions to break in, a global to watch,
   a Thumb function, and code it writes into a page of its own, then rewrites. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

volatile int counter;
int table[8] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((noinline)) int add(int a, int b) {
  int s = a + b;
  counter += s;
  return s;
}

__attribute__((noinline, target("thumb"))) int thumb_square(int x) {
  return x * x;
}

/* Called between the two versions of the generated code, with its address (a place to break). */
__attribute__((noinline)) void generated_once(void *code) { __asm__ volatile("" : : "r"(code) : "memory"); }

/* "mov r0, #n; bx lr" written at `page` and run. */
__attribute__((noinline)) static int run_generated(unsigned char *page, int n) {
  unsigned int code[2] = { 0xe3a00000u | (unsigned)n, 0xe12fff1eu };
  memcpy(page, code, sizeof code);
  __builtin___clear_cache((char *)page, (char *)page + sizeof code);
  return ((int (*)(void))page)();
}

int main(void) {
  int total = 0;
  for (int i = 0; i < 4; i++) total += add(i, table[i]);
  total += thumb_square(7);
  /* A fixed address, so that both emulators run the generated code at the same place. */
  unsigned char *page = mmap((void *)0x30000000, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (page == MAP_FAILED) return 99;
  int g1 = run_generated(page, 11);
  generated_once(page);
  int g2 = run_generated(page, 22);
  printf("total=%d counter=%d generated=%d,%d\n", total, counter, g1, g2);
  return total & 0x7f;
}
