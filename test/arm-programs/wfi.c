/* Wait for interrupt (ARM926: mcr p15, 0, rX, c7, c0, 4): the CPU sleeps until the SP804's
   interrupt arrives, takes it, and goes on; with IRQs masked in the CPSR, WFI still wakes
   when the interrupt becomes pending, and the interrupt is taken once unmasked. Only
   deterministic things are printed. Uses irq_asm.S's handler and mask helpers. */
#include "semihost.h"

#define REG(a) (*(volatile u32 *)(a))
#define VIC 0x10140000u
#define VIC_IRQSTATUS REG(VIC + 0x000)
#define VIC_INTENABLE REG(VIC + 0x010)
#define T0 0x101e2000u
#define LOAD(t) REG((t) + 0x00)
#define CTRL(t) REG((t) + 0x08)
#define INTCLR(t) REG((t) + 0x0c)
#define C_ONESHOT 0x01
#define C_32BIT 0x02
#define C_IE 0x20
#define C_PERIODIC 0x40
#define C_ENABLE 0x80

extern void irq_unmask(void), irq_mask(void);
volatile u32 irq_count;

void irq_c(u32 spsr, u32 cpsr)
{
	(void)spsr; (void)cpsr;
	INTCLR(T0) = 1;
	if (++irq_count == 3) CTRL(T0) = 0;
}

static void wfi(void) { __asm__ volatile("mcr p15, 0, %0, c7, c0, 4" : : "r"(0) : "memory"); }

int main(void)
{
	LOAD(T0) = 5000; /* 5 ms at 1 MHz */
	CTRL(T0) = C_ENABLE | C_PERIODIC | C_IE | C_32BIT;
	VIC_INTENABLE = 1u << 4;
	irq_unmask();
	u32 sleeps = 0;
	while (irq_count < 3) { wfi(); sleeps++; }
	printf("woke and took %u timer interrupts\n", irq_count);
	check_eq("slept at least once", sleeps >= 1, 1);

	irq_mask();
	LOAD(T0) = 3000;
	CTRL(T0) = C_ENABLE | C_ONESHOT | C_IE | C_32BIT;
	while (!(VIC_IRQSTATUS & (1u << 4))) wfi();
	u32 before = irq_count;
	printf("masked: woke with the interrupt pending, not taken (%u)\n", before);
	irq_unmask();
	printf("unmasked: taken (%u)\n", irq_count);
	check_eq("taken after unmask", irq_count, before + 1);
	return finish("wfi");
}
