/* bootinfo's first instructions, ahead of crt0's _start (link.ld puts .text.boot
   first): keep r0-r2 as the loader left them — a raw image entered through qemu's
   boot stub gets r0=0, r1=board id, r2=ATAGs or dtb — in boot_regs, then start
   as every test program does. An ELF is entered at _start; boot_regs stay 0. */
	.syntax unified
	.arm
	.section .text.boot, "ax"
	.global	bootinfo_entry
bootinfo_entry:
	ldr	ip, =boot_regs
	stmia	ip, {r0-r2}
	b	_start
	.ltorg

	.data
	.global	boot_regs
	.balign	4
boot_regs:
	.word	0, 0, 0
