#include "semihost.h"
#include <stdarg.h>

int sh_call(int op, void *arg)
{
	register int r0 __asm__("r0") = op;
	register void *r1 __asm__("r1") = arg;
#ifdef __thumb__
	__asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
	__asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
	return r0;
}

void sh_write0(const char *s) { sh_call(SYS_WRITE0, (void *)s); }
void sh_writec(char c) { sh_call(SYS_WRITEC, &c); }

int sh_write(int fd, const void *buf, unsigned len)
{
	u32 blk[3] = { (u32)fd, (u32)buf, len };
	return sh_call(SYS_WRITE, blk);
}

static int stdout_fd = -1;
int sh_stdout(void)
{
	/* Mode 4 ("w") on ":tt" is stdout in the semihosting spec; qemu maps it
	   straight to its own fd 1, the same stream the UART's -nographic goes to. */
	if (stdout_fd < 0) {
		u32 blk[3] = { (u32)":tt", 4, 3 };
		stdout_fd = sh_call(SYS_OPEN, blk);
	}
	return stdout_fd;
}

static char obuf[256];
static unsigned olen;

void sh_flush(void)
{
	if (olen) {
		sh_write(sh_stdout(), obuf, olen);
		olen = 0;
	}
}

void putch(char c)
{
	obuf[olen++] = c;
	if (c == '\n' || olen == sizeof obuf)
		sh_flush();
}

void puts_(const char *s) { while (*s) putch(*s++); }

void sh_exit(int code)
{
	sh_flush();
	/* qemu 7.2 (32-bit ARM): SYS_EXIT_EXTENDED with {ADP_Stopped_ApplicationExit,
	   code} exits qemu with status code (the host truncates it to 8 bits).
	   Plain SYS_EXIT can only say 0 (ApplicationExit) or 1 (any other reason),
	   so it is the fallback for a host without the extension. */
	u32 blk[2] = { ADP_Stopped_ApplicationExit, (u32)code };
	sh_call(SYS_EXIT_EXTENDED, blk);
	sh_call(SYS_EXIT, (void *)(code ? ADP_Stopped_RunTimeErrorUnknown
				      : ADP_Stopped_ApplicationExit));
	for (;;)
		;
}

void unexpected_exception(int vec, u32 lr, u32 spsr)
{
	static const char *const names[] = { "reset", "undef", "swi", "pabt",
		"dabt", "reserved", "irq", "fiq" };
	printf("FAIL: unexpected %s exception, lr=%08x spsr=%08x\n", names[vec & 7], lr, spsr);
	sh_exit(100 + vec);
}

static void put_u64(u64 v, int base, int width, char pad, int upper)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		putch(pad);
	while (n)
		putch(tmp[--n]);
}

/* Only what the tests need: %d %i %u %x %X %c %s %%, width, '0' flag, l/ll. */
int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putch(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, lng = 0, left = 0;
		fmt++;
		if (*fmt == '-') { left = 1; fmt++; }
		if (*fmt == '0') { pad = '0'; fmt++; }
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') { lng++; fmt++; }
		switch (*fmt) {
		case 'd': case 'i': {
			s64 v = lng >= 2 ? va_arg(ap, s64) : va_arg(ap, s32);
			if (v < 0) {
				putch('-');
				if (width) width--;
				v = -v;
			}
			put_u64((u64)v, 10, width, pad, 0);
			break;
		}
		case 'u': case 'x': case 'X': {
			u64 v = lng >= 2 ? va_arg(ap, u64) : va_arg(ap, u32);
			put_u64(v, *fmt == 'u' ? 10 : 16, width, pad, *fmt == 'X');
			break;
		}
		case 'c':
			putch((char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int l = (int)strlen(s);
			if (!left) while (width-- > l) putch(' ');
			puts_(s);
			if (left) while (width-- > l) putch(' ');
			break;
		}
		case '%':
			putch('%');
			break;
		default:
			putch('%');
			putch(*fmt);
			break;
		}
	}
	va_end(ap);
	return 0;
}

void *memset(void *d, int c, unsigned n)
{
	u8 *p = d;
	while (n--) *p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned n)
{
	u8 *p = d;
	const u8 *q = s;
	while (n--) *p++ = *q++;
	return d;
}

unsigned strlen(const char *s)
{
	unsigned n = 0;
	while (s[n]) n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) a++, b++;
	return (u8)*a - (u8)*b;
}

int check_failures;

void check_eq(const char *what, u32 got, u32 want)
{
	if (got != want) {
		printf("FAIL %s: got %08x want %08x\n", what, got, want);
		check_failures++;
	}
}

void check_eq64(const char *what, u64 got, u64 want)
{
	if (got != want) {
		printf("FAIL %s: got %016llx want %016llx\n", what, got, want);
		check_failures++;
	}
}

int finish(const char *name)
{
	if (check_failures) {
		printf("%s: FAIL (%d checks failed)\n", name, check_failures);
		return 1;
	}
	printf("%s: PASS\n", name);
	return 0;
}
