/**
 * The system emulator as a library: an ARM Versatile PB board (the board of
 * `dynwasm-system-arm -M versatilepb`) that a program creates, feeds and runs. It is a thin
 * layer over what the CLI uses — boards/versatilepb/machine.ts builds the board, CpuExec
 * (runtime/exec.ts) runs it and holds the breakpoints, the gdb stub's register table
 * (runtime/arm/gdb.ts) names the registers, runtime/stats.ts counts — and it imports nothing
 * Node-only, so that it also runs in a browser or a Web Worker.
 */
import { MachineError, VERSATILEPB_MAX_RAM, createVersatilePb as buildBoard, parseRamSize, type VersatilePb } from '../boards/versatilepb/machine.js';
import type { SemihostingFiles, SemihostingHost } from '../boards/arm/semihosting.js';
import { ARM_GDB } from '../runtime/arm/gdb.js';
import { MAX_TB_INSNS } from '../runtime/exec.js';
import { cpuCounters, statsLines, type ExecCounters } from '../runtime/stats.js';
import { ArgumentError, ImageError, MemoryAccessError, StateError } from './errors.js';

/** An image: bytes, as a Uint8Array (a Node Buffer is one) or an ArrayBuffer. */
export type ImageBytes = Uint8Array | ArrayBuffer;

/** The execution engine: the copy-and-patch WebAssembly JIT, or the micro-op interpreter. */
export type Accel = 'jit' | 'interp';

/** Options for {@link createVersatilePb}; they mirror `dynwasm-system-arm`'s (and qemu-system-arm's) flags. */
export interface VersatilePbOptions {
  /**
   * `-kernel`: an ELF (loaded at its segments' physical addresses, entered at its entry point
   * in SVC mode) or a raw image such as a Linux zImage (loaded at 0x10000 and entered through
   * QEMU's boot stub).
   */
  kernel: ImageBytes;
  /** The kernel's name, for messages and semihosting's command line (default `"kernel"`). */
  kernelName?: string;
  /** `-m`: RAM in bytes, or QEMU's syntax such as `"128M"` (default 128 MiB, at most 256 MiB). */
  ram?: number | string;
  /** `-dtb`: a device tree blob for a raw image, fixed up and passed in r2. */
  dtb?: ImageBytes;
  /** `-initrd`: an initial RAM disk for a raw image. */
  initrd?: ImageBytes;
  /** `-append`: the kernel command line. */
  append?: string;
  /** `-accel`: the engine (default `'jit'`). */
  accel?: Accel;
  /**
   * `-semihosting`: handle ARM semihosting calls (console output goes to `onConsoleOutput`,
   * console input comes from UART0's input queue, SYS_EXIT ends the run). `args` are
   * `-semihosting-config arg=` words: SYS_GET_CMDLINE's command line.
   */
  semihosting?: boolean | {
    /** `-semihosting-config arg=` words: SYS_GET_CMDLINE's command line (default: the kernel name and `append`). */
    args?: string[];
    /** Host files for SYS_OPEN and friends (none by default: opening a host file fails with ENOENT). */
    files?: SemihostingFiles;
  };
  /** Semihosting console output (`stream` is the guest's view: SYS_WRITE0/WRITEC go to stderr). */
  onConsoleOutput?: (data: Uint8Array, stream: 'stdout' | 'stderr') => void;
  /**
   * What a guest-requested reset (Linux's `reboot`, the system registers' reset) does:
   * `'reboot'` boots the board again from the same images, as QEMU does (the default);
   * `'stop'` ends {@link VersatilePbMachine.run} with reason `'reset'`, as `-no-reboot`.
   */
  onGuestReset?: 'reboot' | 'stop';
  /** `-singlestep`: one guest instruction per translation block (slower; for comparisons). */
  singleStep?: boolean;
}

/** Why {@link VersatilePbMachine.run} or {@link VersatilePbMachine.step} returned. */
export type StopReason =
  /** The guest ended the machine (semihosting SYS_EXIT); `exitCode` is its status. */
  | 'exit'
  /** The guest asked for a reset and `onGuestReset` is `'stop'`. */
  | 'reset'
  /** A breakpoint: the pc is at it, and the instruction there has not run. */
  | 'breakpoint'
  /** {@link VersatilePbMachine.pause} was called, or the run's AbortSignal fired. */
  | 'paused'
  /** The run's instruction budget is spent. */
  | 'instructions'
  /** One instruction was executed by {@link VersatilePbMachine.step}. */
  | 'step';

/** How a run or a step ended. */
export interface StopInfo {
  /** Why it stopped. */
  reason: StopReason;
  /** The address of the next instruction to run. */
  pc: number;
  /** Guest instructions retired since the board was created or last reset. */
  instructions: number;
  /** With reason `'exit'`: the guest's exit status. */
  exitCode?: number;
  /** With reason `'exit'`: set if the guest made a semihosting call QEMU does not support (status 1). */
  message?: string;
}

/** Options for {@link VersatilePbMachine.run}. */
export interface RunOptions {
  /**
   * Stop after exactly this many more guest instructions (default: no limit). Blocks run as
   * usual until fewer than a block's worth remain; the rest are single-stepped (taking
   * interrupts between them as blocks do).
   */
  instructions?: number;
  /**
   * Milliseconds the CPU runs before the loop yields to the event loop (default 10), which
   * is how output callbacks, {@link VersatilePbMachine.pause}, input and timers get their turn.
   */
  sliceMs?: number;
  /** Stops the run (reason `'paused'`) when it fires; checked between slices. */
  signal?: AbortSignal;
}

/** The register names {@link VersatilePbMachine.readRegister} takes: r0–r15, their gdb aliases, and the CPSR. */
export type ArmRegisterName =
  | 'r0' | 'r1' | 'r2' | 'r3' | 'r4' | 'r5' | 'r6' | 'r7' | 'r8' | 'r9' | 'r10' | 'r11' | 'r12'
  | 'r13' | 'r14' | 'r15' | 'sp' | 'lr' | 'pc' | 'cpsr';

/** The current mode's registers: r0–r15 (r13 = sp, r14 = lr, r15 = pc) and the CPSR. */
export interface ArmRegisters {
  /** r0–r15, unsigned. */
  r: number[];
  /** r13. */
  sp: number;
  /** r14. */
  lr: number;
  /** r15: the address of the next instruction to run. */
  pc: number;
  /** The current program status register (mode in bits 0–4, T in bit 5, the flags in 28–31). */
  cpsr: number;
}

/** Execution statistics (the CLI's `-stats`), since the board was created or last reset. */
export interface MachineStats extends ExecCounters {
  /** Host milliseconds spent inside run() and step(). */
  runMs: number;
  /** Guest instructions per microsecond of runMs. */
  mips: number;
  /** The same as `-stats` prints it, one line per item. */
  lines: string[];
}

/** A listener for a serial port's output. */
export type SerialListener = (data: Uint8Array) => void;

/**
 * One of the board's four PL011 UARTs, as the host sees it: what the guest transmits, and a
 * way to type into its receiver. UART0 is the console (`console=ttyAMA0`).
 */
export interface SerialPort {
  /**
   * Call `listener` with what the guest transmits, in chunks: at the latest at the end of each
   * run slice, and after each step. Returns a function that removes the listener.
   */
  onData(listener: SerialListener): () => void;
  /** Queue input for the guest's receiver (a string is sent as UTF-8). */
  write(data: string | Uint8Array): void;
}

const utf8 = new TextEncoder();
const PAGE = 4096;

function bytes(what: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new ArgumentError(`${what}: expected a Uint8Array or an ArrayBuffer, got ${v === null ? 'null' : typeof v}`);
}

function optionalBytes(what: string, v: unknown): Uint8Array | undefined {
  return v === undefined ? undefined : bytes(what, v);
}

function checkAddress(what: string, addr: unknown): number {
  if (typeof addr !== 'number' || !Number.isInteger(addr) || addr < 0 || addr >= 2 ** 32) {
    throw new ArgumentError(`${what}: address ${String(addr)} is not an integer in [0, 2^32)`);
  }
  return addr;
}

function checkLength(what: string, addr: number, len: unknown): number {
  if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || addr + len > 2 ** 32) {
    throw new ArgumentError(`${what}: length ${String(len)} is not an integer in [0, 2^32 - address]`);
  }
  return len;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Yield to the event loop (setImmediate where there is one: it is not clamped as setTimeout is). */
function yieldToEventLoop(): Promise<void> {
  const si = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (si ? si(resolve) : setTimeout(resolve, 0)));
}

/**
 * A Versatile PB board with its CPU (an ARM926EJ-S), built by {@link createVersatilePb}.
 *
 * Nothing runs until {@link run} or {@link step} is called. While run() is running (it is
 * async, and yields every slice), other calls that only read — registers, memory, stats — see
 * the state between slices; {@link pause} stops the run at the end of the current slice.
 */
export class VersatilePbMachine {
  private board: VersatilePb;
  private readonly listeners: Set<SerialListener>[] = [new Set(), new Set(), new Set(), new Set()];
  private readonly pendingOut: number[][] = [[], [], [], []];
  /** UART0's input, shared with semihosting's console reads (as the CLI shares stdin). */
  private readonly consoleInput: number[] = [];
  private readonly otherInput: number[][] = [[], [], []];
  private inputWaiters: (() => void)[] = [];
  private inputEnded = false;
  private readonly breakpointSet = new Set<number>();
  private running = false;
  private pauseRequested = false;
  private runMs = 0;
  private closed = false;
  /** The four UARTs: UART0 is the console. */
  readonly serial: readonly SerialPort[];

  /**
   * Use {@link createVersatilePb}, which also builds the board.
   * @internal
   */
  constructor(private readonly create: (m: VersatilePbMachine) => Promise<VersatilePb>, private readonly onGuestReset: 'reboot' | 'stop') {
    this.board = undefined as unknown as VersatilePb; // boot() builds it
    this.serial = [0, 1, 2, 3].map((i): SerialPort => ({
      onData: (listener) => {
        if (typeof listener !== 'function') throw new ArgumentError(`serial[${i}].onData: expected a function`);
        this.listeners[i].add(listener);
        return () => { this.listeners[i].delete(listener); };
      },
      write: (data) => {
        const b = typeof data === 'string' ? utf8.encode(data) : bytes(`serial[${i}].write`, data);
        const q = i === 0 ? this.consoleInput : this.otherInput[i - 1];
        for (const x of b) q.push(x);
        this.board.uarts[i].pollInput();
        const w = this.inputWaiters;
        this.inputWaiters = [];
        for (const f of w) f();
      },
    }));
  }

  /** @internal Build the board (createVersatilePb calls it once). */
  async boot(): Promise<void> { await this.rebuild(); }

  /** @internal The board's UART output sink for UART `i`. */
  uartSink(i: number): (byte: number) => void {
    return (b) => { this.pendingOut[i].push(b); };
  }

  /** @internal The semihosting host: console output to the callback, input from UART0's queue. */
  semihostingHost(onConsoleOutput: VersatilePbOptions['onConsoleOutput'], files: SemihostingFiles | undefined): SemihostingHost {
    return {
      stdout: (d) => { this.flushOutput(); onConsoleOutput?.(d.slice(), 'stdout'); },
      stderr: (d) => { this.flushOutput(); onConsoleOutput?.(d.slice(), 'stderr'); },
      readInput: (max) => {
        if (this.consoleInput.length) return Uint8Array.from(this.consoleInput.splice(0, max));
        return this.inputEnded ? new Uint8Array(0) : undefined;
      },
      files,
    };
  }

  private attach(): void {
    this.board.uarts.forEach((u, i) => {
      const q = i === 0 ? this.consoleInput : this.otherInput[i - 1];
      u.inputSource = () => q.shift();
    });
    for (const pc of this.breakpointSet) this.board.cpu.insertBreakpoint(pc);
  }

  private flushOutput(): void {
    for (let i = 0; i < 4; i++) {
      const p = this.pendingOut[i];
      if (!p.length) continue;
      const data = Uint8Array.from(p);
      p.length = 0;
      for (const l of this.listeners[i]) l(data);
    }
  }

  /**
   * Say that no more console input will come: a semihosting read then returns end of file
   * instead of waiting. (UART input simply stays empty.)
   */
  endConsoleInput(): void {
    this.inputEnded = true;
    const w = this.inputWaiters;
    this.inputWaiters = [];
    for (const f of w) f();
  }

  /** The address of the next instruction to run (Thumb state is the CPSR's T bit, 0x20). */
  get pc(): number { return this.board.cpu.pc; }

  /** Guest instructions retired since the board was created or last reset (exact in both engines). */
  get instructions(): number { return this.board.cpu.icount; }

  /** Whether run() is running now. */
  get isRunning(): boolean { return this.running; }

  /** Whether the guest has ended the machine (semihosting exit); run() then returns at once. */
  get hasExited(): boolean { return this.board.cpu.halted && !this.board.semihosting?.waitingForInput && !this.board.resetRequested; }

  private stop(reason: StopReason): StopInfo {
    this.flushOutput();
    const cpu = this.board.cpu;
    const info: StopInfo = { reason, pc: this.pc, instructions: cpu.icount };
    if (reason === 'exit') {
      info.exitCode = cpu.exitCode;
      const fatal = this.board.semihosting?.fatal;
      if (fatal) info.message = fatal;
    }
    return info;
  }

  /**
   * Run the guest until it exits, hits a breakpoint, spends `options.instructions`, or is
   * paused. A run that starts at a breakpoint first steps over it (as gdb's continue does).
   * While the CPU waits for an interrupt (WFI, an idle kernel), run() sleeps on timers
   * instead of spinning. A guest that halts for good with interrupts off (Linux's
   * `poweroff -f`) keeps run() waiting until pause() or the signal stops it, as QEMU keeps
   * running.
   *
   * @throws {@link StateError} if run() is already running or the machine was closed
   * @throws {@link ArgumentError} for a bad option
   */
  async run(options: RunOptions = {}): Promise<StopInfo> {
    if (this.closed) throw new StateError('run: the machine is closed');
    if (this.running) throw new StateError('run: the machine is already running');
    const budget = options.instructions;
    if (budget !== undefined && (typeof budget !== 'number' || !Number.isSafeInteger(budget) || budget < 0)) {
      throw new ArgumentError(`run: instructions ${String(budget)} is not a non-negative integer`);
    }
    const sliceMs = options.sliceMs ?? 10;
    if (typeof sliceMs !== 'number' || !(sliceMs > 0)) throw new ArgumentError(`run: sliceMs ${String(sliceMs)} is not a positive number`);
    const signal = options.signal;
    this.running = true;
    this.pauseRequested = false;
    let target = budget === undefined ? Infinity : this.board.cpu.icount + budget;
    const t0 = performance.now();
    try {
      // Step over a breakpoint the run starts at (its instruction is next to run).
      if (this.breakpointSet.has(this.board.cpu.pc) && !this.board.cpu.halted && this.board.cpu.icount < target) this.board.cpu.stepInstruction();
      for (;;) {
        if (this.pauseRequested || signal?.aborted) return this.stop('paused');
        let cpu = this.board.cpu;
        if (cpu.halted) {
          const sh = this.board.semihosting;
          if (sh?.waitingForInput) {
            // A semihosting read found no input yet: wait for some (or for its end), then retry the call.
            this.flushOutput();
            if (!this.consoleInput.length && !this.inputEnded) {
              await new Promise<void>((resolve) => {
                this.inputWaiters.push(resolve);
                signal?.addEventListener('abort', () => resolve(), { once: true });
                this.pauseWaker = resolve;
              });
              this.pauseWaker = undefined;
              continue;
            }
            sh.waitingForInput = false;
            cpu.halted = false;
            continue;
          }
          if (this.board.resetRequested) {
            if (this.onGuestReset === 'stop') return this.stop('reset');
            // The new board counts from 0; the budget left carries over.
            const left = target - cpu.icount;
            await this.rebuild();
            target = this.board.cpu.icount + left;
            continue;
          }
          return this.stop('exit');
        }
        if (cpu.icount >= target) return this.stop('instructions');
        const sliceEnd = performance.now() + sliceMs;
        let debug = false;
        do {
          const left = target - cpu.icount;
          if (left <= 0) break;
          if (left < MAX_TB_INSNS) {
            // The last instructions one at a time, so as not to overshoot; interrupts as run() takes them.
            cpu.pollInterrupts();
            if (cpu.waiting) break;
            if (this.breakpointSet.has(cpu.pc)) { debug = true; break; }
            cpu.stepInstruction();
          } else {
            const r = cpu.run(left === Infinity ? 2000 : Math.max(1, Math.min(2000, Math.floor(left / MAX_TB_INSNS))));
            if (r.reason === 'debug') { debug = true; break; }
          }
          this.board.poll();
        } while (!cpu.halted && !cpu.waiting && performance.now() < sliceEnd);
        this.flushOutput();
        if (debug) return this.stop('breakpoint');
        cpu = this.board.cpu;
        if (cpu.waiting && !cpu.halted) {
          // Wait for an interrupt: sleep instead of spinning; the timers are polled after it.
          await new Promise((resolve) => setTimeout(resolve, 1));
          this.board.poll();
          continue;
        }
        if (!cpu.halted) await yieldToEventLoop();
      }
    } finally {
      this.runMs += performance.now() - t0;
      this.running = false;
    }
  }

  private pauseWaker?: () => void;

  /**
   * Ask a running run() to stop at the end of its current slice (its StopInfo's reason is
   * `'paused'`). Does nothing if the machine is not running.
   */
  pause(): void {
    if (!this.running) return;
    this.pauseRequested = true;
    this.pauseWaker?.();
  }

  /**
   * Execute exactly one guest instruction (interrupts are not taken, as in a debugger's step;
   * a breakpoint at the pc does not stop it).
   *
   * @throws {@link StateError} while run() is running, or after close()
   */
  step(): StopInfo {
    this.idle('step');
    const t0 = performance.now();
    const cpu = this.board.cpu;
    try {
      if (cpu.halted) return this.stop(this.board.resetRequested ? 'reset' : 'exit');
      cpu.stepInstruction();
      this.board.poll();
      return this.stop(cpu.halted && !this.board.semihosting?.waitingForInput ? (this.board.resetRequested ? 'reset' : 'exit') : 'step');
    } finally {
      this.runMs += performance.now() - t0;
    }
  }

  /**
   * Reset the board, as QEMU's `system_reset`: it is built again from the same images and
   * options and starts from the beginning. Breakpoints, serial listeners and queued input are
   * kept; the statistics start again.
   *
   * @throws {@link StateError} while run() is running, or after close()
   */
  async reset(): Promise<void> {
    this.idle('reset');
    await this.rebuild();
  }

  private async rebuild(): Promise<void> {
    this.flushOutput();
    this.board?.semihosting?.close();
    this.board = await this.create(this);
    this.runMs = 0;
    this.attach();
  }

  private idle(what: string): void {
    if (this.closed) throw new StateError(`${what}: the machine is closed`);
    if (this.running) throw new StateError(`${what}: the machine is running (pause it first)`);
  }

  // --- registers -----------------------------------------------------------------------------
  private regNumber(what: string, name: unknown): number {
    const n = typeof name === 'string' ? ARM_GDB.registerNames[name] : undefined;
    if (n === undefined) {
      throw new ArgumentError(`${what}: unknown register ${JSON.stringify(name)} (r0-r15, sp, lr, pc, cpsr)`);
    }
    return n;
  }

  /**
   * A register of the current mode (a banked register of another mode is not reachable
   * here). The pc reads as the address of the next instruction to run, without the Thumb bit.
   *
   * @throws {@link ArgumentError} for an unknown name
   */
  readRegister(name: ArmRegisterName): number {
    return ARM_GDB.readRegister(this.board.cpu, this.regNumber('readRegister', name))!;
  }

  /**
   * Write a register of the current mode. Writing the CPSR changes the mode and the
   * instruction set (its T bit), as gdb's register write does; the pc's bit 0 is ignored.
   *
   * @throws {@link ArgumentError} for an unknown name or a value that is not a 32-bit integer
   * @throws {@link StateError} while run() is running
   */
  writeRegister(name: ArmRegisterName, value: number): void {
    this.idle('writeRegister');
    const n = this.regNumber('writeRegister', name);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
      throw new ArgumentError(`writeRegister: ${String(value)} is not a 32-bit integer`);
    }
    ARM_GDB.writeRegister(this.board.cpu, n, value >>> 0);
  }

  /** All registers of the current mode at once. */
  registers(): ArmRegisters {
    const r = Array.from({ length: 16 }, (_, i) => this.readRegister(`r${i}` as ArmRegisterName));
    return { r, sp: r[13], lr: r[14], pc: r[15], cpsr: this.readRegister('cpsr') };
  }

  /** The registers in QEMU's `info registers` / `-d cpu` format. */
  dumpRegisters(): string { return this.board.cpu.dumpState(); }

  // --- memory --------------------------------------------------------------------------------
  /**
   * Read guest memory at virtual address `addr`, translated as the CPU's MMU does now (with
   * the MMU off, virtual is physical). Reading never faults the guest and never reads devices.
   *
   * @throws {@link MemoryAccessError} if a byte is unmapped or not RAM
   * @throws {@link ArgumentError} for a bad address or length
   */
  readMemory(addr: number, length: number): Uint8Array {
    checkLength('readMemory', checkAddress('readMemory', addr), length);
    const data = this.board.cpu.debugRead(addr, length);
    if (!data) throw new MemoryAccessError(this.firstBadVirtual(addr, length), `readMemory: ${hex(this.firstBadVirtual(addr, length))} is not mapped to RAM`);
    return data;
  }

  /**
   * Write guest memory at virtual address `addr` (code translated from it is dropped, so the
   * guest runs what was written). Nothing is written if any byte is not RAM.
   *
   * @throws {@link MemoryAccessError} if a byte is unmapped or not RAM
   * @throws {@link ArgumentError} for a bad address or data
   * @throws {@link StateError} while run() is running
   */
  writeMemory(addr: number, data: Uint8Array): void {
    this.idle('writeMemory');
    const d = bytes('writeMemory', data);
    checkLength('writeMemory', checkAddress('writeMemory', addr), d.length);
    if (!this.board.cpu.debugWrite(addr, d)) {
      throw new MemoryAccessError(this.firstBadVirtual(addr, d.length), `writeMemory: ${hex(this.firstBadVirtual(addr, d.length))} is not mapped to RAM`);
    }
  }

  private firstBadVirtual(addr: number, len: number): number {
    for (let a = addr; a < addr + len; a = (a & ~(PAGE - 1)) + PAGE) if (this.board.cpu.debugHostAddress(a) === undefined) return a;
    return addr;
  }

  /** Bytes of RAM (at physical address 0). */
  get ramSize(): number { return this.board.cpu.opts.ramSize; }

  /**
   * Read physical memory: RAM only (devices are not read, as reading them has effects).
   *
   * @throws {@link MemoryAccessError} if the range is not inside RAM
   * @throws {@link ArgumentError} for a bad address or length
   */
  readPhysical(addr: number, length: number): Uint8Array {
    checkLength('readPhysical', checkAddress('readPhysical', addr), length);
    this.checkRam('readPhysical', addr, length);
    return this.board.cpu.ram.slice(addr, addr + length);
  }

  /**
   * Write physical memory (RAM only); code translated from it is dropped.
   *
   * @throws {@link MemoryAccessError} if the range is not inside RAM
   * @throws {@link ArgumentError} for a bad address or data
   * @throws {@link StateError} while run() is running
   */
  writePhysical(addr: number, data: Uint8Array): void {
    this.idle('writePhysical');
    const d = bytes('writePhysical', data);
    checkLength('writePhysical', checkAddress('writePhysical', addr), d.length);
    this.checkRam('writePhysical', addr, d.length);
    this.board.cpu.writeBytes(addr, d);
  }

  private checkRam(what: string, addr: number, len: number): void {
    if (len && !this.board.cpu.isRam(addr, len)) {
      const bad = addr < this.ramSize ? this.ramSize : addr;
      throw new MemoryAccessError(bad, `${what}: ${hex(bad)} is not RAM (RAM is ${hex(0)}-${hex(this.ramSize - 1)})`);
    }
  }

  // --- breakpoints ---------------------------------------------------------------------------
  /**
   * Stop run() before the instruction at virtual address `addr` executes (guest memory is not
   * changed: the translator ends blocks there). Breakpoints survive reset().
   *
   * @throws {@link ArgumentError} for a bad address
   */
  addBreakpoint(addr: number): void {
    checkAddress('addBreakpoint', addr);
    const pc = addr & ~1;
    this.breakpointSet.add(pc >>> 0);
    this.board.cpu.insertBreakpoint(pc);
  }

  /** Remove the breakpoint at `addr`; false if there was none. */
  removeBreakpoint(addr: number): boolean {
    checkAddress('removeBreakpoint', addr);
    const pc = (addr & ~1) >>> 0;
    if (!this.breakpointSet.delete(pc)) return false;
    this.board.cpu.removeBreakpoint(pc);
    return true;
  }

  /** The breakpoints' addresses, in the order they were added. */
  get breakpoints(): number[] { return [...this.breakpointSet]; }

  // --- statistics ----------------------------------------------------------------------------
  /** Execution statistics since the board was created or last reset. */
  stats(): MachineStats {
    const c = cpuCounters(this.board.cpu);
    return { ...c, runMs: this.runMs, mips: this.runMs > 0 ? c.icount / this.runMs / 1000 : 0, lines: statsLines(c, this.runMs) };
  }

  /**
   * Close the machine's host resources (semihosting's open host files). The machine cannot
   * run afterwards.
   */
  close(): void {
    if (this.closed) return;
    if (this.running) this.pause();
    this.closed = true;
    this.board.semihosting?.close();
  }
}

/**
 * Create an ARM Versatile PB board (`-M versatilepb`) with its kernel loaded and the CPU at
 * its entry point, not yet running.
 *
 * @throws {@link ArgumentError} for a bad option (a RAM size that is not a size, or above 256 MiB; an unknown accel)
 * @throws {@link ImageError} for an image that cannot be loaded (an empty kernel, a truncated or non-ARM ELF, a segment outside RAM, a malformed dtb, an initrd that does not fit)
 */
export async function createVersatilePb(options: VersatilePbOptions): Promise<VersatilePbMachine> {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('createVersatilePb: expected an options object');
  const kernel = bytes('kernel', options.kernel);
  const dtb = optionalBytes('dtb', options.dtb);
  const initrd = optionalBytes('initrd', options.initrd);
  const accel = options.accel ?? 'jit';
  if (accel !== 'jit' && accel !== 'interp') throw new ArgumentError(`accel: ${JSON.stringify(accel)} is not 'jit' or 'interp'`);
  let ramSize: number | undefined;
  if (options.ram !== undefined) {
    const r = options.ram;
    ramSize = typeof r === 'string' ? parseRamSize(r) : typeof r === 'number' && Number.isInteger(r) && r > 0 ? r : undefined;
    if (ramSize === undefined) throw new ArgumentError(`ram: ${JSON.stringify(r)} is not a size (bytes, or a number with K, M or G)`);
    if (ramSize > VERSATILEPB_MAX_RAM) throw new ArgumentError(`ram: ${JSON.stringify(r)} is more than versatilepb's 256 MiB`);
  }
  if (options.append !== undefined && typeof options.append !== 'string') throw new ArgumentError('append: expected a string');
  const onGuestReset = options.onGuestReset ?? 'reboot';
  if (onGuestReset !== 'reboot' && onGuestReset !== 'stop') throw new ArgumentError(`onGuestReset: ${JSON.stringify(onGuestReset)} is not 'reboot' or 'stop'`);
  const sh = options.semihosting;
  const shArgs = typeof sh === 'object' && sh ? sh.args : undefined;
  if (shArgs !== undefined && (!Array.isArray(shArgs) || !shArgs.every((a) => typeof a === 'string'))) throw new ArgumentError('semihosting.args: expected an array of strings');
  const kernelName = options.kernelName ?? 'kernel';

  const create = async (m: VersatilePbMachine): Promise<VersatilePb> => {
    try {
      return await buildBoard({
        engine: accel, ramSize, kernel, kernelName, append: options.append,
        initrd, initrdName: 'initrd', dtb, dtbName: 'dtb',
        semihosting: sh ? m.semihostingHost(options.onConsoleOutput, typeof sh === 'object' ? sh.files : undefined) : undefined,
        semihostingArgs: shArgs,
        uartOutput: [0, 1, 2, 3].map((i) => m.uartSink(i)),
        singleStep: options.singleStep,
        // As the CLI: a block is compiled after 200 interpreted runs (docs/performance.md).
        hotThreshold: 200,
      });
    } catch (e) {
      if (e instanceof MachineError) throw new ImageError(e.message);
      throw e;
    }
  };
  // The board's output sinks and semihosting host are the machine's: the machine comes first.
  const machine = new VersatilePbMachine(create, onGuestReset);
  await machine.boot();
  return machine;
}
