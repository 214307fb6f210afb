/* Demo guest for the Versatile PB: draws the Mandelbrot set on the PL011 UART
   with 16.16 fixed-point arithmetic (ARMv5 has no FPU we want to depend on),
   then a line of primes and a small table, and exits via semihosting with 0. */
#include "semihost.h"

#define UART0 0x101f1000u
#define UARTDR (*(volatile u32 *)(UART0 + 0x00))
#define UARTFR (*(volatile u32 *)(UART0 + 0x18))
#define TXFF (1u << 5)

static void uart_putc(char c)
{
	while (UARTFR & TXFF)
		;
	UARTDR = (u8)c;
}
static void uart_puts(const char *s) { while (*s) uart_putc(*s++); }
static void uart_putu(u32 v, int width)
{
	char t[12];
	int n = 0;
	do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
	while (width-- > n) uart_putc(' ');
	while (n) uart_putc(t[--n]);
}

#define W 60
#define H 24
#define FIX 16
#define MAXIT 64

static void mandelbrot(void)
{
	static const char shades[] = " .,:;-=+*#%";
	/* x in [-2.1, 0.9], y in [-1.2, 1.2] */
	const s32 x0 = -(21 << FIX) / 10, dx = (3 << FIX) / W;
	const s32 y0 = -(12 << FIX) / 10, dy = ((24 << FIX) / 10) / H;
	for (int row = 0; row < H; row++) {
		s32 ci = y0 + row * dy + dy / 2;
		for (int col = 0; col < W; col++) {
			s32 cr = x0 + col * dx + dx / 2, zr = 0, zi = 0;
			int it = 0;
			while (it < MAXIT) {
				s32 zr2 = (s32)(((s64)zr * zr) >> FIX), zi2 = (s32)(((s64)zi * zi) >> FIX);
				if (zr2 + zi2 > (4 << FIX))
					break;
				zi = (s32)(((s64)zr * zi) >> (FIX - 1)) + ci;
				zr = zr2 - zi2 + cr;
				it++;
			}
			/* Most points escape within a few steps, so shade by small counts. */
			uart_putc(it == MAXIT ? '@' : shades[it / 2 > 10 ? 10 : it / 2]);
		}
		uart_putc('\n');
	}
}

int main(void)
{
	uart_puts("dynwasm demo: bare-metal ARMv5TE on a Versatile PB, PL011 UART0\n\n");
	mandelbrot();
	uart_puts("\nprimes:");
	int n = 0;
	for (u32 p = 2; n < 25; p++) {
		int prime = 1;
		for (u32 d = 2; d * d <= p; d++)
			if (p % d == 0) { prime = 0; break; }
		if (prime) { uart_putc(' '); uart_putu(p, 0); n++; }
	}
	uart_puts("\n\n   n     n^2      n^3  fib(n)\n");
	u32 a = 0, b = 1;
	for (u32 i = 1; i <= 10; i++) {
		u32 t = a + b;
		a = b; b = t;
		uart_putu(i, 4); uart_putu(i * i, 8); uart_putu(i * i * i, 9);
		uart_putu(a, 8); uart_putc('\n');
	}
	uart_puts("\nbye\n");
	return 0;
}
