/**
 * Instruction-level lockstep against the reference: each program runs one instruction per
 * block (`-singlestep`) with the register dump before every block (`-d cpu`) under Debian's
 * `qemu-system-arm -singlestep -d cpu,nochain` and under dynwasm-system-arm in both engines.
 * The two logs — all 16 registers and the CPSR after every guest instruction — must be
 * identical, byte for byte. This checks far more than the programs' printed output: every
 * intermediate result, flag, mode switch and exception entry.
 *
 * Programs whose interrupts come from host-timed devices are left out (their interleaving
 * depends on host speed), and so are the longest ones (tens of millions of steps).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUILD = join(process.cwd(), 'test/arm-programs/build');
const BIN = join(process.cwd(), 'bin/dynwasm-system-arm.js');
const PROGRAMS = [
  'hello-arm', 'hello-thumb', 'cond', 'ldst', 'branch', 'psr', 'exceptions', 'smc-arm', 'smc-thumb', 'pagecross',
  'cp15', 'uart-arm', 'uart-thumb', 'manyfuncs-arm', 'manyfuncs-thumb', 'recursion-arm', 'recursion-thumb', 'crc32-arm',
];

function exec(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${cmd} timed out`)); }, 300_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve(code ?? -1); });
  });
}

/** The first step where two -d cpu logs differ, shown as both register dumps. */
function firstDifference(ours: string, ref: string): string | undefined {
  if (ours === ref) return undefined;
  const a = ours.split('\n'), b = ref.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const step = Math.floor(i / 5), from = step * 5;
    return `step ${step} (log line ${i + 1}) differs\n  ours:\n    ${a.slice(from, from + 5).join('\n    ')}\n  qemu:\n    ${b.slice(from, from + 5).join('\n    ')}`;
  }
  return 'the logs differ';
}

for (const name of PROGRAMS) {
  test(`${name}: every instruction's registers and CPSR match qemu-system-arm's, in both engines`, async (t) => {
    const elf = join(BUILD, `${name}.elf`);
    t.true(existsSync(elf), `${elf} is built by scripts/build-arm-programs.sh`);
    const dir = mkdtempSync(join(tmpdir(), 'dynwasm-lockstep-'));
    try {
      const flags = ['-M', 'versatilepb', '-m', '128M', '-nographic', '-semihosting', '-kernel', elf, '-singlestep'];
      const refLog = join(dir, 'qemu.log');
      await exec('qemu-system-arm', [...flags, '-d', 'cpu,nochain', '-D', refLog], { QEMU_AUDIO_DRV: 'none' });
      const ref = readFileSync(refLog, 'latin1');
      t.true(ref.length > 0, 'qemu wrote its log');
      for (const accel of ['jit', 'interp']) {
        const log = join(dir, `${accel}.log`);
        await exec(process.execPath, [BIN, ...flags, '-accel', accel, '-d', 'cpu', '-D', log]);
        const diff = firstDifference(readFileSync(log, 'latin1'), ref);
        if (diff) t.fail(`${accel}: ${diff}`);
      }
      t.log(`${ref.split('\n').length / 5 | 0} instructions in lockstep`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
