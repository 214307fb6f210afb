// The fuzzers' shared part: running an emulator with a timeout, deciding what is a failure,
// writing reproducers, progress lines, the PRNG.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FAILURES = join(ROOT, 'build/fuzz/failures');
export const USER = join(ROOT, 'bin/dynwasm-arm.js');
export const SYSTEM = join(ROOT, 'bin/dynwasm-system-arm.js');
export const rel = (p) => relative(process.cwd(), p) || '.';

/** mulberry32, as test/support/arm-random.ts and test/fuzz/syscall-fuzz.c. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Run a command with a timeout; the child gets its own process group, which is killed
 * (SIGKILL) at the timeout, so forked emulators go too. Output is kept up to `limit` bytes.
 */
export function run(cmd, args, { cwd, timeoutMs = 10_000, env, limit = 1 << 20 } = {}) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = [], err = [];
    let outN = 0, errN = 0, timedOut = false;
    child.stdout.on('data', (b) => { if (outN < limit) { out.push(b); outN += b.length; } });
    child.stderr.on('data', (b) => { if (errN < limit) { err.push(b); errN += b.length; } });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      // Whatever the emulator forked and left behind goes with its group.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      done({ status, signal, timedOut, ms: Date.now() - t0,
        stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ status: null, signal: null, timedOut: false, ms: Date.now() - t0, stdout: '', stderr: `spawn failed: ${e.message}` });
    });
  });
}

const CORE_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT', 'SIGFPE', 'SIGTRAP', 'SIGSYS']);

/**
 * What is wrong with one emulator run, whatever the guest did: a Node stack trace or
 * "internal error" on stderr, or a host crash (a core-dumping signal without qemu's
 * `uncaught target signal` line that says the guest died of it). Timeouts are judged by the
 * caller, against qemu.
 */
export function hostFailure(r) {
  const e = r.stderr;
  if (/internal error/i.test(e)) return 'internal error';
  if (/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m.test(e)) return 'stack trace';
  if (/\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError|FATAL ERROR|heap out of memory)\b/.test(e)) return 'JavaScript error';
  if (/node:internal|Error \[ERR_/.test(e)) return 'Node error';
  if (r.signal && CORE_SIGNALS.has(r.signal) && !/uncaught target signal/.test(e)) return `host crash (${r.signal})`;
  if (r.status === null && !r.signal && !r.timedOut) return 'spawn failed';
  return undefined;
}

/** How a run ended, for messages: "exit 0", "signal SIGSEGV", "timeout after 10000 ms". */
export function ending(r) {
  if (r.timedOut) return `timeout after ${r.ms} ms`;
  return r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
}

/**
 * Two runs' differences that count between JIT and interpreter: stdout, the ending, and stderr
 * too with `stderr` (semihosting's console writes go there).
 */
export function engineDifference(jit, interp, { stderr = false } = {}) {
  if (jit.timedOut || interp.timedOut) return undefined; // judged separately
  if (ending(jit) !== ending(interp)) return `JIT ${ending(jit)}, interpreter ${ending(interp)}`;
  for (const stream of stderr ? ['stdout', 'stderr'] : ['stdout']) {
    if (jit[stream] === interp[stream]) continue;
    const a = jit[stream].split('\n'), b = interp[stream].split('\n');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return `${stream} differs at line ${i + 1}: JIT ${JSON.stringify(a[i]?.slice(0, 200))}, interpreter ${JSON.stringify(b[i]?.slice(0, 200))}`;
  }
  return undefined;
}

/** Shell-quote one word. */
export const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);

/**
 * Write a failure: the reproducer files, `replay.sh` with the exact command, and `README`
 * with what went wrong. Returns the directory.
 */
export function writeFailure(target, name, { files = {}, replay, what, details = '' }) {
  const dir = join(FAILURES, target, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data);
  writeFileSync(join(dir, 'replay.sh'), `#!/bin/sh\n# ${what}\ncd ${q(ROOT)} || exit 1\n${replay}\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'README'), `${what}\n\nreplay: ${replay}\n\n${details}\n`);
  return dir;
}

/** Progress printing: at most every `everyMs`, plus a final line. */
export class Progress {
  constructor(target, everyMs = 3000) {
    this.target = target;
    this.every = everyMs;
    this.t0 = Date.now();
    this.last = this.t0;
    this.cases = 0;
    this.failures = 0;
    this.extra = () => '';
  }
  line() {
    const s = ((Date.now() - this.t0) / 1000).toFixed(0);
    const x = this.extra();
    return `[${this.target}] ${s} s: ${this.cases} cases, ${this.failures} failures${x ? `, ${x}` : ''}`;
  }
  tick(force = false) {
    const now = Date.now();
    if (force || now - this.last >= this.every) {
      this.last = now;
      console.log(this.line());
    }
  }
  fail(message, dir) {
    this.failures++;
    console.log(`[${this.target}] FAILURE: ${message}\n  reproducer: ${rel(dir)} (replay: ${rel(join(dir, 'replay.sh'))})`);
  }
}
