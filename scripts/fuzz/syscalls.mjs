// `--target syscalls`: test/fuzz/syscall-fuzz.c (raw `svc 0` calls with wild arguments from a
// seeded PRNG, over a safe list, in a throwaway directory under /tmp) under dynwasm-arm in
// both engines. Failures: a stack trace or internal error, a host crash, a hang at a call that
// qemu-arm completes, or a difference between the engines' outputs (one line per call with its
// result) or exit statuses.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, USER, engineDifference, ending, hostFailure, mulberry32, q, run, writeFailure } from './common.mjs';

const SRC = join(ROOT, 'test/fuzz/syscall-fuzz.c');
export const PROGRAM = join(ROOT, 'build/fuzz/syscall-fuzz');
const CALLS = 400;
const TIMEOUT_MS = 10_000;
const LONG_TIMEOUT_MS = 6 * TIMEOUT_MS;

/** Build the fuzz program (static armel, like scripts/build-linux-programs.sh) if it is stale. */
export function buildSyscallFuzz() {
  if (existsSync(PROGRAM) && statSync(PROGRAM).mtimeMs >= statSync(SRC).mtimeMs) return;
  mkdirSync(join(ROOT, 'build/fuzz'), { recursive: true });
  const cc = process.env.ARM_LINUX_CC ?? 'arm-linux-gnueabi-gcc';
  execFileSync(cc, ['-O2', '-static', '-marm', '-Wall', '-Wextra', '-Wno-missing-field-initializers', '-o', PROGRAM, SRC], { stdio: 'inherit' });
}

async function inTemp(cmd, args, timeoutMs) {
  const dir = mkdtempSync('/tmp/dynwasm-fuzz-sys-');
  try {
    return await run(cmd, args, { cwd: dir, timeoutMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (r) => r.stdout.split('\n').filter((l) => /^\d+ /.test(l));

async function check(seed, count) {
  const args = (engine) => [USER, '-accel', engine, PROGRAM, String(seed), String(count)];
  const jit = await inTemp(process.execPath, args('jit'), TIMEOUT_MS);
  let bad = hostFailure(jit);
  if (bad) return { kind: bad, message: `${bad} (JIT, ${ending(jit)}): ${jit.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  const interp = await inTemp(process.execPath, args('interp'), TIMEOUT_MS * 2);
  bad = hostFailure(interp);
  if (bad) return { kind: bad, message: `${bad} (interpreter, ${ending(interp)}): ${interp.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  for (const [r, engine] of [[jit, 'JIT'], [interp, 'interpreter']]) {
    if (!r.timedOut) continue;
    // Hung at call n: does qemu-arm complete it? (The guest's own 300 ms timer should end
    // every blocking call; qemu-arm itself crashes on a few wild calls, which proves nothing.)
    const n = lines(r).length;
    const ref = await inTemp('qemu-arm', [PROGRAM, String(seed), String(n + 1)], TIMEOUT_MS);
    if (ref.timedOut || lines(ref).length <= n) return undefined;
    // Slow is not hung: on a loaded machine a run can pass the timeout, so the calls up to
    // that one get much longer before it counts as a hang.
    const again = await inTemp(process.execPath, [USER, '-accel', engine === 'JIT' ? 'jit' : 'interp', PROGRAM, String(seed), String(n + 1)], LONG_TIMEOUT_MS);
    if (again.timedOut) return { kind: 'hang', at: n, message: `${engine} hangs at call ${n} (${lines(ref)[n]} under qemu-arm)` };
    return undefined;
  }
  const diff = engineDifference(jit, interp);
  if (diff) return { kind: 'engine difference', message: diff };
  return undefined;
}

export async function fuzzSyscalls({ seed, deadline, progress, maxCases = Infinity }) {
  buildSyscallFuzz();
  const rnd = mulberry32(seed);
  let calls = 0;
  progress.extra = () => `${calls} system calls per engine`;
  while (Date.now() < deadline && progress.cases < maxCases) {
    const s = rnd();
    const f = await check(s, CALLS);
    progress.cases++;
    calls += CALLS;
    if (!f) { progress.tick(); continue; }
    // Minimise: the smallest number of calls that still fails the same way.
    // (A hang says where: the call it hung in.)
    let lo = 1, hi = f.kind === 'hang' ? f.at + 1 : CALLS;
    while (lo < hi && f.kind !== 'hang') {
      const mid = (lo + hi) >>> 1;
      const g = await check(s, mid);
      if (g && g.kind === f.kind) hi = mid; else lo = mid + 1;
    }
    const final = (await check(s, hi)) ?? f;
    const name = `seed-${s}`;
    const dir = join(ROOT, 'build/fuzz/failures/syscalls', name);
    const replay = `d=$(mktemp -d /tmp/dynwasm-fuzz-XXXXXX) && cd "$d" && node ${q(USER)} -strace -accel jit ${q(join(dir, 'syscall-fuzz'))} ${s} ${hi}`;
    const out = writeFailure('syscalls', name, {
      replay,
      what: `dynwasm-arm syscall-fuzz ${s} ${hi}: ${final.message}`,
      details: `-accel interp for the interpreter; qemu-arm ${join(dir, 'syscall-fuzz')} ${s} ${hi} for the reference.\nfuzzer: npm run fuzz -- --target syscalls --seed ${seed}`,
    });
    copyFileSync(PROGRAM, join(out, 'syscall-fuzz'));
    progress.fail(final.message, out);
    progress.tick();
  }
}
