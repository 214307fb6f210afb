/**
 * The bare-metal test programs (test/arm-programs/, built by scripts/build-arm-programs.sh)
 * run under Debian's qemu-system-arm -M versatilepb -semihosting, the reference, and under
 * dynwasm-system-arm in both engines: stdout, stderr (semihosting's console) and the exit
 * status must be the same. The programs also check themselves and print PASS.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, TOOLS } from './support/tools.js';

const run = promisify(execFile);
const ROOT = process.cwd();
const BUILD = join(ROOT, 'test/arm-programs/build');
const MANIFEST = join(BUILD, 'manifest.json');
const BIN = join(ROOT, 'bin/dynwasm-system-arm.js');

interface Outcome { stdout: string; stderr: string; status: number }

async function outcome(cmd: string, args: string[]): Promise<Outcome> {
  try {
    const r = await run(cmd, args, { encoding: 'latin1', timeout: 120_000, maxBuffer: 64 << 20 });
    return { stdout: r.stdout, stderr: r.stderr, status: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof err.code !== 'number') throw e;
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', status: err.code };
  }
}

/**
 * qemu's stdio character device makes its stdout non-blocking; when the pipe to a busy test
 * process fills, qemu drops output. A regular file never does, so the reference writes to one.
 */
async function qemuOutcome(args: string[]): Promise<Outcome> {
  requireTool(TOOLS.qemuSystemArm); // a clear message rather than spawn's ENOENT
  const file = join(mkdtempSync(join(tmpdir(), 'dynwasm-qemu-')), 'stdout');
  const fd = openSync(file, 'w');
  const child = spawn('qemu-system-arm', args, { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  closeSync(fd);
  let stderr = '';
  child.stderr!.setEncoding('latin1');
  child.stderr!.on('data', (d: string) => { stderr += d; });
  const status = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error('qemu-system-arm timed out')); }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve(code ?? -1); });
  });
  return { stdout: readFileSync(file, 'latin1'), stderr, status };
}

/** qemu's own chatter about audio back-ends is not the guest's output. */
function guestStderr(s: string): string {
  return s.split('\n').filter((l) => !/^(qemu: module audio|ALSA lib|alsa:|audio:)/.test(l)).join('\n');
}

const programs: string[] = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')).programs : [];

test('the test programs are built', (t) => {
  t.true(programs.length >= 20, `expected the programs of scripts/build-arm-programs.sh in ${MANIFEST}`);
});

let passed = 0;
for (const elf of programs) {
  test(`${elf}: same output and exit status as qemu-system-arm, in both engines`, async (t) => {
    const path = join(BUILD, elf);
    const flags = ['-M', 'versatilepb', '-m', '128M', '-nographic', '-semihosting', '-kernel', path];
    const [ref, jit, interp] = await Promise.all([
      qemuOutcome(flags),
      outcome(process.execPath, [BIN, ...flags, '-accel', 'jit']),
      outcome(process.execPath, [BIN, ...flags, '-accel', 'interp']),
    ]);
    const expected = { stdout: ref.stdout, stderr: guestStderr(ref.stderr), status: ref.status };
    t.true(ref.stdout.includes('PASS'), `the reference run of ${elf} does not pass: ${ref.stdout.slice(-300)}`);
    t.deepEqual(jit, expected, 'jit');
    t.deepEqual(interp, expected, 'interp');
    passed++;
  });
}

test.after.always('summary', () => {
  if (programs.length) console.log(`  test programs matching qemu-system-arm in both engines: ${passed} of ${programs.length}`);
});
