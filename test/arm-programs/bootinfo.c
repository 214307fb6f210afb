/* What a kernel sees at entry on the Versatile PB, and the board registers Linux
   uses. Run as an ELF (r0-r2 zero) or, as bootinfo.bin, a raw image entered
   through qemu's boot stub with -append/-initrd/-dtb; the output must match
   qemu-system-arm's:
   - r0, r1, r2 at entry (bootinfo_boot.S saves them in boot_regs);
   - r2's ATAG list (each tag's words; the command line as text), or r2's device
     tree: header fields, its CRC-32, then every node and property (values in
     hex) in structure order, NOPs skipped;
   - the CRC-32 of RAM from 0x40 to the program (an ELF's dtb, the ATAGs);
   - the initrd (from ATAG_INITRD2 or /chosen/linux,initrd-*): where, how big,
     its CRC-32;
   - the system controller (ID, lock, flags, oscillators, the 24 MHz counter
     advancing), the PL031 RTC (load, match, interrupt to VIC line 10) and the
     PrimeCell IDs of the devices modelled. */
#include "semihost.h"

extern u32 boot_regs[3];

#define R32(a) (*(volatile u32 *)(a))

static u32 be32(const void *p)
{
	const u8 *b = p;
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u32 crc32(const u8 *p, u32 n)
{
	u32 c = 0xffffffffu;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static u32 initrd_start, initrd_end;

static void indent(int n)
{
	while (n-- > 0)
		putch(' ');
}

static void show_initrd(void)
{
	if (initrd_end <= initrd_start) {
		printf("initrd: none\n");
		return;
	}
	u32 n = initrd_end - initrd_start;
	printf("initrd: 0x%x-0x%x, %u bytes, crc32 %08x\n", initrd_start, initrd_end, n,
	       crc32((const u8 *)initrd_start, n));
}

static void show_atags(const u32 *t)
{
	for (int i = 0; i < 32; i++) {
		u32 size = t[0], tag = t[1];
		printf("atag %08x size %u:", tag, size);
		if (size == 0) {
			printf("\n");
			return;
		}
		if (tag == 0x54410009) {
			printf(" \"%s\"\n", (const char *)&t[2]);
		} else {
			for (u32 k = 2; k < size && k < 8; k++)
				printf(" %08x", t[k]);
			printf("\n");
		}
		if (tag == 0x54420005) {
			initrd_start = t[2];
			initrd_end = t[2] + t[3];
		}
		t += size;
	}
	printf("atag list not terminated\n");
}

static void show_fdt(const u8 *f)
{
	u32 total = be32(f + 4), off_struct = be32(f + 8), off_strings = be32(f + 12);
	printf("fdt: totalsize %u struct 0x%x+0x%x strings 0x%x+0x%x rsvmap 0x%x version %u/%u cpu %u\n",
	       total, off_struct, be32(f + 36), off_strings, be32(f + 32), be32(f + 16),
	       be32(f + 20), be32(f + 24), be32(f + 28));
	for (const u8 *r = f + be32(f + 16);; r += 16) {
		if (!be32(r) && !be32(r + 4) && !be32(r + 8) && !be32(r + 12))
			break;
		printf("memreserve %08x%08x %08x%08x\n", be32(r), be32(r + 4), be32(r + 8), be32(r + 12));
	}
	printf("fdt crc32 %08x\n", crc32(f, total));
	const u8 *p = f + off_struct;
	int depth = 0, in_chosen = 0;
	for (int guard = 0; guard < 100000; guard++) {
		u32 tok = be32(p);
		p += 4;
		if (tok == 1) {
			const char *name = (const char *)p;
			indent(depth * 2);
			printf("node '%s'\n", name);
			in_chosen = depth == 1 && strcmp(name, "chosen") == 0;
			depth++;
			p += (strlen(name) + 4) & ~3u;
		} else if (tok == 2) {
			depth--;
			in_chosen = 0;
		} else if (tok == 3) {
			u32 len = be32(p), nameoff = be32(p + 4);
			const char *name = (const char *)f + off_strings + nameoff;
			const u8 *v = p + 8;
			indent(depth * 2);
			printf("%s [%u]", name, len);
			for (u32 k = 0; k < len; k++) {
				if (k % 32 == 0 && k) {
					printf("\n");
					indent(depth * 2);
				}
				printf(" %02x", v[k]);
			}
			printf("\n");
			if (in_chosen && strcmp(name, "linux,initrd-start") == 0)
				initrd_start = be32(v + len - 4);
			if (in_chosen && strcmp(name, "linux,initrd-end") == 0)
				initrd_end = be32(v + len - 4);
			p += 8 + ((len + 3) & ~3u);
		} else if (tok == 4) {
			continue;
		} else if (tok == 9) {
			break;
		} else {
			printf("bad token %08x\n", tok);
			break;
		}
	}
}

static void primecell(const char *what, u32 base)
{
	printf("%s id", what);
	for (u32 o = 0xfe0; o < 0x1000; o += 4)
		printf(" %02x", R32(base + o));
	printf("\n");
}

/* Send a byte to a PL050's PS/2 device and print what comes back (KMISTAT, the bytes, KMIIR). */
static void kmi_send(const char *what, u32 base, u32 byte)
{
	R32(base + 0x08) = byte;
	printf("%s sent %02x stat %02x got", what, byte, R32(base + 0x04));
	for (int i = 0; i < 8 && (R32(base + 0x04) & 0x10); i++)
		printf(" %02x", R32(base + 0x08));
	printf(" stat %02x ir %x\n", R32(base + 0x04), R32(base + 0x10));
}

/* The keyboard's and the mouse's PL050: the commands Linux's probes send, and the interrupt on
   SIC lines 3 and 4 (SIC RAWSTAT at 0x10003004). */
static void kmi(void)
{
	const u32 K = 0x10006000u, M = 0x10007000u, SIC = 0x10003000u;
	static const u8 kbd[] = { 0xff, 0xf2, 0xed, 0x00, 0xf3, 0x00, 0xf0, 0x00, 0xf5, 0xf4, 0xee, 0x12 };
	static const u8 mouse[] = { 0xff, 0xf2, 0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2, 0xf3, 200, 0xf3, 200, 0xf3, 80,
		0xf2, 0xe8, 0x03, 0xe6, 0xf4, 0xe9, 0xeb, 0xf5, 0xe1, 0xf6 };
	printf("kmi CR %x %x CLKDIV %x STAT %x %x IR %x %x\n", R32(K), R32(M), R32(K + 0x0c), R32(K + 0x04), R32(M + 0x04), R32(K + 0x10), R32(M + 0x10));
	for (unsigned i = 0; i < sizeof kbd; i++)
		kmi_send("kbd", K, kbd[i]);
	for (unsigned i = 0; i < sizeof mouse; i++)
		kmi_send("mouse", M, mouse[i]);
	R32(K) = 0x10;
	R32(K + 0x08) = 0xee;
	printf("kmi0 rx irq: sic raw bit3 %u", (R32(SIC + 0x04) >> 3) & 1);
	(void)R32(K + 0x08);
	printf(" after read %u", (R32(SIC + 0x04) >> 3) & 1);
	R32(M) = 0x08;
	printf(" kmi1 tx irq: sic raw bit4 %u", (R32(SIC + 0x04) >> 4) & 1);
	R32(K) = 0;
	R32(M) = 0;
	printf(" off %u %u\n", (R32(SIC + 0x04) >> 3) & 1, (R32(SIC + 0x04) >> 4) & 1);
}

static void sysctl(void)
{
	const u32 S = 0x10000000u;
	printf("SYS_ID %08x PROCID0 %08x PROCID1 %08x PCICTL %u CLCD %08x\n",
	       R32(S + 0x00), R32(S + 0x84), R32(S + 0x88), R32(S + 0x44), R32(S + 0x50));
	printf("OSC0-4 %x %x %x %x %x 100HZ %x SW %x\n", R32(S + 0x0c), R32(S + 0x10),
	       R32(S + 0x14), R32(S + 0x18), R32(S + 0x1c), R32(S + 0x24), R32(S + 0x04));
	printf("LOCK %x", R32(S + 0x20));
	R32(S + 0x20) = 0xa05f;
	printf(" locked-value %x", R32(S + 0x20));
	R32(S + 0x20) = 0x1234abcd;
	printf(" other %x\n", R32(S + 0x20));
	R32(S + 0x30) = 0x81;
	R32(S + 0x30) = 0x10;
	R32(S + 0x34) = 0x01;
	printf("FLAGS %x", R32(S + 0x30));
	R32(S + 0x38) = 0x6;
	R32(S + 0x3c) = 0x2;
	printf(" NVFLAGS %x\n", R32(S + 0x38));
	u32 a = R32(S + 0x5c);
	for (volatile int i = 0; i < 200000; i++)
		;
	u32 b = R32(S + 0x5c);
	printf("24MHz counter advances: %s\n", b - a > 0 && b - a < 0x80000000u ? "yes" : "no");
}

static void rtc(void)
{
	const u32 R = 0x101e8000u, VIC = 0x10140000u;
	printf("RTC CR %u IMSC %u RIS %u MIS %u\n", R32(R + 0x0c), R32(R + 0x10), R32(R + 0x14), R32(R + 0x18));
	u32 dr = R32(R);
	printf("RTC DR after 2020: %s\n", dr > 1577836800u ? "yes" : "no");
	R32(R + 0x08) = 1000000;
	u32 d = R32(R) - 1000000;
	printf("RTC LR %u, DR follows LR: %s\n", R32(R + 0x08), d <= 1 ? "yes" : "no");
	R32(R + 0x04) = R32(R) + 100;
	printf("RTC MR in 100 s: RIS %u\n", R32(R + 0x14));
	R32(R + 0x04) = R32(R);
	printf("RTC MR now: RIS %u MIS %u VIC raw bit 10 %u\n", R32(R + 0x14), R32(R + 0x18), (R32(VIC + 0x08) >> 10) & 1);
	R32(R + 0x10) = 3;
	printf("RTC IMSC %u MIS %u VIC raw bit 10 %u\n", R32(R + 0x10), R32(R + 0x18), (R32(VIC + 0x08) >> 10) & 1);
	R32(R + 0x1c) = 1;
	printf("RTC after ICR: RIS %u MIS %u VIC raw bit 10 %u\n", R32(R + 0x14), R32(R + 0x18), (R32(VIC + 0x08) >> 10) & 1);
	R32(R + 0x10) = 0;
}

int main(void)
{
	printf("entry r0=%08x r1=%08x r2=%08x\n", boot_regs[0], boot_regs[1], boot_regs[2]);
	u32 r2 = boot_regs[2];
	if (r2 && be32((const void *)r2) == 0xd00dfeedu)
		show_fdt((const u8 *)r2);
	else if (r2 && ((const u32 *)r2)[1] == 0x54410001u)
		show_atags((const u32 *)r2);
	else
		printf("no boot data in r2\n");
	show_initrd();
	/* Below the program: an ELF's -dtb goes at 0 (crt0 has put the vectors over
	   its first 64 bytes since), a raw image's ATAGs at 0x100. */
	printf("low memory 0x40-0x10000 crc32 %08x\n", crc32((const u8 *)0x40, 0x10000 - 0x40));
	sysctl();
	rtc();
	primecell("uart0", 0x101f1000u);
	primecell("uart3", 0x10009000u);
	primecell("vic", 0x10140000u);
	primecell("timer01", 0x101e2000u);
	primecell("timer23", 0x101e3000u);
	primecell("rtc", 0x101e8000u);
	primecell("kmi0", 0x10006000u);
	primecell("kmi1", 0x10007000u);
	kmi();
	return finish("bootinfo");
}
