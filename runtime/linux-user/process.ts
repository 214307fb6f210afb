/**
 * One emulated Linux process (qemu-user's TaskState with its cpu_loop): the target's CPU in
 * user mode over a GuestMemory, the descriptor table, signal state, and the loop that runs
 * guest code and turns the CPU's events into system calls and signals.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeSync } from 'node:fs';
import { posix } from 'node:path';
import type { Logger } from '../log.js';
import { FdTable } from './fd-table.js';
import { GuestMemory, qemuUserLayout } from './memory.js';
import { SeededRandom } from './seeded-random.js';
import { ExecError, loadProgram, readElf } from './loader.js';
import { UNDEFINED_SYSCALL, buildSyscallTable, guarded, syscallName, type SyscallEntry } from './syscall.js';
import { SignalState, gdbSignal, linuxSignal, SIGBUS, BUS_ADRERR, SIGSEGV, SEGV_ACCERR, SEGV_MAPERR } from './signal.js';
import { Strace } from './strace.js';
import { SharedFileMaps } from './shared-maps.js';
import { ALL_SYSCALLS } from './syscalls/index.js';
import { PAGE_SHIFT } from '../../ops/core.js';
import { addCounters, cpuCounters, type ExecCounters } from '../stats.js';
import type { CpuEvent, LinuxCpu, LinuxCpuOptions, LinuxTarget } from './target.js';
import { EIO } from './errno.js';
import { hostInit } from './host.js';
import type { GdbStub } from '../gdbstub.js';
import { cacheFileFor, TranslationCache } from '../translation-cache.js';

/** How a process is run; all of it but the target and the log is carried into a forked child (fork.ts). */
export interface ProcessOptions {
  /** The guest architecture (chosen by the command line). */
  target: LinuxTarget;
  /**
   * What a forked child runs (`node <script> --fork-child …`): the CLI that chose the target, or
   * its V8 start-up snapshot, a .blob (emulator-command.ts).
   */
  forkScript: string;
  engine: 'jit' | 'interp';
  /** -L: the guest's root for absolute paths that exist under it (the dynamic linker, its libraries). */
  sysroot?: string;
  strace?: boolean;
  log?: Logger;
  chain?: boolean;
  hotThreshold?: number;
  singleStep?: boolean;
  /**
   * -qemu-layout: the stack and mmap where qemu-user puts them (memory.ts's qemuUserLayout), and
   * the initial stack's contents in qemu-user's order (loader.ts).
   */
  qemuLayout?: boolean;
  /** -seed: AT_RANDOM's bytes from this seed (a decimal or 0x number, as qemu-user's -seed), not the host's. */
  seed?: string;
  /** The persistent translation cache's directory (translation-cache.ts); none: the cache is off. */
  translationCache?: string;
}

/** A program's translation cache file, and the identity (device, inode, size, time) of the binary it is for. */
export interface TranslationCacheId { binary: string; file: string; key: string }

/** How the process ended: exit_group status, or the signal that killed it. */
export type ProcessEnd = { exitCode: number } | { signal: number; core: boolean };

/** Each target's system calls by number (built once). */
const syscallTables = new Map<LinuxTarget, Map<number, SyscallEntry>>();

/** Thrown through the exec loop when the process is gone (exit, or execve that replaced the CPU). */
class ProcessExit extends Error {
  constructor(readonly end: ProcessEnd) { super('process ended'); }
}

export class LinuxProcess {
  mem!: GuestMemory;
  cpu!: LinuxCpu;
  readonly target: LinuxTarget;
  fds = FdTable.standard();
  signals = new SignalState();
  /** MAP_SHARED file mappings, kept in step with their files at every system call. */
  readonly sharedMaps = new SharedFileMaps();
  /** The guest path of the running program (/proc/self/exe, AT_EXECFN) and its host file. */
  exePath = '';
  exeHostPath = '';
  /** The auxiliary vector the program started with (gdb's qXfer:auxv). */
  auxv: Uint8Array = new Uint8Array(0);
  /** The gdb stub (-g), which holds and steps the CPU between slices. */
  debugger?: GdbStub<LinuxCpu>;
  argv: string[] = [];
  /** set_tid_address's pointer: cleared at exit (futex wake for one thread is a no-op). */
  clearChildTid = 0;
  readonly strace?: Strace;
  private end?: ProcessEnd;
  /** Syscall currently running (for signal restarts). */
  readonly pid = process.pid;
  /** Counters of the CPUs that execve replaced (counters() adds the current one's). */
  private retired?: ExecCounters;
  /** execve calls that replaced the image; when run() started (performance.now()). */
  execs = 0;
  runStart?: number;
  /** System calls made so far: tells a call restarted right away from a later one with the same arguments. */
  syscallCount = 0;
  /** System calls that met an internal error (reported once each). */
  private readonly internalErrorsShown = new Set<string>();
  /** The process this emulator runs (one per emulator process), for the exit statistics. */
  static current?: LinuxProcess;
  /** The running program's persistent translation cache, when it is on. */
  translationCache?: TranslationCache;

  private constructor(
    readonly opts: ProcessOptions,
    private readonly newCpu: (opts: LinuxCpuOptions) => LinuxCpu,
    private readonly syscallTable: Map<number, SyscallEntry>,
  ) {
    this.target = opts.target;
    hostInit();
    if (opts.strace) this.strace = new Strace(this);
    LinuxProcess.current = this;
  }

  /** Execution counters of this process since it started (or was forked), across execve. */
  counters(): ExecCounters {
    const now = cpuCounters(this.cpu);
    return this.retired ? addCounters(this.retired, now) : now;
  }

  static async create(opts: ProcessOptions): Promise<LinuxProcess> {
    const target = opts.target;
    const newCpu = await target.loadCpu();
    let table = syscallTables.get(target);
    if (!table) syscallTables.set(target, table = buildSyscallTable(target.syscallNumbers, ...ALL_SYSCALLS, target.syscalls));
    return new LinuxProcess(opts, newCpu, table);
  }

  /**
   * A forked child (fork.ts): a fresh machine that `fill` loads with the parent's state;
   * `prepared`'s (made ahead by a spare, fork-server.ts) if it was made with the same options.
   */
  static async restore(opts: ProcessOptions, fill: (p: LinuxProcess) => void, prepared?: LinuxProcess): Promise<LinuxProcess> {
    const key = (o: ProcessOptions): string => { const { log: _l, target, ...rest } = o; return `${target.name} ${JSON.stringify(rest)}`; };
    const p = prepared && key(prepared.opts) === key(opts) ? prepared : await LinuxProcess.prepare(opts);
    LinuxProcess.current = p;
    fill(p);
    return p;
  }

  /** A process with a fresh machine and nothing in it yet (for restore). */
  static async prepare(opts: ProcessOptions): Promise<LinuxProcess> {
    const p = await LinuxProcess.create(opts);
    p.newMachine();
    return p;
  }

  private seeded?: SeededRandom;
  /** Bytes for AT_RANDOM: the host's, or -seed's (each execve draws the next). */
  private randomBytes(len: number): Uint8Array {
    if (this.opts.seed === undefined) return randomBytes(len);
    this.seeded ??= new SeededRandom(BigInt(this.opts.seed));
    return this.seeded.bytes(len);
  }

  /** A fresh address space and CPU (at start and at execve). */
  private newMachine(): void {
    const memory = new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
    this.mem = new GuestMemory(memory, this.opts.qemuLayout ? qemuUserLayout(this.target.layout) : this.target.layout);
    this.cpu = this.newCpu({
      engine: this.opts.engine, memory, pageProt: this.mem.prot, log: this.opts.log,
      onEvent: (event) => this.onEvent(event), chain: this.opts.chain, hotThreshold: this.opts.hotThreshold,
      singleStep: this.opts.singleStep,
    });
    this.mem.attach(this.cpu);
  }

  /**
   * Where a guest path is on the host: with -L, an absolute path that exists under the
   * sysroot goes there (qemu-user's path()), everything else is the host's own file.
   */
  hostPath(guestPath: string): string {
    const root = this.opts.sysroot;
    if (root && guestPath.startsWith('/')) {
      const inRoot = posix.join(root, guestPath);
      if (existsSync(inRoot)) return inRoot;
    }
    return guestPath;
  }

  /**
   * The running program's translation cache file: its key and the host file's identity it
   * was computed for (so that an execve of the same binary, busybox's applets above all, does
   * not hash it again; a forked child gets it from its parent).
   */
  translationCacheId?: TranslationCacheId;

  /** Use the translation cache of `id` for the program's code (a forked child: its parent's). */
  useTranslationCache(id: TranslationCacheId): void {
    this.translationCacheId = id;
    this.translationCache = new TranslationCache(id.file, id.key, this.cpu.table);
    this.cpu.blockStore = this.translationCache;
  }

  /**
   * At the start and execve: the translation cache of the program in `hostFile` (its contents
   * `bytes`), if the cache is on. The same program as before keeps the cache already read,
   * unless the old image has just written new blocks to it (`wrote`).
   */
  private openTranslationCache(path: string, hostFile: string, bytes: Uint8Array, wrote: boolean): void {
    const dir = this.opts.translationCache;
    if (!dir) return;
    let binary = '';
    try { const st = statSync(hostFile); binary = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`; } catch { /* hashed below */ }
    let id = this.translationCacheId;
    if (!id || !binary || id.binary !== binary) {
      const f = cacheFileFor(dir, path, { target: this.target.name, table: this.cpu.table, binary: bytes, settings: this.opts.singleStep ? 'singlestep' : '' });
      if (!f) { this.translationCache = this.translationCacheId = undefined; return; }
      id = { binary, ...f };
    }
    if (this.translationCache && this.translationCache.file === id.file && !wrote) {
      this.cpu.blockStore = this.translationCache;
      this.translationCacheId = id;
    } else this.useTranslationCache(id);
  }

  /** Keep what this run translated for the next run of the program (at exit and execve); whether it wrote. */
  saveTranslationCache(): boolean {
    return this.translationCache?.save(this.cpu.tbs.liveBlocks(), this.mem.u8) ?? false;
  }

  /** Load `path` with `argv` and `env` into a fresh address space (the start, and execve). */
  exec(path: string, argv: string[], env: string[], hostFile = this.hostPath(path)): void {
    const { elf, bytes } = readElf(hostFile, path, this.target.elfMachine);
    const old = this.cpu;
    let wrote = false;
    if (old) {
      wrote = this.saveTranslationCache();
      this.sharedMaps.clear(this.mem);
      const c = cpuCounters(old);
      this.retired = this.retired ? addCounters(this.retired, c) : c;
      this.execs++;
    }
    this.newMachine();
    if (old) old.halted = true; // execve from inside the old CPU's loop: it must stop there
    this.openTranslationCache(path, hostFile, bytes, wrote);
    const image = loadProgram(this.mem, this.target, {
      path, argv, env, hostPath: (p) => this.hostPath(p), random: this.randomBytes(16), qemuLayout: this.opts.qemuLayout,
      ids: { uid: process.getuid!(), euid: process.geteuid!(), gid: process.getgid!(), egid: process.getegid!() },
    }, elf);
    this.exePath = path.startsWith('/') ? path : posix.join(process.cwd(), path);
    this.exeHostPath = hostFile.startsWith('/') ? hostFile : posix.join(process.cwd(), hostFile);
    this.auxv = image.auxv;
    this.argv = argv;
    this.target.startProgram(this.cpu, image.entry, image.sp);
    this.signals.resetForExec();
  }

  /** Run until the process ends; between slices, take host signals (Node's event loop). */
  async run(): Promise<ProcessEnd> {
    this.runStart ??= performance.now();
    let lastYield = performance.now();
    for (;;) {
      try {
        const dbg = this.debugger;
        const held = this.signals.held;
        if (held) {
          // gdb decides what becomes of a signal before the guest takes it (signal.ts).
          const sig = dbg?.attached ? linuxSignal(await dbg.signalStop(gdbSignal(held.info.signo))) : held.info.signo;
          this.signals.releaseHeld(this, sig);
        }
        if (dbg) await dbg.beforeRun();
        this.signals.deliverPending(this); // what host-signal listeners queued while the loop yielded
        const r = this.cpu.run(20000);
        dbg?.afterRun(r);
        this.signals.deliverPending(this);
      } catch (e) {
        if (e instanceof ProcessExit) return e.end;
        throw e;
      }
      if (this.end) return this.end;
      const now = performance.now();
      if (now - lastYield > 20 || this.signals.takeYieldRequest()) {
        await new Promise(setImmediate);
        lastYield = performance.now();
      }
    }
  }

  /** End the process: exit_group, or a signal's default action. Does not return. */
  terminate(end: ProcessEnd): never {
    if (this.sharedMaps.active) this.sharedMaps.syncOut(this.mem);
    this.saveTranslationCache();
    this.end = end;
    this.cpu.halted = true;
    throw new ProcessExit(end);
  }

  private onEvent(event: CpuEvent): boolean {
    switch (event.kind) {
      case 'syscall': this.syscall(); break;
      case 'signal': this.signals.force(this, event.signo, event.code, event.addr); break;
      case 'memoryFault': {
        const page = event.addr >>> PAGE_SHIFT;
        if (!event.fetch && this.mem.isBeyondFile(page)) { this.signals.force(this, SIGBUS, BUS_ADRERR, event.addr); break; }
        this.signals.force(this, SIGSEGV, this.mem.isMapped(page) ? SEGV_ACCERR : SEGV_MAPERR, event.addr);
        break;
      }
    }
    return true;
  }

  /** One system call (qemu-user's do_syscall), then what the kernel does on its way back to user space. */
  private syscall(): void {
    this.syscallCount++;
    const { target, cpu } = this;
    const nr = target.syscallNumber(cpu, this.mem);
    const args = target.syscallArgs(cpu);
    const entry = this.syscallTable.get(nr) ?? { ...UNDEFINED_SYSCALL, name: syscallName(target.syscallNumbers, nr), nr };
    // The definitions' arguments: with the pad before a 64-bit pair, which only some ABIs have.
    const callArgs = entry.pairPad !== undefined && !target.alignsRegisterPairs ? [...args.slice(0, entry.pairPad), 0, ...args.slice(entry.pairPad)] : args;
    this.strace?.enter(entry, callArgs);
    let r: number | undefined;
    try {
      const shared = this.sharedMaps.active;
      if (shared) this.sharedMaps.syncOut(this.mem);
      r = guarded(() => entry.run(this, ...callArgs));
      if (shared && this.sharedMaps.active) this.sharedMaps.syncIn(this.mem);
    } catch (e) {
      if (e instanceof ProcessExit) throw e;
      r = this.internalError(entry.name, e);
    }
    if (r !== undefined) target.setSyscallResult(cpu, r);
    this.strace?.leave(entry, r);
    this.signals.afterSyscall(this, { name: entry.name, nr, args }); // restarts, EINTR, and signals taken on the way back
  }

  /**
   * A host error that no system call expected (a bug of ours, or a host condition nobody
   * thought of): the guest gets EIO rather than the emulator dying with a stack trace, and
   * stderr gets one line, once per system call, so that the bug stays visible.
   */
  private internalError(name: string, e: unknown): number {
    if (!this.internalErrorsShown.has(name)) {
      this.internalErrorsShown.add(name);
      this.warn(`dynwasm-arm: internal error in system call ${name}: ${e instanceof Error ? e.message : String(e)} (returning EIO)`);
    }
    return -EIO;
  }

  /** A line on stderr from the emulator itself (not the guest). */
  warn(message: string): void {
    writeSync(2, `${message}\n`);
  }
}

export { ExecError };
