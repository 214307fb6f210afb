/* Tiny runtime for the bare-metal test programs: ARM semihosting + printf. */
#ifndef SEMIHOST_H
#define SEMIHOST_H

typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned short u16;
typedef short s16;
typedef unsigned char u8;
typedef signed char s8;

#define SYS_OPEN          0x01
#define SYS_WRITEC        0x03
#define SYS_WRITE0        0x04
#define SYS_WRITE         0x05
#define SYS_EXIT          0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026
#define ADP_Stopped_RunTimeErrorUnknown 0x20023

int sh_call(int op, void *arg);
/* SYS_WRITE0 / SYS_WRITEC: qemu 7.2 sends these to its "semihosting console",
   which is host *stderr* unless -semihosting-config chardev=... is given. */
void sh_write0(const char *s);
void sh_writec(char c);
/* SYS_WRITE on a handle; returns the number of bytes NOT written (0 = ok). */
int sh_write(int fd, const void *buf, unsigned len);
/* The ":tt" handle opened for writing = host stdout; opened on first use. */
int sh_stdout(void);
void sh_flush(void);
void sh_exit(int code) __attribute__((noreturn));

/* Buffered output to semihosting stdout (flushed at '\n' and exit). */
void putch(char c);
void puts_(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *memset(void *d, int c, unsigned n);
void *memcpy(void *d, const void *s, unsigned n);
unsigned strlen(const char *s);
int strcmp(const char *a, const char *b);

/* Self-checks: a failed CHECK prints FAIL and the program exits 1 at the end
   (so the rest of the output still appears for diffing). */
extern int check_failures;
void check_eq(const char *what, u32 got, u32 want);
void check_eq64(const char *what, u64 got, u64 want);
int finish(const char *name);   /* prints PASS/FAIL summary, returns exit code */

static inline u32 get_cpsr(void)
{
	u32 v;
#ifdef __thumb__
	extern u32 arm_get_cpsr(void);
	v = arm_get_cpsr();
#else
	__asm__ volatile("mrs %0, cpsr" : "=r"(v));
#endif
	return v;
}

#endif
