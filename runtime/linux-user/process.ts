/**
 * One emulated Linux process (qemu-user's TaskState with its cpu_loop): the ARM CPU in user
 * mode over a GuestMemory, the descriptor table, signal state, and the loop that runs guest
 * code and turns the CPU's exceptions into system calls and signals.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeSync } from 'node:fs';
import { posix } from 'node:path';
import {
  EXCP_BKPT, EXCP_DATA_ABORT, EXCP_PREFETCH_ABORT, EXCP_SWI, EXCP_UDEF, FAULT_ADDR, MODE_USR, PC, SP, THUMB,
} from '../../ops/arm/state.js';
import { writeCpsr } from '../../ops/arm/modes.js';
import { ArmCpu, loadArmTable } from '../arm/cpu.js';
import type { OpTable } from '../op-table.js';
import type { Logger } from '../log.js';
import { FdTable } from './fd-table.js';
import { GuestMemory, PROT_READ } from './memory.js';
import { ExecError, loadProgram, readArmElf } from './loader.js';
import { UNDEFINED_SYSCALL, buildSyscallTable, guarded, syscallName, type SyscallEntry } from './syscall.js';
import { SignalState, SIGBUS, BUS_ADRERR, SIGILL, SIGSEGV, SIGTRAP, ILL_ILLOPC, SEGV_ACCERR, SEGV_MAPERR, TRAP_BRKPT } from './signal.js';
import { Strace } from './strace.js';
import { SharedFileMaps } from './shared-maps.js';
import { ALL_SYSCALLS } from './syscalls/index.js';
import { PAGE_SHIFT } from '../../ops/core.js';
import { addCounters, cpuCounters, type ExecCounters } from '../stats.js';
import { EIO } from './errno.js';

export interface ProcessOptions {
  engine: 'jit' | 'interp';
  /** -L: the guest's root for absolute paths that exist under it (the dynamic linker, its libraries). */
  sysroot?: string;
  strace?: boolean;
  log?: Logger;
  chain?: boolean;
  hotThreshold?: number;
  singleStep?: boolean;
}

/** How the process ended: exit_group status, or the signal that killed it. */
export type ProcessEnd = { exitCode: number } | { signal: number; core: boolean };

let syscallTable: Map<number, SyscallEntry> | undefined;

/** Thrown through the exec loop when the process is gone (exit, or execve that replaced the CPU). */
class ProcessExit extends Error {
  constructor(readonly end: ProcessEnd) { super('process ended'); }
}

export class LinuxProcess {
  mem!: GuestMemory;
  cpu!: ArmCpu;
  fds = FdTable.standard();
  signals = new SignalState();
  /** MAP_SHARED file mappings, kept in step with their files at every system call. */
  readonly sharedMaps = new SharedFileMaps();
  /** The guest path of the running program (/proc/self/exe, AT_EXECFN) and its host file. */
  exePath = '';
  exeHostPath = '';
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

  private constructor(readonly table: OpTable, readonly opts: ProcessOptions) {
    if (opts.strace) this.strace = new Strace(this);
    LinuxProcess.current = this;
  }

  /** Execution counters of this process since it started (or was forked), across execve. */
  counters(): ExecCounters {
    const now = cpuCounters(this.cpu);
    return this.retired ? addCounters(this.retired, now) : now;
  }

  static async create(opts: ProcessOptions): Promise<LinuxProcess> {
    const table = await loadArmTable();
    syscallTable ??= buildSyscallTable(...ALL_SYSCALLS);
    return new LinuxProcess(table, opts);
  }

  /** A forked child (fork.ts): a fresh machine that `fill` loads with the parent's state. */
  static async restore(opts: ProcessOptions, fill: (p: LinuxProcess) => void): Promise<LinuxProcess> {
    const p = await LinuxProcess.create(opts);
    p.newMachine();
    fill(p);
    return p;
  }

  /** A fresh address space and CPU (at start and at execve). */
  private newMachine(): void {
    const memory = new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
    this.mem = new GuestMemory(memory);
    this.cpu = new ArmCpu(this.table, {
      engine: this.opts.engine, ramSize: 0, memory, pageProt: this.mem.prot, log: this.opts.log,
      onException: (_cpu, excp) => this.onException(excp), chain: this.opts.chain, hotThreshold: this.opts.hotThreshold,
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

  /** Load `path` with `argv` and `env` into a fresh address space (the start, and execve). */
  exec(path: string, argv: string[], env: string[], hostFile = this.hostPath(path)): void {
    const { elf } = readArmElf(hostFile, path);
    const old = this.cpu;
    if (old) {
      this.sharedMaps.clear(this.mem);
      const c = cpuCounters(old);
      this.retired = this.retired ? addCounters(this.retired, c) : c;
      this.execs++;
    }
    this.newMachine();
    if (old) old.halted = true; // execve from inside the old CPU's loop: it must stop there
    const image = loadProgram(this.mem, {
      path, argv, env, hostPath: (p) => this.hostPath(p), random: randomBytes(16),
      ids: { uid: process.getuid!(), euid: process.geteuid!(), gid: process.getgid!(), egid: process.getegid!() },
    }, elf);
    this.exePath = path.startsWith('/') ? path : posix.join(process.cwd(), path);
    this.exeHostPath = hostFile.startsWith('/') ? hostFile : posix.join(process.cwd(), hostFile);
    this.argv = argv;
    const env_ = this.cpu.env;
    writeCpsr(env_, MODE_USR, -1);
    env_[SP] = image.sp;
    this.cpu.pc = image.entry;
    // r0 is the dynamic linker's termination function for the program (none here).
    this.signals.resetForExec();
  }

  /** Run until the process ends; between slices, take host signals (Node's event loop). */
  async run(): Promise<ProcessEnd> {
    this.runStart ??= performance.now();
    let lastYield = performance.now();
    for (;;) {
      try {
        this.signals.deliverPending(this); // what host-signal listeners queued while the loop yielded
        this.cpu.run(20000);
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
    this.end = end;
    this.cpu.halted = true;
    throw new ProcessExit(end);
  }

  private onException(excp: number): boolean {
    const env = this.cpu.env;
    const pc = env[PC] >>> 0;
    switch (excp) {
      case EXCP_SWI: {
        const r0 = env[0];
        this.syscall();
        this.signals.afterSyscall(this, r0); // restarts, EINTR, and signals taken on the way back
        break;
      }
      case EXCP_UDEF: this.signals.force(this, SIGILL, ILL_ILLOPC, pc); break;
      case EXCP_PREFETCH_ABORT: this.signals.force(this, SIGSEGV, this.mem.isMapped(pc >>> PAGE_SHIFT) ? SEGV_ACCERR : SEGV_MAPERR, pc); break;
      case EXCP_DATA_ABORT: {
        const addr = env[FAULT_ADDR] >>> 0;
        if (this.mem.isBeyondFile(addr >>> PAGE_SHIFT)) { this.signals.force(this, SIGBUS, BUS_ADRERR, addr); break; }
        this.signals.force(this, SIGSEGV, this.mem.isMapped(addr >>> PAGE_SHIFT) ? SEGV_ACCERR : SEGV_MAPERR, addr);
        break;
      }
      case EXCP_BKPT: this.signals.force(this, SIGTRAP, TRAP_BRKPT, pc); break;
      default: return false;
    }
    return true;
  }

  /** The ARM EABI system call convention: number in r7, arguments in r0-r6, result in r0. */
  private syscall(): void {
    this.syscallCount++;
    const env = this.cpu.env;
    const thumb = env[THUMB] !== 0;
    const at = (env[PC] >>> 0) - (thumb ? 2 : 4);
    // OABI calls (swi 0x900000 + n) are not supported: armel binaries use EABI (swi 0).
    const imm = thumb ? 0 : this.mem.accessible(at, 4, PROT_READ) ? this.mem.u32(at) & 0xffffff : 0;
    const nr = imm === 0 ? env[7] >>> 0 : imm >= 0x900000 ? imm - 0x900000 : -1;
    const def = syscallTable!.get(nr);
    const args = [env[0], env[1], env[2], env[3], env[4], env[5], env[6]];
    const entry = def ?? { ...UNDEFINED_SYSCALL, name: syscallName(nr), nr };
    this.strace?.enter(entry, args);
    let r: number | undefined;
    try {
      const shared = this.sharedMaps.active;
      if (shared) this.sharedMaps.syncOut(this.mem);
      r = imm !== 0 && imm < 0x900000 ? -38 : guarded(() => entry.run(this, ...args));
      if (shared && this.sharedMaps.active) this.sharedMaps.syncIn(this.mem);
    } catch (e) {
      if (e instanceof ProcessExit) throw e;
      r = this.internalError(entry.name, e);
    }
    if (r !== undefined) env[0] = r;
    this.strace?.leave(entry, r);
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
