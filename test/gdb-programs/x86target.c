/*
 * The i386 gdb session's program (test/gdb.test.ts): integer code for a session compared with
 * qemu-i386 -g, and x87 code whose registers are compared with gdb on the host's own CPU
 * (qemu-i386's stub gives st0-st7 by physical register, not from the top of the stack).
 */
#include <stdio.h>

int counter;
int table[6] = { 1, 2, 3, 5, 8, 13 };
volatile double acc = 1.5;

__attribute__((noinline)) int add(int a, int b) { return a + b; }

__attribute__((noinline)) double scale(double x, int n) {
  for (int i = 0; i < n; i++) x = x * 1.25 + acc;
  return x;
}

int main(void) {
  int total = 0;
  for (int i = 0; i < 6; i++) {
    total = add(total, table[i]);
    counter += i;
  }
  double r = scale(2.0, 5);
  printf("total=%d counter=%d r=%.6f\n", total, counter, r);
  return 0;
}
