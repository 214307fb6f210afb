/* PL011 UART0 of the Versatile PB, written directly (no semihosting). qemu sends
   it to its stdout under -nographic, interleaved with semihosting stdout in
   program order, since both are written synchronously. */
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

int main(void)
{
	printf("semihosting line before the UART\n");
	uart_puts("Hello from the PL011 UART0 at 0x101f1000\n");
	char line[40];
	for (int row = 0; row < 5; row++) {
		int n = 0;
		for (int col = 0; col < 32; col++)
			line[n++] = (char)(' ' + 1 + (row * 32 + col) % 94);
		line[n++] = '\n';
		line[n] = 0;
		uart_puts(line);
	}
	/* Byte stores to the data register work too. */
	*(volatile u8 *)UART0 = 'O';
	*(volatile u8 *)UART0 = 'K';
	*(volatile u8 *)UART0 = '\n';
	printf("semihosting line after the UART\n");
	u32 fr = UARTFR;
	printf("UARTFR TXFF=%u\n", (fr >> 5) & 1);
	check_eq("TXFF clear", (fr >> 5) & 1, 0);
	return finish("uart");
}
