// `--target bare`: random register reads and writes (sizes 1, 2 and 4) to every device of the
// Versatile PB (the addresses of boards/versatilepb/machine.ts, plus unassigned space), as a
// generated bare-metal program (assembled with arm-none-eabi-as) run under dynwasm-system-arm
// in both engines. Reads of registers that do not depend on time are folded into a checksum
// printed through semihosting every 16 accesses; UART writes print bytes. Failures: a stack
// trace or internal error, a host crash, a hang qemu-system-arm does not have, a difference
// between the engines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSATILEPB_DEVICES } from '../../dist/boards/versatilepb/machine.js';
import { ROOT, SYSTEM, engineDifference, ending, hostFailure, mulberry32, q, rel, run, writeFailure } from './common.mjs';

const ACCESSES = 300;
const TIMEOUT_MS = 15_000;

/** Registers whose reads depend on time, by device name (boards/versatilepb/machine.ts's map). */
const TIMED = {
  sysctl: (o) => o === 0x24 || o === 0x5c,
  sic: (o) => o < 0x10,
  vic: (o) => o < 0x10 || o === 0x30,
  timer01: () => true,
  timer23: () => true,
  rtc: () => true,
};

/** The board's devices, from its device map, plus unassigned space. */
const DEVICES = [
  ...Object.entries(VERSATILEPB_DEVICES).map(([name, base]) => ({ name, base, timed: TIMED[name] })),
  // Unassigned (reads zero, writes ignored, as QEMU's versatilepb): unmodelled PrimeCells, flash.
  { name: 'dma', base: 0x10130000 },
  { name: 'gpio0', base: 0x101e4000 },
  { name: 'flash', base: 0x34000000 },
  { name: 'hole', base: 0x20000000 },
];

function offset(rnd) {
  const k = rnd() % 8;
  if (k < 4) return (rnd() % 0x48) & ~3;
  if (k === 4) return 0xfe0 + ((rnd() % 8) << 2);          // PrimeCell ID registers
  if (k === 5) return (0x100 + (rnd() % 0x140)) & ~3;      // VIC vector registers and the like
  return (rnd() % 0x1000) & ~3;
}

function value(rnd) {
  const c = [0, 1, 0xffffffff, 0x80, 0xff, 0xa05f, 0x1, 0x3, 0xe2, 0x301, rnd(), rnd() & 0xff, rnd() & 0xffff, 1 << (rnd() % 32)];
  return c[rnd() % c.length] >>> 0;
}

/** The accesses of program `seed`: a prefix of them is a program too (for minimising). */
export function accesses(seed, n = ACCESSES) {
  const rnd = mulberry32(seed);
  const list = [];
  for (let i = 0; i < n; i++) {
    const d = DEVICES[rnd() % DEVICES.length];
    const size = [1, 2, 4][rnd() % 3];
    let off = offset(rnd) & ~(size - 1);
    if (size < 4 && rnd() % 4 === 0) off += (rnd() % 4) & ~(size - 1); // sub-word lanes
    const write = rnd() % 2 === 0;
    list.push({ dev: d.name, addr: (d.base + off) >>> 0, size, write, value: write ? value(rnd) : 0, timed: !write && !!d.timed?.(off & ~3) });
  }
  return list;
}

export function source(list) {
  const L = [];
  L.push('.syntax unified', '.arm', '.global _start', '.text', '_start:', '  ldr sp, =0x80000', '  mov r8, #0');
  list.forEach((a, i) => {
    L.push(`  @ ${i}: ${a.dev} ${a.write ? 'write' : 'read'}${a.size} 0x${a.addr.toString(16)}${a.write ? ` = 0x${a.value.toString(16)}` : ''}`);
    L.push(`  ldr r1, =0x${a.addr.toString(16)}`);
    const suf = a.size === 1 ? 'b' : a.size === 2 ? 'h' : '';
    if (a.write) {
      L.push(`  ldr r2, =0x${a.value.toString(16)}`, `  str${suf} r2, [r1]`);
    } else {
      L.push(`  ldr${suf} r0, [r1]`);
      if (!a.timed) L.push('  eor r8, r0, r8, ror #5', '  add r8, r8, #1');
    }
    if (i % 16 === 15) L.push('  bl print');
    if (i % 64 === 63) L.push('  b 1f', '  .ltorg', '1:');
  });
  L.push('  bl print', '  mov r0, #0x18', '  ldr r1, =0x20026', '  svc 0x123456', '  b .',
    // print: r8 as 8 hex digits and a newline, with SYS_WRITE0.
    'print:', '  adr r1, buf', '  mov r3, #28',
    '2:', '  mov r0, r8, lsr r3', '  and r0, r0, #15', '  cmp r0, #10', '  addlo r0, r0, #48', '  addhs r0, r0, #87',
    '  strb r0, [r1], #1', '  subs r3, r3, #4', '  bpl 2b', '  mov r0, #10', '  strb r0, [r1], #1', '  mov r0, #0', '  strb r0, [r1]',
    '  adr r1, buf', '  mov r0, #4', '  svc 0x123456', '  bx lr', '.ltorg', 'buf: .space 16', '');
  return L.join('\n');
}

export function build(list, dir) {
  writeFileSync(join(dir, 'prog.S'), source(list));
  execFileSync('arm-none-eabi-as', ['-mcpu=arm926ej-s', '-o', join(dir, 'prog.o'), join(dir, 'prog.S')], { stdio: 'pipe' });
  execFileSync('arm-none-eabi-ld', ['-Ttext', '0x10000', '-e', '_start', '-o', join(dir, 'prog.elf'), join(dir, 'prog.o')], { stdio: 'pipe' });
  return join(dir, 'prog.elf');
}

const args = (elf, engine) => [SYSTEM, '-M', 'versatilepb', '-kernel', elf, '-nographic', '-semihosting', '-accel', engine];

async function check(list, dir) {
  const elf = build(list, dir);
  const jit = await run(process.execPath, args(elf, 'jit'), { cwd: dir, timeoutMs: TIMEOUT_MS });
  let bad = hostFailure(jit);
  if (bad) return { kind: bad, message: `${bad} (JIT, ${ending(jit)}): ${jit.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  const interp = await run(process.execPath, args(elf, 'interp'), { cwd: dir, timeoutMs: TIMEOUT_MS });
  bad = hostFailure(interp);
  if (bad) return { kind: bad, message: `${bad} (interpreter, ${ending(interp)}): ${interp.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  if (jit.timedOut || interp.timedOut) {
    const ref = await run('qemu-system-arm', ['-M', 'versatilepb', '-kernel', elf, '-nographic', '-semihosting', '-monitor', 'none'], { cwd: dir, timeoutMs: TIMEOUT_MS });
    if (!ref.timedOut) return { kind: 'hang', message: `${jit.timedOut ? 'JIT' : 'interpreter'} hangs where qemu-system-arm ends: ${ending(ref)}` };
    return undefined;
  }
  const diff = engineDifference(jit, interp, { stderr: true });
  if (diff) return { kind: 'engine difference', message: diff };
  return undefined;
}

export async function fuzzBare({ seed, deadline, progress, maxCases = Infinity }) {
  const rnd = mulberry32(seed);
  const work = mkdtempSync(join(tmpdir(), 'dynwasm-fuzz-bare-'));
  let total = 0;
  progress.extra = () => `${total} device accesses per engine`;
  try {
    while (Date.now() < deadline && progress.cases < maxCases) {
      const s = rnd();
      const list = accesses(s);
      const f = await check(list, work);
      progress.cases++;
      total += list.length;
      if (!f) { progress.tick(); continue; }
      let lo = 1, hi = list.length; // the shortest prefix that fails the same way
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const g = await check(list.slice(0, mid), work);
        if (g && g.kind === f.kind) hi = mid; else lo = mid + 1;
      }
      const minimal = list.slice(0, hi);
      const final = (await check(minimal, work)) ?? f;
      const name = `seed-${s}-${hi}`;
      const dir = join(ROOT, 'build/fuzz/failures/bare', name);
      const out = writeFailure('bare', name, {
        replay: ['node', rel(SYSTEM), ...args(join(rel(dir), 'prog.elf'), 'jit').slice(1)].map(q).join(' '),
        what: `dynwasm-system-arm, ${hi} device accesses: ${final.message}`,
        details: `prog.S is the program (its comments list the accesses); -accel interp for the interpreter.\nfuzzer: npm run fuzz -- --target bare --seed ${seed}`,
      });
      build(minimal, out);
      progress.fail(final.message, out);
      progress.tick();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
