/**
 * `dynwasm/linux-user`: Linux user mode for Node — run a 32-bit ARM (or i386) Linux program
 * as `dynwasm-arm` (`dynwasm-i386`) does, and get its exit status and output.
 *
 * The program runs in a child process: the user-mode emulator reads and writes the host's
 * file descriptors directly, ends its process with the guest's exit status or signal, and
 * forks by spawning emulator processes (docs/linux-user.md), none of which can be done inside
 * the caller's process. The child is `node` running the package's own CLI
 * (dist/runtime/cli/arm-linux.js, or its V8 start-up snapshot where `npm run gen` made a fresh
 * one), so it costs one Node start-up on top of the run.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EM_ARM, ElfError, isElf, parseElf } from '../runtime/elf.js';
import type { ExecCounters } from '../runtime/stats.js';
import { freshSnapshot } from '../runtime/cli/snapshot-file.js';
import { ArgumentError, ImageError } from './errors.js';

export { DynwasmError, ArgumentError, ImageError, MemoryAccessError, StateError, type DynwasmErrorCode } from './errors.js';

/** The guests Linux user mode runs. */
export type LinuxArch = 'arm' | 'i386';

/** Options for {@link runLinuxProgram}; most mirror `dynwasm-arm`'s (qemu-arm's) flags. */
export interface LinuxProgramOptions {
  /** The guest: 32-bit ARM (armel, the default) or i386 (integer instructions only so far). */
  arch?: LinuxArch;
  /** The program's arguments (argv[1], argv[2], …). */
  args?: string[];
  /** `-0`: the program's argv[0] (default: the program path as given). */
  argv0?: string;
  /**
   * The guest's whole environment (default: this process's). The emulator process gets it too
   * (less the variables dynwasm reads itself), as qemu-arm passes its own environment on.
   */
  env?: Record<string, string | undefined>;
  /** The guest's working directory (default: this process's). The program path is resolved against it. */
  cwd?: string;
  /** `-L`: the guest's root for absolute paths (a dynamic program's linker and libraries). */
  sysroot?: string;
  /** `-accel`: the engine (default `'jit'`). */
  accel?: 'jit' | 'interp';
  /**
   * The guest's standard input: bytes or a string (UTF-8) to feed it, then end of file; or
   * `'inherit'` for this process's stdin. Default: empty (end of file at once).
   */
  stdin?: string | Uint8Array | 'inherit';
  /**
   * `'pipe'` (the default) collects stdout and stderr into the result (and passes chunks to
   * onStdout/onStderr as they come); `'inherit'` writes them to this process's own.
   */
  output?: 'pipe' | 'inherit';
  /** Each chunk of the guest's stdout as it arrives (with output `'pipe'`). */
  onStdout?: (chunk: Buffer) => void;
  /** Each chunk of the guest's stderr as it arrives (with output `'pipe'`). */
  onStderr?: (chunk: Buffer) => void;
  /** `-strace`: log every system call on the guest's stderr, in qemu's format. */
  strace?: boolean;
  /** Collect execution statistics of every emulator process (the program, and any it forks). */
  stats?: boolean;
  /** Kills the emulator (SIGKILL) when it fires; the result then has `signal: 'SIGKILL'`. */
  signal?: AbortSignal;
}

/** How an emulator process ended: with an exit status, or killed by a signal. */
export type LinuxProcessEnd =
  | {
    /** The exit status. */
    exitCode: number;
  }
  | {
    /** The signal's number (Linux numbering: 9 is SIGKILL). */
    signal: number;
    /** Whether it dumped core (qemu's "uncaught target signal ... core dumped"). */
    core?: boolean;
  };

/** The execution counters of one emulator process (a `DYNWASM_STATS_FILE` line). */
export interface LinuxProcessStats extends ExecCounters {
  /** The emulator process's host pid (which is the guest's pid). */
  pid: number;
  /** Its parent's pid. */
  ppid: number;
  /** The program the process ran last (after its execve calls). */
  exe: string;
  /** How many execve calls it made. */
  execs: number;
  /** How it ended. */
  end: LinuxProcessEnd;
  /** Milliseconds from the emulator's start to its end. */
  wallMs: number;
  /** Milliseconds of them running the guest. */
  runMs: number;
}

/** How the program ended. */
export interface LinuxProgramResult {
  /** The guest's exit status, or null if a signal killed it. */
  exitCode: number | null;
  /** The signal that killed the guest (the emulator dies by the same signal), or null. */
  signal: NodeJS.Signals | null;
  /** Its standard output (empty with output `'inherit'`). */
  stdout: Buffer;
  /** Its standard error, with the emulator's own messages (empty with output `'inherit'`). */
  stderr: Buffer;
  /** With `stats`: one entry per emulator process, in the order they ended (the program's last). */
  stats?: LinuxProcessStats[];
}

const CLI: Record<LinuxArch, { script: string; machine: number; name: string }> = {
  arm: { script: 'arm-linux.js', machine: EM_ARM, name: 'ARM' },
  i386: { script: 'i386-linux.js', machine: 3, name: 'i386' },
};

/** Check that `path` is a program the emulator can load, or throw ImageError saying why not. */
function checkProgram(path: string, shownAs: string, arch: LinuxArch): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageError(`${shownAs}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!st.isFile()) throw new ImageError(`${shownAs}: not a regular file`);
  let head: Uint8Array;
  try {
    // The ELF header and program headers are in the first pages of any real program.
    const fd = openSync(path, 'r');
    try {
      const buf = new Uint8Array(Math.min(st.size, 1 << 16));
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    } finally { closeSync(fd); }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageError(`${shownAs}: ${code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  if (head[0] === 0x23 && head[1] === 0x21) return; // #!: the interpreter is checked when it runs
  if (!isElf(head)) throw new ImageError(`${shownAs}: not an ELF executable or #! script`);
  try {
    parseElf(st.size <= head.length ? head : readFileSync(path), CLI[arch].machine);
  } catch (e) {
    if (e instanceof ElfError) throw new ImageError(`${shownAs}: ${e.message}`);
    throw e;
  }
}

function checkStrings(what: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ArgumentError(`${what}: expected an array of strings`);
  return v;
}

/**
 * Run a Linux program (by default a 32-bit ARM one) under dynwasm's user-mode emulator, in a
 * child process, and return its exit status and output once it has ended.
 *
 * The result's exitCode is the guest's (a program that runs and fails still resolves, with
 * its status); failures to start it are thrown.
 *
 * @param program the program's path (relative paths are resolved against `options.cwd`)
 * @throws {@link ArgumentError} for a bad option
 * @throws {@link ImageError} if the program is missing, unreadable, not a regular file, or not
 *   an ELF executable for the guest (or a `#!` script)
 */
export async function runLinuxProgram(program: string, options: LinuxProgramOptions = {}): Promise<LinuxProgramResult> {
  if (typeof program !== 'string' || program === '') throw new ArgumentError('program: expected a path');
  const arch = options.arch ?? 'arm';
  if (!(arch in CLI)) throw new ArgumentError(`arch: ${JSON.stringify(arch)} is not 'arm' or 'i386'`);
  const accel = options.accel ?? 'jit';
  if (accel !== 'jit' && accel !== 'interp') throw new ArgumentError(`accel: ${JSON.stringify(accel)} is not 'jit' or 'interp'`);
  const args = checkStrings('args', options.args) ?? [];
  const output = options.output ?? 'pipe';
  if (output !== 'pipe' && output !== 'inherit') throw new ArgumentError(`output: ${JSON.stringify(output)} is not 'pipe' or 'inherit'`);
  const stdin = options.stdin;
  if (stdin !== undefined && stdin !== 'inherit' && typeof stdin !== 'string' && !(stdin instanceof Uint8Array)) {
    throw new ArgumentError('stdin: expected a string, a Uint8Array or \'inherit\'');
  }
  const cwd = options.cwd ?? process.cwd();
  try {
    if (!statSync(cwd).isDirectory()) throw new ArgumentError(`cwd: ${cwd} is not a directory`);
  } catch (e) {
    if (e instanceof ArgumentError) throw e;
    throw new ArgumentError(`cwd: ${cwd}: no such directory`);
  }
  if (options.sysroot !== undefined && typeof options.sysroot !== 'string') throw new ArgumentError('sysroot: expected a path');
  if (options.argv0 !== undefined && typeof options.argv0 !== 'string') throw new ArgumentError('argv0: expected a string');
  checkProgram(isAbsolute(program) ? program : resolve(cwd, program), program, arch);

  const flags: string[] = [];
  if (options.sysroot !== undefined) flags.push('-L', options.sysroot);
  if (options.argv0 !== undefined) flags.push('-0', options.argv0);
  if (accel !== 'jit') flags.push('-accel', accel);
  if (options.strace) flags.push('-strace');

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = String(v);
  // The variables the emulator itself reads stay the caller's choice only through the options.
  delete env.QEMU_LD_PREFIX;
  delete env.QEMU_GDB;
  delete env.DYNWASM_STATS_FILE;
  let statsDir: string | undefined;
  if (options.stats) {
    statsDir = mkdtempSync(join(tmpdir(), 'dynwasm-stats-'));
    env.DYNWASM_STATS_FILE = join(statsDir, 'stats.jsonl');
  }

  const script = fileURLToPath(new URL(`../runtime/cli/${CLI[arch].script}`, import.meta.url));
  // The child gets no Node options of ours, only the environment's.
  const blob = freshSnapshot(script.replace(/\.js$/, '.blob'), [], env);
  const child = spawn(process.execPath, [...(blob ? ['--snapshot-blob', blob, '--'] : [script]), ...flags, program, ...args], {
    cwd, env,
    stdio: [stdin === 'inherit' ? 'inherit' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe'],
    signal: options.signal, killSignal: 'SIGKILL',
  });
  const out: Buffer[] = [], err: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => { out.push(d); options.onStdout?.(d); });
  child.stderr?.on('data', (d: Buffer) => { err.push(d); options.onStderr?.(d); });
  if (child.stdin) {
    child.stdin.on('error', () => { /* the guest did not read all of its input */ });
    child.stdin.end(stdin === undefined ? undefined : typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin);
  }
  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolveExit, reject) => {
      child.on('error', (e) => { if ((e as Error).name !== 'AbortError') reject(e); });
      child.on('close', (code, sig) => resolveExit([code, sig]));
    });
    const result: LinuxProgramResult = { exitCode, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
    if (statsDir) {
      let text = '';
      try { text = readFileSync(join(statsDir, 'stats.jsonl'), 'utf8'); } catch { /* no process finished normally */ }
      result.stats = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LinuxProcessStats);
    }
    return result;
  } finally {
    if (statsDir) rmSync(statsDir, { recursive: true, force: true });
  }
}
