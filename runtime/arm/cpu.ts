/**
 * The ARM CPU and its exec loop (QEMU's cpu_exec): finds the translation block for the current
 * pc and state, translates missing ones in batches (the block and its static successors, one
 * WebAssembly module per batch), runs it in the chosen engine, and takes exceptions and
 * interrupts between blocks. Guest physical memory is linear memory 1:1; the page-flag table
 * sends device accesses, faults and stores into translated code to the slow path here.
 */
import {
  ENV_WORDS, OpState, PAGE_CODE, PAGE_FLAGS_BASE, PAGE_SHIFT, PAGE_SIZE, PAGE_SLOW_READ, PAGE_SLOW_WRITE,
  type SlowMemory,
} from '../../ops/core.js';
import { SCTLR_RESET, SCTLR_V } from '../../ops/arm/cp15.js';
import { readCpsr, writeCpsr } from '../../ops/arm/modes.js';
import {
  CP15_FAR, CP15_FSR, CP15_SCTLR, CPSR_A, CPSR_F, CPSR_Z, CPSR_I, CPSR_MODE, CPSR_T, EXCEPTION, EXCP_BKPT, EXCP_DATA_ABORT, EXCP_FIQ,
  EXCP_IRQ, EXCP_PREFETCH_ABORT, EXCP_SWI, EXCP_UDEF, EXCP_WFI, EXCP_YIELD, EXIT_REQUEST, FAULT_ADDR, ICOUNT, LR, MODE_ABT, MODE_FIQ, MODE_IRQ,
  MODE_SVC, MODE_UND, PC, SPSR, THUMB,
} from '../../ops/arm/state.js';
import * as G from '../generated/arm/ops.js';
import { OpBuffer } from '../op-buffer.js';
import { OpTable } from '../op-table.js';
import { InterpEngine, JitEngine, TbCache, type Engine, type TranslationBlock } from '../tb.js';
import { DISPATCH_EXCEPTION, DISPATCH_MISS } from '../dispatch.js';
import { DisasContext, MAX_TB_INSNS } from './translate.js';
import { Interpreter } from '../interp.js';
import { disasArm, translateArmInsn } from './decode-arm.js';
import { disasThumb, isThumbBlPrefix, translateThumbInsn } from './decode-thumb.js';
import { Logger } from '../log.js';
import type { Bus } from '../bus.js';

/** What the machine around the CPU provides: its devices (runtime/bus.ts). */
export type ArmBus = Bus;

export interface ArmCpuOptions {
  engine: 'jit' | 'interp';
  /** Bytes of RAM at physical address 0. */
  ramSize: number;
  bus?: ArmBus;
  /** Called for SWI before the exception is taken; return true if it was handled (semihosting). */
  onSwi?: (cpu: ArmCpu, imm: number) => boolean;
  /**
   * Called for every architectural exception before it is taken; return true if it was handled.
   * User-mode emulation handles them all here (SWI is a system call, aborts and undefined
   * instructions become signals), as QEMU's linux-user cpu_loop does.
   */
  onException?: (cpu: ArmCpu, excp: number) => boolean;
  /**
   * Page permissions (PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4 per 4 KiB page), when the
   * machine has them (user mode): then no bus answers, and an access the page does not allow
   * raises a data abort (a fetch, a prefetch abort). The owner calls updatePageFlags() after
   * changing an entry.
   */
  pageProt?: Uint8Array;
  /** Maximum number of cached blocks before the cache is flushed. */
  tbCacheSize?: number;
  /** Blocks per compiled module (JIT batching). */
  batchSize?: number;
  log?: Logger;
  /** One guest instruction per block (QEMU's -singlestep), for lockstep comparisons. */
  singleStep?: boolean;
  /** JIT only: chain blocks inside WebAssembly (default true; false calls each block from JS). */
  chain?: boolean;
  /**
   * JIT only: a new block runs in the interpreter until it has run this many times, then it is
   * compiled with other hot blocks, batchSize to a module (default 4; 0 compiles every block
   * at once, with its static successors). Cold code then costs no compilation.
   */
  hotThreshold?: number;
  /** An existing memory (tests run two CPUs side by side on their own memories). */
  memory?: WebAssembly.Memory;
}


/**
 * Interpreted runs a hot block waits for others to share its module (a module costs ~100 µs
 * to compile, a block well under 1 µs to interpret). Measured with 12, 64, 256 and 1024: longer
 * waits make fewer modules but spend more time interpreting; 12 was best or close on every
 * program (docs/performance.md).
 */
const HOT_WAIT = 12;

/** Mode names by the low four mode bits, as QEMU prints them. */
const CPU_MODE_NAMES = ['usr', 'fiq', 'irq', 'svc', '???', '???', 'mon', 'abt', '???', '???', 'hyp', 'und', '???', '???', '???', 'sys'];

/** Page permission bits (Linux PROT_*), for ArmCpuOptions.pageProt. */
export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

let tablePromise: Promise<OpTable> | undefined;
/** The generated ARM op table (loaded once). */
export function loadArmTable(): Promise<OpTable> {
  tablePromise ??= import('../generated/arm/ops.js').then((m) => new OpTable(m));
  return tablePromise;
}

export interface RunResult {
  /** Why the loop stopped: the machine asked (exit), the CPU waits for an interrupt, or the block budget ran out. */
  reason: 'halt' | 'wfi' | 'budget';
}

export class ArmCpu implements SlowMemory {
  readonly memory: WebAssembly.Memory;
  readonly s: OpState;
  readonly env: Int32Array;
  readonly engine: Engine;
  readonly tbs: TbCache;
  private readonly flags: Uint8Array;
  private readonly view: DataView;
  private readonly u8: Uint8Array;
  private readonly batchSize: number;
  private readonly hotThreshold: number;
  /** Runs blocks the tiered JIT has not compiled yet. */
  private readonly coldInterp?: Interpreter;
  /** Blocks that reached the threshold, waiting to be compiled together. */
  private hot: TranslationBlock[] = [];
  private readonly scratch = new OpBuffer(4096);
  /** Run blocks through the JIT's chained dispatcher rather than one JS call per block. */
  private readonly chain: boolean;
  private readonly maxTbInsns: number;
  /** In wait-for-interrupt: run() returns at once until an interrupt line rises. */
  waiting = false;
  private stopped = false;
  /** Set to make run() return before the next block (user mode: to let Node's event loop turn); run() clears it. */
  leaveRun = false;
  /** Set by the machine (semihosting exit, a reset request) to stop the loop. */
  get halted(): boolean { return this.stopped; }
  set halted(v: boolean) { if (v) this.requestExit(); this.stopped = v; }
  exitCode = 0;
  private irq = false;
  private fiq = false;
  /** Interrupt lines, driven by the board's interrupt controller. Raising one makes chained
   *  execution come back to the exec loop after the current block, to take it. */
  get irqLine(): boolean { return this.irq; }
  set irqLine(v: boolean) { if (v && !this.irq) this.requestExit(); this.irq = v; }
  get fiqLine(): boolean { return this.fiq; }
  set fiqLine(v: boolean) { if (v && !this.fiq) this.requestExit(); this.fiq = v; }
  private icountBase = 0;
  readonly stats = { tbsTranslated: 0, insnsTranslated: 0, translateMs: 0, blocksRun: 0, exceptions: 0 };
  readonly log?: Logger;
  private readonly prot?: Uint8Array;

  constructor(readonly table: OpTable, readonly opts: ArmCpuOptions) {
    this.memory = opts.memory ?? new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
    this.s = new OpState(this.memory);
    this.s.slow = this;
    this.env = this.s.env;
    this.flags = new Uint8Array(this.memory.buffer, PAGE_FLAGS_BASE, 1 << (32 - PAGE_SHIFT));
    this.view = new DataView(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
    const capacity = opts.tbCacheSize ?? 1 << 16;
    this.batchSize = Math.min(opts.batchSize ?? 32, capacity);
    this.hotThreshold = opts.engine === 'jit' ? opts.hotThreshold ?? 4 : 0;
    if (this.hotThreshold > 0) this.coldInterp = new Interpreter(table);
    this.chain = opts.engine === 'jit' && opts.chain !== false && !opts.singleStep
      && !opts.log?.has('exec') && !opts.log?.has('cpu');
    this.engine = opts.engine === 'jit'
      ? new JitEngine(table, this.memory, this.s, capacity + this.batchSize, { pc: PC, state: THUMB, exception: EXCEPTION, exitRequest: EXIT_REQUEST }, this.chain)
      : new InterpEngine(table, this.s);
    this.tbs = new TbCache(capacity, this.engine, (page) => {
      this.flags[page] &= ~(PAGE_CODE | PAGE_SLOW_WRITE);
      if (this.prot && !(this.prot[page] & PROT_WRITE)) this.flags[page] |= PAGE_SLOW_WRITE;
    });
    this.maxTbInsns = opts.singleStep ? 1 : MAX_TB_INSNS;
    this.log = opts.log;
    this.prot = opts.pageProt;
    if (this.prot) {
      for (let p = 0; p < this.prot.length; p++) this.flags[p] = this.pageFlagsFromProt(p);
    } else {
      // Everything above RAM is devices or nothing: slow for both reads and writes.
      const ramPages = Math.ceil(opts.ramSize / PAGE_SIZE);
      this.flags.fill(0, 0, ramPages);
      this.flags.fill(PAGE_SLOW_READ | PAGE_SLOW_WRITE, ramPages);
    }
    this.reset();
  }

  /**
   * Reset state: SVC mode, IRQ and FIQ masked, ARM state, pc 0 (ARM ARM A2.6.1). The flags are
   * unknown on hardware; QEMU's reset leaves Z set and the A bit (bit 8) too, and programs
   * that print their CPSR see those, so we match it.
   */
  reset(): void {
    this.env.fill(0, 0, ENV_WORDS - 8);
    writeCpsr(this.env, CPSR_Z | CPSR_A | MODE_SVC | CPSR_I | CPSR_F, -1);
    this.env[CP15_SCTLR] = SCTLR_RESET;
  }

  private pageFlagsFromProt(page: number): number {
    const p = this.prot![page];
    return (p & PROT_READ ? 0 : PAGE_SLOW_READ) | (p & PROT_WRITE ? 0 : PAGE_SLOW_WRITE);
  }

  /**
   * Recompute the page-flag bytes of pages [first, first + count) after their pageProt entries
   * changed (mmap, mprotect, munmap). Code translated from them is dropped: the mapping may be
   * new bytes, and a page that lost PROT_EXEC must fault on its next fetch.
   */
  updatePageFlags(first: number, count: number): void {
    for (let p = first; p < first + count; p++) {
      if (this.flags[p] & PAGE_CODE) this.tbs.invalidatePage(p);
      this.flags[p] = this.pageFlagsFromProt(p);
    }
  }

  // --- guest memory as the machine sees it (loaders, semihosting, devices) -----------------
  get ram(): Uint8Array { return this.u8.subarray(0, this.opts.ramSize); }
  isRam(addr: number, bytes = 1): boolean { return addr >= 0 && addr + bytes <= this.opts.ramSize; }
  readU8(addr: number): number { return this.u8[addr >>> 0]; }
  readU32(addr: number): number { return this.view.getUint32(addr >>> 0, true); }
  writeU32(addr: number, v: number): void { this.storeRam(addr, 4, v); }
  /** Copy bytes into RAM, invalidating any code translated from them. */
  writeBytes(addr: number, data: Uint8Array): void {
    for (let p = addr >>> PAGE_SHIFT; p <= (addr + data.length - 1) >>> PAGE_SHIFT; p++) this.tbs.invalidatePage(p);
    this.u8.set(data, addr);
  }
  readCString(addr: number, max = 1 << 20): string {
    let end = addr;
    while (end - addr < max && this.isRam(end) && this.u8[end] !== 0) end++;
    return Buffer.from(this.u8.subarray(addr, end)).toString('latin1');
  }

  get pc(): number { return this.env[PC] >>> 0; }
  set pc(v: number) { this.env[PC] = v & ~1; this.env[THUMB] = v & 1; }
  get cpsr(): number { return readCpsr(this.env) >>> 0; }
  /** Guest instructions retired since reset (exact in both engines). */
  get icount(): number { return this.icountBase + (this.env[ICOUNT] >>> 0); }

  // --- SlowMemory: what memory ops call for pages flagged slow -----------------------------
  load(addr: number, bytes: number): number {
    addr >>>= 0;
    if (!(this.flags[addr >>> PAGE_SHIFT] & PAGE_SLOW_READ)) return this.loadRam(addr, bytes);
    if (this.prot) { this.dataAbort(addr); return 0; }
    const v = this.opts.bus?.read(addr, bytes);
    if (v === undefined) { this.dataAbort(addr); return 0; }
    return v;
  }

  store(addr: number, bytes: number, value: number): void {
    addr >>>= 0;
    const page = addr >>> PAGE_SHIFT;
    const f = this.flags[page];
    if (this.prot && !(this.prot[page] & PROT_WRITE)) { this.dataAbort(addr); return; }
    if (f & PAGE_CODE) { this.tbs.invalidateRange(page, addr, bytes); this.storeRam(addr, bytes, value); return; }
    if (!(f & PAGE_SLOW_READ)) { this.storeRam(addr, bytes, value); return; }
    if (!this.opts.bus?.write(addr, bytes, value)) this.dataAbort(addr);
  }

  private loadRam(addr: number, bytes: number): number {
    return bytes === 1 ? this.u8[addr] : bytes === 2 ? this.view.getUint16(addr, true) : this.view.getInt32(addr, true);
  }
  private storeRam(addr: number, bytes: number, value: number): void {
    if (bytes === 1) this.u8[addr] = value; else if (bytes === 2) this.view.setUint16(addr, value, true); else this.view.setInt32(addr, value, true);
  }
  private dataAbort(addr: number): void {
    this.env[EXCEPTION] = EXCP_DATA_ABORT;
    this.env[FAULT_ADDR] = addr;
    this.env[CP15_FAR] = addr;
    this.env[CP15_FSR] = 0x8; // external abort, non-linefetch (ARM926 FSR encoding)
  }

  // --- translation ---------------------------------------------------------------------------
  private fetch(addr: number, bytes: number): number | undefined {
    if (this.flags[addr >>> PAGE_SHIFT] & PAGE_SLOW_READ) return undefined;
    if (this.prot && !(this.prot[addr >>> PAGE_SHIFT] & PROT_EXEC)) return undefined;
    return bytes === 4 ? this.view.getInt32(addr, true) : this.view.getUint16(addr, true);
  }

  /** Translate the block at `key` (pc | thumb) into a micro-op stream. */
  translate(key: number): { tb: TranslationBlock; successors: number[] } {
    const t0 = performance.now();
    const thumb = (key & 1) !== 0;
    const pc = (key & ~1) >>> 0;
    const size = thumb ? 2 : 4;
    const logInAsm = this.log?.has('in_asm') ?? false;
    // Translate into one reused buffer; the block keeps an exact-size copy.
    const ob = this.scratch;
    ob.reset();
    const ctx = new DisasContext(ob, thumb);
    const pageEnd = ((pc >>> PAGE_SHIFT) + 1) << PAGE_SHIFT;
    let addr = pc;
    for (;;) {
      const insn = this.fetch(addr, size);
      if (insn === undefined) {
        // Nothing executable here: the block raises a prefetch abort when it gets here.
        ctx.pc = addr;
        G.gen_op_raise_exception(ob, EXCP_PREFETCH_ABORT, addr, ctx.retired);
        break;
      }
      ctx.pc = addr;
      ctx.nextPc = (addr + size) >>> 0;
      if (logInAsm) ctx.insns.push({ pc: addr, insn, size });
      if (thumb) translateThumbInsn(ctx, insn); else translateArmInsn(ctx, insn);
      ctx.retired++;
      addr = ctx.nextPc;
      if (ctx.ended) break;
      // A Thumb BL/BLX prefix stays with its suffix even at the size limit, as QEMU's single step does.
      const limit = ctx.retired >= this.maxTbInsns && !(thumb && isThumbBlPrefix(insn));
      if (limit || addr >= pageEnd || addr === 0) {
        G.gen_op_jmp_im(ob, addr | 0, ctx.retired);
        ctx.successors.push((addr | (thumb ? 1 : 0)) >>> 0);
        break;
      }
    }
    const tb: TranslationBlock = { key, start: pc, end: Math.max(addr, pc + size), insns: ctx.retired, ob: ob.copy(), successors: ctx.successors };
    this.stats.tbsTranslated++;
    this.stats.insnsTranslated += tb.insns;
    this.stats.translateMs += performance.now() - t0;
    if (logInAsm) this.log!.inAsm(ctx.insns.map((i) => ({ ...i, text: thumb ? disasThumb(i.insn, i.pc) : disasArm(i.insn, i.pc) })));
    if (this.log?.has('op')) this.log.ops(this.table, tb.ob, pc);
    return { tb, successors: ctx.successors };
  }

  /** Translate the block at `key` and up to batchSize - 1 static successors; install them. */
  private translateBatch(key: number): TranslationBlock {
    this.tbs.makeRoom(this.hotThreshold > 0 ? 1 : this.batchSize);
    if (this.hotThreshold > 0) {
      // Tiered: translate just this block; it is compiled once it proves hot.
      const { tb } = this.translate(key);
      this.addToCache(tb);
      return tb;
    }
    const batch: TranslationBlock[] = [];
    const queue = [key];
    const queued = new Set(queue);
    while (queue.length && batch.length < this.batchSize) {
      const k = queue.shift()!;
      if (batch.length > 0 && (this.tbs.has(k) || (this.flags[(k >>> 0) >>> PAGE_SHIFT] & PAGE_SLOW_READ))) continue;
      const { tb, successors } = this.translate(k);
      batch.push(tb);
      for (const s of successors) if (!queued.has(s)) { queued.add(s); queue.push(s); }
    }
    for (const tb of batch) this.addToCache(tb);
    this.install(batch);
    return batch[0];
  }

  private addToCache(tb: TranslationBlock): void {
    const page = tb.start >>> PAGE_SHIFT;
    if (!(this.flags[page] & PAGE_SLOW_READ)) this.flags[page] |= PAGE_CODE | PAGE_SLOW_WRITE;
    this.tbs.add(tb, page);
  }

  private install(batch: TranslationBlock[]): void {
    this.engine.install(batch);
    if (this.log?.has('out_asm') && this.engine instanceof JitEngine && this.engine.lastModule) this.log.outAsm(this.engine.lastModule, batch);
  }

  /** Run a block the tiered JIT has not compiled, counting its runs; compile the hot ones. */
  private runCold(tb: TranslationBlock): void {
    this.coldInterp!.run(this.s, tb.ob);
    const hits = tb.hits = (tb.hits ?? 0) + 1;
    if (hits === this.hotThreshold) {
      this.hot.push(tb);
      if (this.hot.length >= this.batchSize) this.compileHot();
    } else if (hits >= this.hotThreshold + HOT_WAIT) {
      this.compileHot(); // a hot block has waited long enough for company
    }
  }

  private compileHot(): void {
    // Blocks invalidated or flushed while they waited are gone.
    let batch = this.hot.filter((tb) => this.tbs.get(tb.key) === tb && tb.fn === undefined);
    this.hot = [];
    if (batch.length === 0) return;
    // Bring along the blocks they jump to that have run but are not hot yet (a loop's rarer
    // paths), so that a loop's region holds them and its iterations stay inside WebAssembly.
    const taken = new Set(batch);
    for (let i = 0; i < batch.length && batch.length < 2 * this.batchSize; i++) {
      for (const k of batch[i].successors) {
        const tb = this.tbs.get(k);
        if (tb && tb.fn === undefined && tb.hits && !taken.has(tb)) { taken.add(tb); batch.push(tb); }
      }
    }
    if (this.tbs.makeRoom(batch.length)) batch = [];
    if (batch.length) this.install(batch);
  }

  // --- the exec loop -------------------------------------------------------------------------
  /** Ask the exec loop to look at the machine (interrupt lines, halt) after the current block. */
  requestExit(): void { this.env[EXIT_REQUEST] = 1; }

  /** Run until the machine halts or about `maxBlocks` blocks have run. */
  run(maxBlocks = Infinity): RunResult {
    const env = this.env, tbs = this.tbs, engine = this.engine, log = this.log;
    const traceExec = log?.has('exec') ?? false, traceCpu = log?.has('cpu') ?? false;
    let n = 0;
    while (!this.halted) {
      if (n >= maxBlocks) break;
      if (this.leaveRun) { this.leaveRun = false; break; }
      if (this.waiting) {
        // WFI wakes on an interrupt even when CPSR masks it (ARM ARM B6.4.1).
        if (!this.irqLine && !this.fiqLine) break;
        this.waiting = false;
      }
      env[EXIT_REQUEST] = 0;
      if ((this.irqLine || this.fiqLine) && this.takeInterrupt()) continue;
      const key = (env[PC] | env[THUMB]) >>> 0;
      let tb = tbs.get(key) ?? this.translateBatch(key);
      if (tb.fn === undefined && this.coldInterp) {
        if (traceCpu) log!.text(this.dumpState());
        if (traceExec) log!.exec(tb);
        this.runCold(tb);
        n++;
        if (env[EXCEPTION] !== 0) this.handleException();
        continue;
      }
      if (this.chain) {
        (engine as JitEngine).link(tb);
        // Chain inside WebAssembly from this block on; the dispatcher starts with a lookup
        // that finds the block just linked.
        const budget = Math.min(4096, maxBlocks - n);
        const r = (engine as JitEngine).dispatch(budget);
        const reason = r & 3, ran = r >>> 2;
        n += ran;
        if (reason === DISPATCH_EXCEPTION) this.handleException();
        else if (reason === DISPATCH_MISS && ran === 0) { n += engine.run(tb); if (env[EXCEPTION] !== 0) this.handleException(); }
        continue;
      }
      if (traceCpu) log!.text(this.dumpState());
      if (traceExec) log!.exec(tb);
      n += engine.run(tb);
      if (env[EXCEPTION] !== 0) this.handleException();
    }
    this.stats.blocksRun += n;
    // A request the loop did not get to (the JIT makes one when code is invalidated) is moot now.
    env[EXIT_REQUEST] = 0;
    this.foldIcount();
    return { reason: this.halted ? 'halt' : this.waiting ? 'wfi' : 'budget' };
  }

  /** The registers and CPSR in QEMU's `-d cpu` format (arm_cpu_dump_state for AArch32). */
  dumpState(): string {
    const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    let out = '';
    for (let i = 0; i < 16; i++) out += `R${String(i).padStart(2, '0')}=${h(i === 15 ? this.pc : this.env[i])}${i % 4 === 3 ? '\n' : ' '}`;
    const psr = this.cpsr;
    const flags = `${psr & 0x80000000 ? 'N' : '-'}${psr & 0x40000000 ? 'Z' : '-'}${psr & 0x20000000 ? 'C' : '-'}${psr & 0x10000000 ? 'V' : '-'}`;
    return `${out}PSR=${h(psr)} ${flags} ${psr & CPSR_T ? 'T' : 'A'} ${CPU_MODE_NAMES[psr & 15]}${psr & 0x10 ? 32 : 26}\n`;
  }

  private foldIcount(): void {
    this.icountBase += this.env[ICOUNT] >>> 0;
    this.env[ICOUNT] = 0;
  }

  private takeInterrupt(): boolean {
    const cpsr = this.cpsr;
    if (this.fiqLine && !(cpsr & CPSR_F)) { this.enterException(EXCP_FIQ); return true; }
    if (this.irqLine && !(cpsr & CPSR_I)) { this.enterException(EXCP_IRQ); return true; }
    return false;
  }

  private handleException(): void {
    const excp = this.env[EXCEPTION];
    this.env[EXCEPTION] = 0;
    if (excp === EXCP_YIELD) return;
    if (excp === EXCP_WFI) { this.waiting = true; return; }
    if (this.opts.onException?.(this, excp)) return;
    if (excp === EXCP_SWI && this.opts.onSwi) {
      const thumb = this.env[THUMB] !== 0;
      const at = this.pc - (thumb ? 2 : 4);
      const imm = thumb ? this.readU8(at) : this.readU32(at) & 0xffffff;
      if (this.opts.onSwi(this, imm)) return;
    }
    this.enterException(excp);
  }

  /** Exception entry (ARM ARM A2.6): bank switch, SPSR, LR, vector; env[PC] is where it happened. */
  enterException(excp: number): void {
    const env = this.env;
    const cpsr = readCpsr(env);
    const pc = env[PC] >>> 0;
    const thumb = env[THUMB] !== 0;
    let mode: number, vector: number, lr: number, maskF = false;
    switch (excp) {
      case EXCP_UDEF: mode = MODE_UND; vector = 0x04; lr = pc + (thumb ? 2 : 4); break;
      case EXCP_SWI: mode = MODE_SVC; vector = 0x08; lr = pc; break;
      case EXCP_PREFETCH_ABORT: case EXCP_BKPT: mode = MODE_ABT; vector = 0x0c; lr = pc + 4; break;
      case EXCP_DATA_ABORT: mode = MODE_ABT; vector = 0x10; lr = pc + 8; break;
      case EXCP_IRQ: mode = MODE_IRQ; vector = 0x18; lr = pc + 4; break;
      case EXCP_FIQ: mode = MODE_FIQ; vector = 0x1c; lr = pc + 4; maskF = true; break;
      default: throw new Error(`unknown exception ${excp}`);
    }
    this.stats.exceptions++;
    if (this.log?.has('int')) this.log.interrupt(excp, pc, thumb, env[FAULT_ADDR] >>> 0);
    writeCpsr(env, mode | CPSR_I | (maskF ? CPSR_F : 0), CPSR_MODE | CPSR_T | CPSR_I | (maskF ? CPSR_F : 0));
    env[THUMB] = 0;
    env[SPSR] = cpsr;
    env[LR] = lr;
    env[PC] = ((env[CP15_SCTLR] & SCTLR_V ? 0xffff0000 : 0) + vector) | 0;
  }
}

