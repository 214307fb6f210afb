/**
 * Instruction-level lockstep against the reference: each program runs one instruction per
 * block (`-singlestep`) with the register dump before every block (`-d cpu`) under Debian's
 * `qemu-system-arm -singlestep -d cpu,nochain` and under dynwasm-system-arm in both engines.
 * The two logs — all 16 registers and the CPSR after every guest instruction — must be
 * identical, byte for byte. This checks far more than the programs' printed output: every
 * intermediate result, flag, mode switch and exception entry.
 *
 * qemu's log goes to a temporary file; ours streams through a pipe (-D /dev/fd/3) and is
 * compared as it comes, so a run costs one log's worth of disk and little memory.
 * Programs whose interrupts come from host-timed devices are left out (their interleaving
 * depends on host speed), and so are the longest ones (millions of steps, logs of gigabytes).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { requireTool, TOOLS } from './support/tools.js';

const BUILD = join(process.cwd(), 'test/arm-programs/build');
const BIN = join(process.cwd(), 'bin/dynwasm-system-arm.js');
const PROGRAMS = [
  'hello-arm', 'hello-thumb', 'cond', 'ldst', 'branch', 'psr', 'exceptions', 'smc-arm', 'smc-thumb', 'pagecross', 'mmu',
  'cp15', 'uart-arm', 'uart-thumb', 'manyfuncs-arm', 'manyfuncs-thumb', 'recursion-arm', 'recursion-thumb', 'crc32-arm',
  'mul', 'thumb1',
];
const TIMEOUT_MS = 300_000;

function qemu(args: string[]): Promise<number> {
  requireTool(TOOLS.qemuSystemArm); // a clear message rather than spawn's ENOENT
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-arm', args, { stdio: 'ignore', env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
    const timer = setTimeout(() => { child.kill(); reject(new Error('qemu-system-arm timed out')); }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve(code ?? -1); });
  });
}

/** Lines [from, from + n) of the reference log file, for a failure report. */
function refLines(fd: number, lineFrom: number, n: number): string[] {
  const out: string[] = [];
  const buf = Buffer.alloc(1 << 20);
  let line = 0, partial = '', pos = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, pos);
    if (got === 0) break;
    pos += got;
    const parts = (partial + buf.toString('latin1', 0, got)).split('\n');
    partial = parts.pop()!;
    for (const p of parts) { if (line >= lineFrom && line < lineFrom + n) out.push(p); line++; }
    if (line >= lineFrom + n) break;
  }
  return out;
}

/**
 * Compare a stream with a file as the stream arrives: the number of steps (5-line register
 * dumps) compared, and the first differing step with both dumps, if any.
 */
async function compareWithFile(stream: Readable, file: string): Promise<{ steps: number; diff?: string }> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let offset = 0, lines = 0, tail = Buffer.alloc(0);
    let diff: string | undefined;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (diff) continue; // drain, so that the child can finish
      const ref = Buffer.alloc(chunk.length);
      const got = readSync(fd, ref, 0, chunk.length, offset);
      let k = 0;
      while (k < chunk.length && k < got && ref[k] === chunk[k]) k++;
      if (k === chunk.length) {
        for (const b of chunk) if (b === 10) lines++;
        offset += chunk.length;
        tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 512)));
        continue;
      }
      // A difference at byte k of this chunk: show the step it is in, from both logs.
      for (let j = 0; j < k; j++) if (chunk[j] === 10) lines++;
      const step = Math.floor(lines / 5);
      const context = Buffer.concat([tail, chunk]).toString('latin1');
      const at = tail.length + k;
      const from = context.lastIndexOf('R00=', at);
      const oursDump = context.slice(from < 0 ? 0 : from).split('\n').slice(0, 5);
      diff = `step ${step} (log line ${lines + 1}) differs\n  ours:\n    ${oursDump.join('\n    ')}\n  qemu:\n    ${refLines(fd, step * 5, 5).join('\n    ')}`;
    }
    if (!diff && offset !== size) diff = `our log ends at byte ${offset}, qemu's at byte ${size} (step ${Math.floor(lines / 5)})`;
    return { steps: Math.floor(lines / 5), diff };
  } finally {
    closeSync(fd);
  }
}

function ours(args: string[], refLog: string): Promise<{ steps: number; diff?: string }> {
  const child = spawn(process.execPath, [BIN, ...args, '-D', '/dev/fd/3'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
  const closed = new Promise<void>((resolve) => child.on('close', () => { clearTimeout(timer); resolve(); }));
  return compareWithFile(child.stdio[3] as Readable, refLog).finally(() => closed);
}

for (const name of PROGRAMS) {
  test(`${name}: every instruction's registers and CPSR match qemu-system-arm's, in both engines`, async (t) => {
    const elf = join(BUILD, `${name}.elf`);
    t.true(existsSync(elf), `${elf} is built by scripts/build-arm-programs.sh`);
    const dir = mkdtempSync(join(tmpdir(), 'dynwasm-lockstep-'));
    try {
      const flags = ['-M', 'versatilepb', '-m', '128M', '-nographic', '-semihosting', '-kernel', elf, '-singlestep'];
      const refLog = join(dir, 'qemu.log');
      await qemu([...flags, '-d', 'cpu,nochain', '-D', refLog]);
      t.true(statSync(refLog).size > 0, 'qemu wrote its log');
      let steps = 0;
      for (const accel of ['jit', 'interp']) {
        const r = await ours([...flags, '-accel', accel, '-d', 'cpu'], refLog);
        if (r.diff) t.fail(`${accel}: ${r.diff}`);
        steps = r.steps;
      }
      t.log(`${steps} instructions in lockstep`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
