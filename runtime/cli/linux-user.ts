/**
 * The Linux user-mode emulators' command line (`dynwasm-arm`, `dynwasm-i386`), qemu-user's:
 * `dynwasm-<arch> [options] program [args...]`. Each emulator is a small script that names its
 * target (runtime/cli/arm-linux.ts, i386-linux.ts) and calls runLinuxUser. The exit status is
 * the guest's; a guest killed by a signal kills the emulator with the same signal, so the shell
 * reports it as for a native program (128 + signal).
 */
import { UsageError, parseAccel } from './options.js';
import { cacheDir, cacheDisabledByEnv } from '../translation-cache.js';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExecError, LinuxProcess, type ProcessEnd } from '../linux-user/process.js';
import { host } from '../linux-user/host.js';
import { LOG_ITEMS, Logger, parseLogItems, type LogItem } from '../log.js';
import { gdbSignal, signalName, CORE_SIGNALS } from '../linux-user/signal.js';
import { resumeForkedChild, runSpare } from '../linux-user/fork-child.js';
import type { LinuxTarget } from '../linux-user/target.js';
import { statsLines } from '../stats.js';
import type { GdbStub } from '../gdbstub.js';
// The gdb stub itself is imported only with -g: most runs need none.
import { parseGdbAddress, type GdbAddress } from '../gdb-address.js';
import type { LinuxCpu } from '../linux-user/target.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** What distinguishes one user-mode emulator from another. */
export interface LinuxUserCli {
  /** The command's name (`dynwasm-arm`). */
  prog: string;
  target: LinuxTarget;
  /** The script a forked child emulator runs: the emulator's own, so that the child runs the same target. */
  forkScript: string;
  /** The guest, for the usage text: `32-bit ARM (ARMv5TE, EABI, little-endian)`. */
  guest: string;
  /** The qemu-user command whose options these follow (`qemu-arm`). */
  qemu: string;
  /** An example -L root (`/usr/arm-linux-gnueabi`). */
  sysrootExample: string;
}

let PROG = 'dynwasm';

const usage = (cli: LinuxUserCli): string => `usage: ${PROG} [options] program [arguments...]
Linux user-mode emulation of ${cli.guest}; options follow ${cli.qemu}'s.

  -L path          the guest's root for absolute paths (the dynamic linker and its libraries):
                   e.g. -L ${cli.sysrootExample.padEnd(24)}(env: QEMU_LD_PREFIX)
  -E var=value     set an environment variable for the guest (repeatable)
  -U var           remove an environment variable from the guest (repeatable)
  -0 argv0         the program's argv[0] (default: the program path)
  -strace          log every system call on stderr
  -g port|path     wait for gdb on TCP port (or the Unix socket at path) and stop at the
                   program's first instruction, as ${cli.qemu} -g does    (env: QEMU_GDB)
  -accel jit|interp
                   execution engine: copy-and-patch WebAssembly (jit, the default) or the micro-op
                   interpreter; jit,chain=off and jit,hot=N as in dynwasm-system-arm;
                   ,cache=off: no persistent translation cache (see below)
  -d item[,...]    log items (-d help lists them), to stderr or the -D file
  -D logfile       log file
  -singlestep      one guest instruction per translation block
  -qemu-layout     the stack and mmap areas where ${cli.qemu} puts them on a 64-bit host (the stack
                   first in the mmap area, at 0x40000000), to compare -d logs with its (not a qemu
                   option)
  -seed number     the program's AT_RANDOM bytes from this seed, the same bytes as ${cli.qemu} -seed
  -stats           at exit, print execution statistics to stderr (this process only, across its
                   execve calls; not a qemu option)
  -h, -help        this help
  -version         the version

Exit status: the program's; 126 if it cannot be executed, 127 if it is not found; a program
killed by a signal ends the emulator with that signal (the shell shows 128 + signal).

Environment: DYNWASM_STATS_FILE=path makes every emulator process (forked children too)
append one JSON line with its execution counters to path when it ends. DYNWASM_FORK_SERVER=0
starts every forked child afresh instead of handing it to a spare emulator started ahead.
The translation cache keeps the blocks a program's run translated for its next run, in
DYNWASM_CACHE_DIR (default $XDG_CACHE_HOME/dynwasm or ~/.cache/dynwasm); DYNWASM_CACHE=off
turns it off, and so do -g, -singlestep and the -d items in_asm, op and out_asm (which show
translations as they are made).`;


interface Options {
  sysroot?: string;
  setEnv: string[];
  unsetEnv: string[];
  argv0?: string;
  strace: boolean;
  gdb?: GdbAddress;
  engine: 'jit' | 'interp';
  chain: boolean;
  hotThreshold?: number;
  /** -accel …,cache=on|off (DYNWASM_CACHE=off too). */
  cache?: boolean;
  logItems: Set<LogItem>;
  logFile?: string;
  singleStep: boolean;
  qemuLayout: boolean;
  seed?: string;
  stats: boolean;
  program?: string;
  args: string[];
  help?: 'usage' | 'version' | 'log';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { setEnv: [], unsetEnv: [], strace: false, engine: 'jit', chain: true, logItems: new Set(), singleStep: false, qemuLayout: false, stats: false, args: [] };
  if (process.env.QEMU_LD_PREFIX) o.sysroot = process.env.QEMU_LD_PREFIX;
  if (process.env.QEMU_GDB) o.gdb = gdbAddress(process.env.QEMU_GDB);
  let i = 0;
  for (; i < argv.length; i++) {
    const raw = argv[i];
    if (!raw.startsWith('-') || raw === '-') break;
    if (raw === '--') { i++; break; }
    const name = raw.replace(/^--?/, '');
    const value = (): string => {
      if (i + 1 >= argv.length) throw new UsageError(`-${name}: requires an argument`);
      return argv[++i];
    };
    switch (name) {
      case 'L': o.sysroot = value(); break;
      case 'E': {
        const v = value();
        if (!v.includes('=')) throw new UsageError(`-E ${v}: expected var=value`);
        o.setEnv.push(v);
        break;
      }
      case 'U': o.unsetEnv.push(value()); break;
      case '0': o.argv0 = value(); break;
      case 'strace': o.strace = true; break;
      case 'g': o.gdb = gdbAddress(value()); break;
      case 'accel': {
        const a = parseAccel(value(), true);
        o.engine = a.engine;
        o.chain = a.chain;
        if (a.hotThreshold !== undefined) o.hotThreshold = a.hotThreshold;
        if (a.cache !== undefined) o.cache = a.cache;
        break;
      }
      case 'd': {
        const v = value();
        if (v === 'help') { o.help = 'log'; break; }
        try { o.logItems = parseLogItems(v); } catch (e) { throw new UsageError(`-d ${v}: ${(e as Error).message}`); }
        break;
      }
      case 'D': o.logFile = value(); break;
      case 'singlestep': o.singleStep = true; break;
      case 'qemu-layout': o.qemuLayout = true; break;
      case 'seed': {
        const v = value();
        if (!/^(0x[0-9a-f]+|\d+)$/i.test(v) || BigInt(v) >= 1n << 64n) throw new UsageError(`-seed ${v}: expected a 64-bit number`);
        o.seed = v;
        break;
      }
      case 'stats': o.stats = true; break;
      case 'h': case 'help': o.help = 'usage'; break;
      case 'version': o.help = 'version'; break;
      default: throw new UsageError(`${raw}: unknown option (try '${PROG} -help')`);
    }
  }
  o.program = argv[i];
  o.args = argv.slice(i + 1);
  return o;
}

/** The guest's environment: ours, with -U removals and -E settings (qemu-user passes its own too). */
/** qemu's -g: a port number, else a Unix socket path. */
function gdbAddress(spec: string): GdbAddress {
  if (/^\d+$/.test(spec)) {
    const a = parseGdbAddress(spec);
    if (!a) throw new UsageError(`-g ${spec}: invalid port`);
    return a;
  }
  if (spec === '') throw new UsageError('-g: requires a port or a socket path');
  return { path: spec };
}

function guestEnv(o: Options): string[] {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'QEMU_LD_PREFIX' && k !== STATS_FILE_VAR) env.set(k, v);
  for (const k of o.unsetEnv) env.delete(k);
  for (const kv of o.setEnv) { const at = kv.indexOf('='); env.set(kv.slice(0, at), kv.slice(at + 1)); }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function fail(message: string, status = 1): never {
  writeSync(2, `${PROG}: ${message}\n`);
  process.exit(status);
}

/** Environment variable: the file every emulator process appends its counters to (a JSON line). */
const STATS_FILE_VAR = 'DYNWASM_STATS_FILE';
/** -stats: print the summary at exit (the top emulator process only). */
let printStats = false;

/** At exit: the -stats summary on stderr, and the DYNWASM_STATS_FILE line. */
function reportStats(end: ProcessEnd): void {
  const p = LinuxProcess.current;
  const file = process.env[STATS_FILE_VAR];
  if (!p?.cpu || (!printStats && !file)) return;
  const now = performance.now();
  const c = p.counters();
  const runMs = now - (p.runStart ?? now);
  if (printStats) writeSync(2, statsLines(c, runMs).map((l) => `${PROG}: stats: ${l}\n`).join(''));
  if (file) {
    const line = JSON.stringify({
      pid: process.pid, ppid: host.getppid(), exe: p.exePath, execs: p.execs, end, wallMs: now, runMs, ...c,
    }) + '\n';
    try {
      const fd = openSync(file, 'a');
      try { writeSync(fd, line); } finally { closeSync(fd); }
    } catch (e) {
      writeSync(2, `${PROG}: ${STATS_FILE_VAR}: ${(e as Error).message}\n`);
    }
  }
}

/** End the emulator as the guest ended. */
export function finish(end: ProcessEnd): never {
  reportStats(end);
  // Under `node --cpu-prof` leave through process.exit, which writes the profile (_exit would not).
  if ('exitCode' in end && process.execArgv.some((a) => a.startsWith('--cpu-prof'))) process.exit(end.exitCode);
  if ('exitCode' in end) return host.exit(end.exitCode);
  if (end.core && CORE_SIGNALS.has(end.signal)) writeSync(2, `${PROG}: uncaught target signal ${end.signal} (${signalName(end.signal)}) - core dumped\n`);
  return host.dieBySignal(end.signal);
}

/** Run the emulator `cli` with the command line `argv`. */
export async function runLinuxUser(cli: LinuxUserCli, argv: string[]): Promise<void> {
  PROG = cli.prog;
  // Made absolute once, so that forked children (which inherit our environment, not the guest's,
  // and may run in another directory) append to the same file. (Here, not at import: a V8
  // start-up snapshot, snapshot.ts, runs the imports when it is built.)
  if (process.env[STATS_FILE_VAR]) process.env[STATS_FILE_VAR] = resolve(process.env[STATS_FILE_VAR]);
  const TARGET = cli.target, FORK_SCRIPT = cli.forkScript;
  // A forked child emulator (fork.ts) resumes the parent's process image instead.
  if (argv[0] === '--fork-child') finish(await resumeForkedChild(TARGET, FORK_SCRIPT, argv[1], argv[2] === undefined ? undefined : Number(argv[2])));
  // A spare emulator (fork-server.ts) waits to become the child of its parent's next fork.
  if (argv[0] === '--fork-spare') {
    const end = await runSpare(TARGET, FORK_SCRIPT, Number(argv[1]), Number(argv[2]), argv[3] ?? '{}');
    if (!end) return host.exit(0);
    finish(end);
  }

  let o: Options;
  try { o = parseArgs(argv); } catch (e) {
    if (e instanceof UsageError) fail(e.message, 1);
    throw e;
  }
  if (o.help === 'usage') { process.stdout.write(usage(cli) + '\n'); return; }
  if (o.help === 'version') { process.stdout.write(`${PROG} version ${VERSION}\n`); return; }
  if (o.help === 'log') {
    process.stdout.write(`Log items (-d item,...):\n${Object.entries(LOG_ITEMS).map(([k, v]) => `  ${k.padEnd(8)} ${v}`).join('\n')}\n`);
    return;
  }
  if (!o.program) fail(`no program given (try '${PROG} -help')`, 1);
  printStats = o.stats;
  let log: Logger | undefined;
  if (o.logItems.size) {
    try { log = new Logger(o.logItems, o.logFile); } catch (e) { fail(`-D ${o.logFile}: ${(e as Error).message}`); }
  }
  // The translation cache, unless asked not to or a translation must be seen as it is made.
  const cacheOn = o.cache !== false && !cacheDisabledByEnv() && !o.gdb && !o.singleStep
    && !['in_asm', 'op', 'out_asm'].some((i) => o.logItems.has(i as LogItem));
  const proc = await LinuxProcess.create({
    target: TARGET, forkScript: FORK_SCRIPT, engine: o.engine, sysroot: o.sysroot, strace: o.strace, log, chain: o.chain, hotThreshold: o.hotThreshold, singleStep: o.singleStep, qemuLayout: o.qemuLayout, seed: o.seed,
    ...(cacheOn ? { translationCache: cacheDir() } : {}),
  });
  try {
    proc.exec(o.program, [o.argv0 ?? o.program, ...o.args], guestEnv(o));
  } catch (e) {
    if (e instanceof ExecError) fail(e.message, e.status);
    throw e;
  }
  let gdb: GdbStub<LinuxCpu> | undefined;
  if (o.gdb) {
    if (!TARGET.gdb) fail(`-g: the gdb stub does not support ${cli.guest} guests yet`, 1);
    const { GdbStub } = await import('../gdbstub.js');
    gdb = new GdbStub<LinuxCpu>({
      cpu: () => proc.cpu,
      arch: TARGET.gdb,
      process: { pid: proc.pid, auxv: () => proc.auxv, execFile: () => proc.exePath },
      kill: () => { log?.flush(); writeSync(2, `${PROG}: Terminated via GDBstub\n`); process.exit(0); },
    }, true, PROG);
    try { await gdb.listen(o.gdb); } catch (e) { fail((e as Error).message, 1); }
    proc.debugger = gdb;
  }
  const end = await proc.run();
  log?.flush();
  if (gdb) { await gdb.processEnded('signal' in end ? { signal: gdbSignal(end.signal) } : end); gdb.close(); }
  finish(end);
}
