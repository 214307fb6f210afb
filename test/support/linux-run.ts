/**
 * Running Linux user-mode programs for the tests: natively, under Debian's qemu-arm (the
 * reference) and under dynwasm-arm (bin/dynwasm-arm.js) in either engine, each in a fresh
 * temporary directory, with stdout and stderr captured through regular files (qemu-arm was seen
 * dropping output written to non-blocking pipes) and the way the process ended: its exit status
 * or the signal that killed it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool, TOOLS, which } from './tools.js';

export const ROOT = process.cwd();
export const PROGRAMS_DIR = join(ROOT, 'build/linux-programs');
export const BUSYBOX = join(ROOT, 'build/busybox/bin/busybox');
/** The same busybox package for the host's architecture: the reference of the busybox tests. */
/** Debian's i386 busybox-static of the same version: the guest of test/i386-busybox.test.ts. */
export const BUSYBOX_I386 = join(ROOT, 'build/busybox-i386/bin/busybox');
export const NATIVE_BUSYBOX = join(ROOT, 'build/busybox-native/bin/busybox');
export const DYNWASM_ARM = join(ROOT, 'bin/dynwasm-arm.js');
export const DYNWASM_I386 = join(ROOT, 'bin/dynwasm-i386.js');
/** The armel C library's root, given to qemu-arm and dynwasm-arm with -L for dynamic programs. */
export const ARMEL_SYSROOT = '/usr/arm-linux-gnueabi';
export const ENGINES = ['jit', 'interp'] as const;
export type Engine = (typeof ENGINES)[number];

export { INSTALL_HINT, which } from './tools.js';

/** How a run ended, and what it printed. */
export interface Outcome {
  stdout: string;
  stderr: string;
  /** The exit status, or null when killed by a signal. */
  status: number | null;
  /** The signal that killed it ('SIGSEGV'), or null. */
  signal: string | null;
}

export interface RunOptions {
  /** The working directory; a fresh temporary directory when not given. */
  cwd?: string;
  /** The whole environment of the process (default: a small fixed one, see baseEnv). */
  env?: NodeJS.ProcessEnv;
  /** A file for stdin (default /dev/null). */
  stdinFile?: string;
  /** Milliseconds before the run is killed and the test fails (default 120 s). */
  timeout?: number;
}

/**
 * The emulators' persistent translation cache during a test file's runs: one directory of its
 * own, so that its runs share it (the first run of a program fills it, the others take from
 * it, concurrent runs write it at once) and nothing of the user's cache is used or changed.
 */
export const TEST_CACHE_DIR = mkdtempSync(join(tmpdir(), 'dynwasm-tcache-'));
process.on('exit', () => rmSync(TEST_CACHE_DIR, { recursive: true, force: true }));

/** A fixed environment, so that the guests see the same one under every runner. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: '/nonexistent', DYNWASM_CACHE_DIR: TEST_CACHE_DIR, ...extra };
}

export const QEMU_ARM = which(TOOLS.qemuArm.command);
export const QEMU_I386 = which(TOOLS.qemuI386.command);

/** The guest architecture a program is for: which qemu-user and which dynwasm emulator run it. */
export type Guest = 'arm' | 'i386';

/** A fresh temporary directory. */
export function freshDir(prefix = 'dynwasm-linux-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A small semaphore: at most `n` runs at once, so that a file's many tests do not swamp the
 * machine's 2 cores (the time-sensitive programs must not starve).
 */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** Run `cmd args` to the end; stdout and stderr go through files. Rejects only when it cannot start. */
export async function runProcess(cmd: string, args: string[], options: RunOptions = {}): Promise<Outcome> {
  const cwd = options.cwd ?? freshDir();
  const io = mkdtempSync(join(tmpdir(), 'dynwasm-io-'));
  const outFile = join(io, 'stdout');
  const errFile = join(io, 'stderr');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const inp = openSync(options.stdinFile ?? '/dev/null', 'r');
  let child;
  try {
    // Its own process group, so that a run that hangs is killed with all its descendants.
    child = spawn(cmd, args, { cwd, env: options.env ?? baseEnv(), stdio: [inp, out, err], detached: true });
  } finally {
    closeSync(out);
    closeSync(err);
    closeSync(inp);
  }
  const timeout = options.timeout ?? 120_000;
  let timedOut = false;
  const end = await new Promise<{ status: number | null; signal: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (status, signal) => { clearTimeout(timer); resolve({ status, signal }); });
  });
  // A run that timed out ends as killed by SIGKILL, with a note on stderr, so that the test
  // shows what it printed until then.
  const note = timedOut ? `\n[${cmd} ${args.join(' ')}: timed out after ${timeout} ms and was killed]\n` : '';
  const result = { stdout: readFileSync(outFile, 'latin1'), stderr: readFileSync(errFile, 'latin1') + note, ...end };
  rmSync(io, { recursive: true, force: true });
  return result;
}

/** The command line that runs a Linux program (ARM unless `guest` says otherwise) under a runner. */
export type Runner = 'native' | 'qemu' | Engine;

export function commandFor(runner: Runner, program: string, args: string[], sysroot?: string, guest: Guest = 'arm'): [string, string[]] {
  const L = sysroot ? ['-L', sysroot] : [];
  switch (runner) {
    case 'native': return [program, args];
    case 'qemu': return guest === 'arm' ? [QEMU_ARM ?? 'qemu-arm', [...L, program, ...args]] : [QEMU_I386 ?? 'qemu-i386', [...L, program, ...args]];
    default: return [process.execPath, [guest === 'arm' ? DYNWASM_ARM : DYNWASM_I386, '-accel', runner, ...L, program, ...args]];
  }
}

/** Run a program under a runner in a fresh directory (or options.cwd). */
export function runUnder(runner: Runner, program: string, args: string[] = [], options: RunOptions & { sysroot?: string; guest?: Guest } = {}): Promise<Outcome> {
  const [cmd, argv] = commandFor(runner, program, args, options.sysroot, options.guest);
  return runProcess(cmd, argv, options);
}

/** A short description of how a run ended, for messages. */
export function ending(o: Outcome): string {
  return o.signal ? `killed by ${o.signal}` : `exit status ${o.status}`;
}

/** Fails with a clear message when a needed file or tool is missing (no skipping in CI). */
export function requireFile(path: string, hint: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}

export function requireQemuArm(): void {
  requireTool(TOOLS.qemuArm);
}

/**
 * qemu-user's own lines on stderr (a guest killed by a signal: "qemu: uncaught target signal
 * 11 (Segmentation fault) - core dumped") and dynwasm's equivalent are not the guest's output.
 */
export function guestStderr(s: string): string {
  return s.split('\n').filter((l) => !/^(qemu: uncaught target signal|qemu-(arm|i386): |dynwasm-(arm|i386): uncaught target signal)/.test(l)).join('\n');
}
