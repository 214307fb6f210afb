/*
 * Signals under gdb (test/gdb.test.ts): gdb sees each signal before the program takes it, and
 * what it continues with decides: SIGUSR1 passed to its handler, SIGUSR2 dropped (gdb's
 * "handle SIGUSR2 nopass"), then a SIGSEGV that ends the program.
 */
#include <signal.h>
#include <stdio.h>

static volatile int usr1, usr2;
static void on_usr1(int s) { (void)s; usr1++; }
static void on_usr2(int s) { (void)s; usr2++; }

int main(void) {
  signal(SIGUSR1, on_usr1);
  signal(SIGUSR2, on_usr2);
  raise(SIGUSR1);
  raise(SIGUSR2);
  printf("usr1=%d usr2=%d\n", usr1, usr2);
  fflush(stdout);
  *(volatile int *)0x10 = 42;
  return 0;
}
