/* The PL190 VIC with software interrupts (SOFTINT): masking by INTENABLE and by the CPSR
   I bit (an interrupt raised while I is set is taken right after I is cleared, not before),
   one raised inside a handler waits for the handler's return, and the vectored priority
   logic: VECTADDR, VECTCNTL, DEFVECTADDR, a higher-priority interrupt preempting a nested
   handler while a lower-priority one waits for the VECTADDR write. */
#include "semihost.h"

#define REG(a) (*(volatile u32 *)(a))
#define VIC 0x10140000u
#define VIC_IRQSTATUS REG(VIC + 0x000)
#define VIC_FIQSTATUS REG(VIC + 0x004)
#define VIC_RAWINTR REG(VIC + 0x008)
#define VIC_INTSELECT REG(VIC + 0x00c)
#define VIC_INTENABLE REG(VIC + 0x010)
#define VIC_INTENCLEAR REG(VIC + 0x014)
#define VIC_SOFTINT REG(VIC + 0x018)
#define VIC_SOFTINTCLEAR REG(VIC + 0x01c)
#define VIC_PROTECTION REG(VIC + 0x020)
#define VIC_VECTADDR REG(VIC + 0x030)
#define VIC_DEFVECTADDR REG(VIC + 0x034)
#define VIC_VECTADDRn(n) REG(VIC + 0x100 + 4 * (n))
#define VIC_VECTCNTLn(n) REG(VIC + 0x200 + 4 * (n))
#define SIC 0x10003000u

extern void irq_unmask(void), irq_mask(void);
#define IRQ_ON() irq_unmask()
#define IRQ_OFF() irq_mask()

typedef void (*isr_t)(void);
volatile u32 depth, max_depth, nirq, spsr_mode_or;
char order[32];
volatile u32 norder;
volatile u32 during_handler_seen; /* what line 1's handler saw of line 5 */

static void record(char c) { if (norder < sizeof order - 1) order[norder++] = c; }

void irq_c(u32 spsr)
{
	nirq++;
	spsr_mode_or |= 1u << (spsr & 0x1f);
	if (++depth > max_depth) max_depth = depth;
	isr_t isr = (isr_t)VIC_VECTADDR; /* raises the VIC's priority */
	isr();
	VIC_VECTADDR = 0; /* and back */
	depth--;
}

/* Non-vectored phase: everything goes to the default vector. */
static void isr_default(void)
{
	u32 st = VIC_IRQSTATUS;
	if (st & (1u << 1)) {
		record('1');
		/* Raise line 5 from inside: it must wait until this handler returns. */
		VIC_SOFTINT = 1u << 5;
		for (volatile int i = 0; i < 100; i++)
			;
		during_handler_seen = (VIC_IRQSTATUS >> 5) & 1;
		VIC_SOFTINTCLEAR = 1u << 1;
	} else if (st & (1u << 5)) {
		record('5');
		VIC_SOFTINTCLEAR = 1u << 5;
	} else {
		record('?');
		VIC_INTENCLEAR = ~0u;
	}
}

/* Vectored phase: line 2 at priority 0, line 1 at priority 1, line 3 on the default vector. */
static void isr_line2(void) { record('2'); VIC_SOFTINTCLEAR = 1u << 2; }
static void isr_line1(void)
{
	record('1');
	VIC_SOFTINT = (1u << 3) | (1u << 2);
	IRQ_ON(); /* nest: line 2 (higher priority) preempts here, line 3 (lower) must wait */
	record('a');
	IRQ_OFF();
	VIC_SOFTINTCLEAR = 1u << 1;
}
static void isr_line3(void) { record('3'); VIC_SOFTINTCLEAR = 1u << 3; }

static u32 ids(u32 base)
{
	u32 v = 0;
	for (int i = 0; i < 8; i++) v |= (REG(base + 0xfe0 + 4 * i) & 0xff) << (8 * (i & 3));
	return v;
}

int main(void)
{
	printf("VIC: ids %08x, enable %08x select %08x softint %08x protection %u defvect %08x\n", ids(VIC),
	       VIC_INTENABLE, VIC_INTSELECT, VIC_SOFTINT, VIC_PROTECTION, VIC_DEFVECTADDR);
	VIC_PROTECTION = 1;
	check_eq("protection", VIC_PROTECTION, 1);
	VIC_PROTECTION = 0;
	VIC_DEFVECTADDR = (u32)isr_default;
	check_eq("defvectaddr", VIC_DEFVECTADDR, (u32)isr_default);

	/* SOFTINT with the line disabled: raw only. */
	VIC_SOFTINT = 1u << 1;
	printf("softint 1, disabled: raw %08x status %08x softint %08x\n", VIC_RAWINTR, VIC_IRQSTATUS, VIC_SOFTINT);
	check_eq("raw", VIC_RAWINTR, 1u << 1);
	check_eq("status", VIC_IRQSTATUS, 0);
	/* Enabled, but CPSR.I set (as crt0 leaves it): pending, not taken. */
	VIC_INTENABLE = (1u << 1) | (1u << 5);
	for (volatile int i = 0; i < 1000; i++)
		;
	u32 before = nirq;
	printf("enabled, I masked: status %08x, taken %u\n", VIC_IRQSTATUS, before);
	check_eq("status enabled", VIC_IRQSTATUS, 1u << 1);
	check_eq("not taken while masked", before, 0);
	IRQ_ON();
	u32 right_after = nirq; /* taken at the instruction after the unmasking MSR */
	IRQ_OFF();
	record('|');
	printf("unmasked: taken %u right after, %u in all; max depth %u; line 5 pending in handler %u\n",
	       right_after, nirq, max_depth, during_handler_seen);
	check_eq("taken right after unmask", right_after, 2);
	check_eq("max depth", max_depth, 1);
	check_eq("line 5 waited", during_handler_seen, 1);
	check_eq("spsr mode", spsr_mode_or, 1u << 0x13);

	/* INTSELECT moves a line to FIQ (F masked here): gone from IRQSTATUS. */
	VIC_INTSELECT = 1u << 6;
	VIC_INTENABLE = 1u << 6;
	VIC_SOFTINT = 1u << 6;
	printf("line 6 as FIQ: irqstatus %08x fiqstatus %08x\n", VIC_IRQSTATUS, VIC_FIQSTATUS);
	check_eq("fiq status", VIC_FIQSTATUS, 1u << 6);
	check_eq("irq status", VIC_IRQSTATUS, 0);
	VIC_SOFTINTCLEAR = 1u << 6;
	VIC_INTSELECT = 0;
	VIC_INTENCLEAR = 1u << 6 | 1u << 5;

	/* Vectored: priority logic by register reads alone (I masked). */
	VIC_VECTADDRn(0) = (u32)isr_line2;
	VIC_VECTCNTLn(0) = 0x20 | 2;
	VIC_VECTADDRn(1) = (u32)isr_line1;
	VIC_VECTCNTLn(1) = 0x20 | 1;
	VIC_VECTADDRn(2) = 0x1234;
	VIC_VECTCNTLn(2) = 7; /* not enabled (bit 5 clear) */
	check_eq("vectcntl readback", VIC_VECTCNTLn(1), 0x21);
	check_eq("vectaddr readback", VIC_VECTADDRn(2), 0x1234);
	VIC_INTENABLE = 0xe;
	VIC_SOFTINT = 0xe;
	u32 v_first = VIC_VECTADDR; /* line 2: priority 0 now; nothing else can interrupt */
	u32 st_in = VIC_IRQSTATUS;
	IRQ_ON();
	u32 taken_at_prio0 = nirq;
	IRQ_OFF();
	VIC_VECTADDR = 0;
	VIC_SOFTINTCLEAR = 1u << 2;
	u32 v_second = VIC_VECTADDR; /* line 1 */
	VIC_VECTADDR = 0;
	VIC_SOFTINTCLEAR = 1u << 1;
	u32 v_third = VIC_VECTADDR; /* line 3: the default */
	VIC_VECTADDR = 0;
	VIC_SOFTINTCLEAR = 1u << 3;
	u32 v_none = VIC_VECTADDR; /* nothing pending: the default, priority unchanged */
	printf("vectaddr: line2 %u line1 %u line3 default %u, none default %u; at priority 0 status %08x, taken %u\n",
	       v_first == (u32)isr_line2, v_second == (u32)isr_line1, v_third == (u32)isr_default,
	       v_none == (u32)isr_default, st_in, taken_at_prio0 - 2);
	check_eq("v first", v_first, (u32)isr_line2);
	check_eq("v second", v_second, (u32)isr_line1);
	check_eq("v third", v_third, (u32)isr_default);
	check_eq("v none", v_none, (u32)isr_default);
	check_eq("masked at priority 0", taken_at_prio0, 2);

	/* Vectored dispatch with nesting: line 1 runs, unmasks; line 2 preempts; line 3 waits. */
	VIC_DEFVECTADDR = (u32)isr_line3;
	max_depth = 0;
	VIC_SOFTINT = 1u << 1;
	IRQ_ON();
	IRQ_OFF();
	order[norder] = 0;
	printf("order %s, max depth %u, irqs %u, raw after %08x\n", order, max_depth, nirq, VIC_RAWINTR);
	check_eq("order", strcmp(order, "15|12a3"), 0);
	check_eq("nested depth", max_depth, 2);
	check_eq("irqs", nirq, 5);
	check_eq("raw after", VIC_RAWINTR, 0);

	/* The SIC: a masked input reaches VIC line 31 only when enabled. */
	REG(SIC + 0x08) = 1; /* ENSET bit 0 (its SOFTINT input) */
	printf("sic: enable %08x status %08x, vic raw bit31 %u\n", REG(SIC + 0x08), REG(SIC + 0x00), VIC_RAWINTR >> 31);
	REG(SIC + 0x0c) = ~0u;
	return finish("softint");
}
