/* SP804 timer 0 interrupts through the PL190 VIC (line 4): the handler acknowledges the
   timer and counts, stopping the timer itself at the Nth, while the main loop keeps
   computing; the main loop's state must survive the interrupts. Also the timers' and the
   VIC's registers without interrupts: one-shot expiry (RIS, Value 0, IntClr), BGLoad,
   free-running 16-bit mode, timer 1's independence, and the ID registers.
   Only deterministic things are printed: nothing that depends on the host's speed. */
#include "semihost.h"

#define REG(a) (*(volatile u32 *)(a))
#define VIC 0x10140000u
#define VIC_IRQSTATUS REG(VIC + 0x000)
#define VIC_RAWINTR REG(VIC + 0x008)
#define VIC_INTSELECT REG(VIC + 0x00c)
#define VIC_INTENABLE REG(VIC + 0x010)
#define VIC_INTENCLEAR REG(VIC + 0x014)
#define T0 0x101e2000u
#define T1 0x101e2020u
#define T2 0x101e3000u
#define LOAD(t) REG((t) + 0x00)
#define VALUE(t) REG((t) + 0x04)
#define CTRL(t) REG((t) + 0x08)
#define INTCLR(t) REG((t) + 0x0c)
#define RIS(t) REG((t) + 0x10)
#define MIS(t) REG((t) + 0x14)
#define BGLOAD(t) REG((t) + 0x18)
#define C_ONESHOT 0x01
#define C_32BIT 0x02
#define C_IE 0x20
#define C_PERIODIC 0x40
#define C_ENABLE 0x80

#define N 5

extern void irq_unmask(void), irq_mask(void);

volatile u32 irq_count, irq_bad, spsr_and = ~0u, spsr_or, cpsr_and = ~0u, cpsr_or, status_and = ~0u;

void irq_c(u32 spsr, u32 cpsr)
{
	u32 st = VIC_IRQSTATUS;
	status_and &= st;
	if (!(st & (1u << 4)) || !(MIS(T0) & 1)) {
		irq_bad++;
		VIC_INTENCLEAR = ~0u; /* whatever it is, stop it */
		return;
	}
	spsr_and &= spsr; spsr_or |= spsr;
	cpsr_and &= cpsr; cpsr_or |= cpsr;
	INTCLR(T0) = 1;
	if (++irq_count == N)
		CTRL(T0) = 0; /* stop: exactly N interrupts */
}

static u32 step(u32 x) { return x * 1103515245u + 12345u + (x >> 7); }

static u32 ids(u32 base)
{
	u32 v = 0;
	for (int i = 0; i < 4; i++) v |= (REG(base + 0xfe0 + 4 * i) & 0xff) << (8 * i);
	return v;
}

int main(void)
{
	printf("VIC periph id %08x, SP804 periph id %08x, cell id %08x\n", ids(VIC), ids(T0),
	       REG(T0 + 0xff0) | REG(T0 + 0xff4) << 8 | REG(T0 + 0xff8) << 16 | REG(T0 + 0xffc) << 24);
	check_eq("vic id", ids(VIC), 0x00041190);
	check_eq("sp804 id", ids(T0), 0x00141804);
	printf("reset: timer ctrl %02x, load %u, value %u, ris %u, vic enable %08x\n", CTRL(T0), LOAD(T0),
	       VALUE(T0), RIS(T0), VIC_INTENABLE);
	check_eq("reset ctrl", CTRL(T0), C_IE);

	/* One-shot expiry by polling, the VIC line masked: RIS, RAWINTR, Value 0, IntClr.
	   Rewriting Control with Enable set restarts the one-shot from Load (QEMU's
	   arm_timer_write), so before that Load becomes the longest count (over an hour at
	   1 MHz): it cannot expire again before the checks below, however slowly the host runs
	   them (50 ms was seen to be too short on a loaded CI machine). */
	LOAD(T0) = 50000;
	BGLOAD(T1) = 77;
	check_eq("load readback", LOAD(T0), 50000);
	check_eq("bgload readback", LOAD(T1), 77);
	CTRL(T0) = C_ENABLE | C_ONESHOT | C_32BIT | C_IE;
	u32 v1 = VALUE(T0);
	check_eq("counting down from load", v1 <= 50000, 1);
	u32 polls = 0;
	while (!(RIS(T0) & 1)) polls++;
	(void)polls;
	printf("one-shot: ris %u, mis %u, value %u, vic raw bit4 %u, irqstatus %08x\n", RIS(T0), MIS(T0),
	       VALUE(T0), (VIC_RAWINTR >> 4) & 1, VIC_IRQSTATUS);
	check_eq("oneshot value", VALUE(T0), 0);
	check_eq("oneshot raw", (VIC_RAWINTR >> 4) & 1, 1);
	LOAD(T0) = 0xffffffffu;
	CTRL(T0) = C_ENABLE | C_ONESHOT | C_32BIT; /* IE off: MIS 0, RIS still 1 */
	check_eq("mis without ie", MIS(T0), 0);
	check_eq("ris without ie", RIS(T0), 1);
	check_eq("raw without ie", (VIC_RAWINTR >> 4) & 1, 0);
	INTCLR(T0) = 0;
	check_eq("ris after intclr", RIS(T0), 0);
	CTRL(T0) = 0;
	printf("after intclr: ris %u, timer1 value %u ris %u\n", RIS(T0), VALUE(T1), RIS(T1));
	check_eq("timer1 untouched", RIS(T1), 0);

	/* Free running, 16 bit: reloads from 0xffff whatever Load says. */
	CTRL(T2) = C_ENABLE;
	u32 fr = VALUE(T2);
	CTRL(T2) = 0;
	printf("free-running 16-bit value below 0x10000: %u\n", fr < 0x10000);
	check_eq("16-bit free running", fr < 0x10000, 1);

	/* Periodic interrupts while the main loop computes. */
	irq_unmask();
	VIC_INTENABLE = 1u << 4;
	LOAD(T0) = 1000; /* 1 ms at 1 MHz */
	CTRL(T0) = C_ENABLE | C_PERIODIC | C_32BIT | C_IE;
	u32 x = 1, iters = 0;
	while (irq_count < N) {
		x = step(x);
		iters++;
	}
	irq_mask();
	u32 y = 1;
	for (u32 i = 0; i < iters; i++) y = step(y);
	printf("took %u timer irqs, %u unexpected; main loop state preserved: %s\n", irq_count, irq_bad,
	       x == y ? "yes" : "no");
	printf("handler mode %02x, I bit set in handler %u, spsr mode %02x, spsr I %u, spsr T %u\n",
	       cpsr_and & 0x1f, (cpsr_and >> 7) & 1, spsr_and & 0x1f, (spsr_or >> 7) & 1, (spsr_or >> 5) & 1);
	printf("vic irqstatus in handler: %08x; after: %08x, timer ctrl %02x\n", status_and, VIC_IRQSTATUS, CTRL(T0));
	check_eq("irq count", irq_count, N);
	check_eq("no unexpected", irq_bad, 0);
	check_eq("state", x, y);
	check_eq("handler mode", cpsr_and & 0x1f, 0x12);
	check_eq("handler mode or", cpsr_or & 0x1f, 0x12);
	check_eq("handler I", (cpsr_and >> 7) & 1, 1);
	check_eq("spsr mode", spsr_and & 0x1f, 0x13);
	check_eq("spsr mode or", spsr_or & 0x1f, 0x13);
	check_eq("spsr I", (spsr_or >> 7) & 1, 0);
#ifdef __thumb__
	check_eq("spsr T (thumb loop)", (spsr_and >> 5) & 1, 1);
#else
	check_eq("spsr T", (spsr_or >> 5) & 1, 0);
#endif
	check_eq("status in handler", status_and, 1u << 4);
	VIC_INTENCLEAR = 1u << 4;
	check_eq("intenclear", VIC_INTENABLE, 0);
	return finish("irq");
}
