/**
 * Bare-metal test programs built at test time with arm-none-eabi-gcc from source strings
 * (linked at 0x10000, leaving through semihosting), and qemu-system-arm as the reference.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNeeding, TOOLS } from './tools.js';

/** Tests that build programs with arm-none-eabi-gcc (test/support/tools.ts: skipped without it, failed in CI). */
export const crossTest = testNeeding(TOOLS.armNoneEabiGcc);
/** Tests that also compare with qemu-system-arm. */
export const qemuTest = testNeeding(TOOLS.armNoneEabiGcc, TOOLS.qemuSystemArm);

let dir: string | undefined;
export function workDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'dynwasm-cross-'));
  return dir;
}

/** Assemble/compile `files` (name → source) into `<name>.elf`; returns its path. */
export function buildElf(name: string, files: Record<string, string>, extraFlags: string[] = []): string {
  const d = workDir();
  const paths = Object.entries(files).map(([f, src]) => { const p = join(d, `${name}-${f}`); writeFileSync(p, src); return p; });
  const out = join(d, `${name}.elf`);
  const r = spawnSync('arm-none-eabi-gcc', ['-O1', '-mcpu=arm926ej-s', '-nostdlib', '-ffreestanding', '-Wl,-Ttext=0x10000', '-Wl,-e,_start',
    ...extraFlags, '-o', out, ...paths], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`arm-none-eabi-gcc failed: ${r.stderr}`);
  return out;
}

/** A semihosting program in assembly: `body` runs in SVC mode; `exit` leaves with SYS_EXIT_EXTENDED r4. */
export const SEMIHOST_ASM_PRELUDE = `
	.syntax unified
	.arm
	.global _start
	.macro SH op, arg
	mov r0, #\\op
	ldr r1, =\\arg
	svc 0x123456
	.endm
`;

/** Hello world: opens ":tt" for writing, SYS_WRITEs a line, a line on UART0, exits with status `code`. */
export function helloSource(code: number): string {
  return `${SEMIHOST_ASM_PRELUDE}
_start:
	ldr sp, =0x100000
	SH 0x01, open_blk        @ SYS_OPEN(":tt", "w")
	ldr r1, =write_blk
	str r0, [r1]
	SH 0x05, write_blk       @ SYS_WRITE
	ldr r2, =0x101f1000      @ PL011 UART0
	ldr r3, =uart_msg
1:	ldrb r0, [r3], #1
	cmp r0, #0
	beq 2f
3:	ldr r1, [r2, #0x18]      @ UARTFR
	tst r1, #0x20            @ TXFF
	bne 3b
	str r0, [r2]
	b 1b
2:	SH 0x20, exit_blk        @ SYS_EXIT_EXTENDED
4:	b 4b
	.ltorg
	.data
open_blk:	.word tt, 4, 3
write_blk:	.word 0, msg, msg_end - msg
exit_blk:	.word 0x20026, ${code}
tt:	.asciz ":tt"
msg:	.ascii "Hello, semihosting world!\\n"
msg_end:
uart_msg:	.asciz "Hello from UART0\\n"
`;
}
