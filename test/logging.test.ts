/**
 * QEMU-style logging (-d in_asm,op,out_asm,exec,int -D file): each item writes what it names,
 * checked on a test program that takes exceptions, in both engines where the item applies.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ELF = join(process.cwd(), 'test/arm-programs/build/exceptions.elf');
const BIN = join(process.cwd(), 'bin/dynwasm-system-arm.js');

function runLogged(items: string, accel: string): { status: number | null; log: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'dynwasm-log-')), 'log.txt');
  const r = spawnSync(process.execPath, [BIN, '-M', 'versatilepb', '-nographic', '-semihosting', '-kernel', ELF,
    '-accel', accel, '-d', items, '-D', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, log: readFileSync(file, 'utf8') };
}

for (const accel of ['jit', 'interp']) {
  test(`-d in_asm,op,int,exec (${accel})`, (t) => {
    const { status, log } = runLogged('in_asm,op,int,exec', accel);
    t.is(status, 0);
    // The ELF's first block, disassembled as objdump would, and its micro-ops.
    t.regex(log, /IN:\n0x00010000: {2}e321f0d2 {6}msr CPSR_c, #210/);
    t.regex(log, /OP: \(block at 0x00010000, \d+ ops\)\n movl_T0_im 0xd2\n msr_T0 0x1, 0x0/);
    // Every exception class the program provokes is logged with its pc.
    for (const name of ['undefined instruction', 'swi', 'bkpt']) t.regex(log, new RegExp(`Taking exception \\d \\[${name}\\] at pc 0x[0-9a-f]{8}`));
    t.regex(log, /Trace: \[00010000\] 1 insns/);
  });
}

test('-d out_asm prints the WebAssembly of each compiled block (jit)', (t) => {
  // hot=0: every block is compiled when first translated (by default only hot blocks are).
  const { status, log } = runLogged('out_asm', 'jit,hot=0');
  t.is(status, 0);
  t.regex(log, /OUT: module of \d+ block\(s\), \d+ bytes\n;; region of \d+ block\(s\): 0x00010000[^\n]*\n {2}global\.get 0\n/);
  t.regex(log, /call_indirect/);
});
