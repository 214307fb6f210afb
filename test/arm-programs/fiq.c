/* SP804 timer 0 routed to FIQ by the VIC's INTSELECT: taken with IRQs masked, the handler
   runs entirely in FIQ mode's banked r8-r12, and the interrupted code's r8-r12 survive. */
#include "semihost.h"

#define REG(a) (*(volatile u32 *)(a))
#define VIC 0x10140000u
#define VIC_IRQSTATUS REG(VIC + 0x000)
#define VIC_FIQSTATUS REG(VIC + 0x004)
#define VIC_RAWINTR REG(VIC + 0x008)
#define VIC_INTSELECT REG(VIC + 0x00c)
#define VIC_INTENABLE REG(VIC + 0x010)
#define VIC_INTENCLEAR REG(VIC + 0x014)
#define T0 0x101e2000u
#define LOAD(t) REG((t) + 0x00)
#define CTRL(t) REG((t) + 0x08)
#define INTCLR(t) REG((t) + 0x0c)
#define RIS(t) REG((t) + 0x10)

extern void fiq_setup(u32 timer, volatile u32 *results);
extern u32 fiq_wait(volatile u32 *count, u32 n);
extern void fiq_regs(u32 out[5]);
extern void set_cpsr_c(u32 c);

volatile u32 fiq_results[3];

int main(void)
{
	fiq_setup(T0, fiq_results);
	VIC_INTSELECT = 1u << 4;
	VIC_INTENABLE = 1u << 4;

	/* Pending with F masked: FIQSTATUS shows it, IRQSTATUS does not. */
	LOAD(T0) = 100;
	CTRL(T0) = 0x80 | 0x01 | 0x02 | 0x20; /* enable, one-shot, 32-bit, IE */
	while (!(RIS(T0) & 1))
		;
	printf("routed to FIQ: fiqstatus %08x, irqstatus %08x, raw bit4 %u, count %u\n", VIC_FIQSTATUS,
	       VIC_IRQSTATUS, (VIC_RAWINTR >> 4) & 1, fiq_results[0]);
	check_eq("fiqstatus", VIC_FIQSTATUS, 1u << 4);
	check_eq("irqstatus", VIC_IRQSTATUS, 0);
	check_eq("not taken while F masked", fiq_results[0], 0);
	INTCLR(T0) = 1;
	CTRL(T0) = 0x20;
	check_eq("fiqstatus cleared", VIC_FIQSTATUS, 0);

	/* Periodic FIQs, taken with I masked (SVC, I=1, F=0). */
	set_cpsr_c(0x93);
	LOAD(T0) = 1000;
	CTRL(T0) = 0x80 | 0x40 | 0x02 | 0x20;
	u32 changed = fiq_wait(&fiq_results[0], 5);
	set_cpsr_c(0xd3);
	u32 f[5];
	fiq_regs(f);
	u32 spsr = fiq_results[1], cpsr = fiq_results[2];
	printf("took %u fiqs; interrupted r8-r12 changed mask %02x\n", fiq_results[0], changed);
	printf("handler mode %02x, I %u F %u; spsr mode %02x, I %u F %u\n", cpsr & 0x1f, (cpsr >> 7) & 1,
	       (cpsr >> 6) & 1, spsr & 0x1f, (spsr >> 7) & 1, (spsr >> 6) & 1);
	printf("fiq bank: r8 %08x r9 %u r10 is &results %u r11 %08x\n", f[0], f[1],
	       f[2] == (u32)fiq_results, f[3]);
	check_eq("fiq count", fiq_results[0], 5);
	check_eq("r8-r12 preserved", changed, 0);
	check_eq("handler mode", cpsr & 0x1f, 0x11);
	check_eq("handler I", (cpsr >> 7) & 1, 1);
	check_eq("handler F", (cpsr >> 6) & 1, 1);
	check_eq("spsr mode", spsr & 0x1f, 0x13);
	check_eq("spsr I", (spsr >> 7) & 1, 1);
	check_eq("spsr F", (spsr >> 6) & 1, 0);
	check_eq("r8_fiq", f[0], T0);
	check_eq("r9_fiq", f[1], 5);
	check_eq("r10_fiq", f[2], (u32)fiq_results);
	check_eq("r11_fiq", f[3], 0x11111111);
	check_eq("timer stopped", CTRL(T0), 0);
	VIC_INTENCLEAR = 1u << 4;
	VIC_INTSELECT = 0;
	return finish("fiq");
}
