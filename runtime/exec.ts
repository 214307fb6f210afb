/**
 * The generic exec loop (QEMU's cpu_exec): finds the translation block for the current pc and
 * flags, translates missing ones (through the target's translator, runtime/translator.ts),
 * compiles hot ones in batches (tiered JIT) or interprets them, chains compiled blocks inside
 * WebAssembly, and takes exceptions and interrupts between blocks. It also owns guest memory
 * as the software TLB sees it: the slow path of every memory op, which asks the target to fill
 * a missing entry (CpuExec.tlbFill) and sends device pages to the bus.
 *
 * A target subclasses CpuExec and supplies its hooks, in the spirit of QEMU's TCGCPUOps:
 * where its state words are (`words`), how to take a pending interrupt (`execInterrupt`), how
 * to deliver an exception (`handleException`), how to fill the TLB (`tlbFill`), what a bus
 * error does (`busFault`), and its translator (`translator`). This file names no guest CPU.
 */
import { ENV_STATE_WORDS, OpState, PAGE_SHIFT, PAGE_SIZE, TLB_DEVICE, TLB_INVALID, TLB_LARGE, TLB_NOCACHE, TLB_READONLY, type SlowMemory } from '../ops/core.js';
import type { Bus } from './bus.js';
import { DISPATCH_EXCEPTION, DISPATCH_MISS, type ExecWords } from './dispatch.js';
import { Interpreter } from './interp.js';
import type { Logger } from './log.js';
import { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import { ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, SoftTlb, type Access } from './softmmu.js';
import { InterpEngine, JitEngine, TbCache, type Engine, type TranslationBlock } from './tb.js';
import { decodeBlocks, encodeBlocks } from './tb-transfer.js';
import type { BlockStore } from './translation-cache.js';
import { loadFields, saveFields, stateObject, type StateObject, type StateValue } from './vmstate.js';
import { CodeReader, keyNumber, translatorLoop, type BlockKey, type DisasContextBase, type TranslatorOps } from './translator.js';

export interface CpuExecOptions {
  engine: 'jit' | 'interp';
  /** Devices: where accesses to TLB_DEVICE pages go. */
  bus?: Bus;
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

/** Where a target keeps what the exec loop reads, as env word indexes. */
export interface CpuWords extends ExecWords {
  /** Guest instructions retired (wrapping at 32 bits; every block exit adds its count). */
  icount: number;
  /**
   * Targets whose code may change without a flush (x86's precise self-modifying code): the
   * first of two words where a store into a page holding translated code records the guest
   * range it wrote ([lo, hi), the union over the instruction); the target's translator checks
   * them after each storing instruction and clears them at each block's start. Such a store
   * that drops translated code also makes the chain leave after the block.
   */
  codeStore?: number;
}

export interface RunResult {
  /**
   * Why the loop stopped: the machine asked (exit), the CPU waits for an interrupt, the block
   * budget ran out, or a debugger's breakpoint or watchpoint was hit (CpuExec.debugStop says which).
   */
  reason: 'halt' | 'wfi' | 'budget' | 'debug';
}

/** The accesses a watchpoint stops on (gdb's Z2, Z3, Z4). */
export type WatchType = 'write' | 'read' | 'access';

/** Why the CPU stopped for the debugger. */
export type DebugStop =
  | { kind: 'breakpoint' }
  /** Before or after the instruction that made the access (CpuExec.watchStopsBefore); `addr` is the accessed address. */
  | { kind: 'watchpoint'; type: WatchType; addr: number }
  | { kind: 'step' };

const NO_BREAKPOINTS: ReadonlySet<number> = new Set();

/** A block ends at the latest after this many instructions. */
export const MAX_TB_INSNS = 128;

/**
 * Interpreted runs a hot block waits for others to share its module (a module costs ~100 µs
 * to compile, a block well under 1 µs to interpret). Measured with 12, 64, 256 and 1024: longer
 * waits make fewer modules but spend more time interpreting; 12 was best or close on every
 * program (docs/performance.md).
 */
const HOT_WAIT = 12;

/**
 * Bounds on recompiling compiled regions with a new batch (CpuExec.withConnectedRegions): 256
 * blocks and 4 recompilations made strings (libc's string functions, all one call graph) 9 %
 * slower than no merging; 64 and 1 lost half of bytecode's gain (docs/performance.md).
 */
const MERGE_MAX_BLOCKS = 128;
const MERGE_MAX_RECOMPILES = 2;

export abstract class CpuExec<C extends DisasContextBase = DisasContextBase> implements SlowMemory {
  readonly memory: WebAssembly.Memory;
  readonly s: OpState;
  readonly env: Int32Array;
  readonly engine: Engine;
  readonly tbs: TbCache;
  readonly tlb: SoftTlb;
  protected readonly view: DataView;
  protected readonly u8: Uint8Array;
  private readonly batchSize: number;
  private readonly hotThreshold: number;
  /** Runs blocks the tiered JIT has not compiled yet, and blocks that are never cached. */
  private readonly interp: Interpreter;
  /** Blocks that reached the threshold, waiting to be compiled together. */
  private hot: TranslationBlock[] = [];
  private readonly scratch = new OpBuffer(4096);
  /** Run blocks through the JIT's chained dispatcher rather than one JS call per block. */
  private readonly chain: boolean;
  private maxTbInsns: number;
  /** In wait-for-interrupt: run() returns at once until an interrupt is requested. */
  waiting = false;
  private stopped = false;
  /** Set to make run() return before the next block (user mode: to let Node's event loop turn); run() clears it. */
  leaveRun = false;
  /** Set by the machine (semihosting exit, a reset request) to stop the loop. */
  get halted(): boolean { return this.stopped; }
  set halted(v: boolean) { if (v) this.requestExit(); this.stopped = v; }
  exitCode = 0;
  /** An interrupt line is raised (QEMU's interrupt_request): the loop asks execInterrupt between blocks. */
  private interruptLine = false;
  get interruptRequest(): boolean { return this.interruptLine; }
  set interruptRequest(v: boolean) { if (v && !this.interruptLine) this.requestExit(); this.interruptLine = v; }
  private icountBase = 0;
  readonly stats = { tbsTranslated: 0, insnsTranslated: 0, translateMs: 0, blocksRun: 0, exceptions: 0, tbsReused: 0, tbsStale: 0 };
  /** Blocks an earlier run translated (the persistent translation cache), taken before translating anew. */
  blockStore?: BlockStore;
  readonly log?: Logger;
  readonly bus?: Bus;

  // --- the target's hooks (QEMU's TCGCPUOps and TranslatorOps) ------------------------------
  /** The target's translator. */
  protected abstract readonly translator: TranslatorOps<C>;
  /** Take a pending interrupt if the CPU accepts it now; true if one was taken. */
  protected abstract execInterrupt(): boolean;
  /** Deliver the exception the last block raised (env[words.exception], already cleared). */
  protected abstract handleException(excp: number): void;
  /**
   * Translate `vaddr` for `access` in MMU index `mmuIdx`: return the host address of its page
   * (the host address of `vaddr` minus `vaddr & 0xfff`: 4 KiB aligned, or 1 KiB with
   * TLB_NOCACHE) ORed with flag bits (TLB_READONLY, TLB_DEVICE, TLB_NOCACHE), or undefined if
   * the access faults — then, unless `probe`, raise the guest's fault (set the exception word).
   */
  abstract tlbFill(vaddr: number, access: Access, mmuIdx: number, probe: boolean): number | undefined;
  /** Nothing answered a device access at `vaddr`: raise the guest's bus error. */
  protected abstract busFault(vaddr: number, access: Access): void;
  /** The MMU index code fetches use for the block key's flags. */
  protected abstract codeMmuIndex(flags: number): number;
  /** The target's exception number for a debug exit (QEMU's EXCP_DEBUG): the exec loop takes it, not the target. */
  protected abstract readonly debugException: number;
  /**
   * A watchpoint stops before the accessing instruction, which gdb then steps (QEMU's
   * gdb_stop_before_watchpoint, which ARM sets); otherwise after it.
   */
  protected readonly watchStopsBefore: boolean = false;
  /** The registers in QEMU's `-d cpu` format. */
  abstract dumpState(): string;

  /** `words`: where the target keeps the block key, the exception, the exit request and the instruction count. */
  constructor(readonly table: OpTable, readonly opts: CpuExecOptions, protected readonly words: CpuWords) {
    this.memory = opts.memory ?? new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
    this.s = new OpState(this.memory);
    this.s.slow = this;
    this.env = this.s.env;
    this.view = new DataView(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
    this.tlb = new SoftTlb(this.memory);
    this.bus = opts.bus;
    const capacity = opts.tbCacheSize ?? 1 << 16;
    this.batchSize = Math.min(opts.batchSize ?? 32, capacity);
    this.hotThreshold = opts.engine === 'jit' ? opts.hotThreshold ?? 4 : 0;
    this.interp = new Interpreter(table);
    this.chain = opts.engine === 'jit' && opts.chain !== false && !opts.singleStep
      && !opts.log?.has('exec') && !opts.log?.has('cpu');
    this.engine = opts.engine === 'jit'
      ? new JitEngine(table, this.memory, this.s, capacity + this.batchSize, words, this.chain)
      : new InterpEngine(table, this.s);
    this.tbs = new TbCache(capacity, this.engine, (page, code) => this.tlb.setCode(page, code));
    this.maxTbInsns = opts.singleStep ? 1 : MAX_TB_INSNS;
    this.log = opts.log;
  }

  /** One guest instruction per block (-singlestep, the monitor's singlestep): switching drops every translation. */
  get singleStep(): boolean { return this.maxTbInsns === 1; }
  set singleStep(on: boolean) {
    if (on === this.singleStep) return;
    this.maxTbInsns = on ? 1 : MAX_TB_INSNS;
    this.tbs.flush();
  }

  /** The current block key's flags: the OR of the target's flags words. */
  protected currentFlags(): number {
    const f = this.words.flags, env = this.env;
    let v = 0;
    for (let i = 0; i < f.length; i++) v |= env[f[i]];
    return v;
  }

  /** Guest instructions retired since reset (exact in both engines). */
  get icount(): number { return this.icountBase + (this.env[this.words.icount] >>> 0); }

  /** Forget every TLB entry and every lookup by virtual address (a new address space). */
  tlbFlush(): void {
    this.tlb.flushAll();
    this.tbs.addressSpaceChanged();
  }

  // --- SlowMemory: what memory ops call when the TLB's fast path does not apply ------------
  /** The host address resolve() found. */
  private resolvedHost = 0;

  /**
   * Resolve `addr` for `access` through the TLB, filling the entry if it must be: returns the
   * entry's flag bits and leaves the host (or, for a device, physical) address in
   * resolvedHost; undefined after a fault. A fill finer than a page is not cached.
   */
  private resolve(addr: number, access: Access, mmuIdx: number, refill: number): number | undefined {
    let e = this.tlb.entries[mmuIdx][addr >>> PAGE_SHIFT];
    if (e & refill) {
      const fill = this.tlbFill(addr, access, mmuIdx, false);
      if (fill === undefined) return undefined;
      // Watched pages are never cached, so that every access to them comes here.
      if ((fill & TLB_NOCACHE) || this.watchedPages.has(addr >>> PAGE_SHIFT)) {
        this.resolvedHost = ((fill & ~0x3ff) + (addr & (PAGE_SIZE - 1))) >>> 0;
        return fill & 0x3ff;
      }
      e = this.tlb.set(mmuIdx, addr, fill & ~0x3ff, fill & 0x3ff);
    }
    this.resolvedHost = SoftTlb.host(e, addr);
    return e & (PAGE_SIZE - 1);
  }

  load(addr: number, bytes: number, mmuIdx: number): number {
    addr >>>= 0;
    if (this.watchedPages.size && this.watchHit(addr, bytes, ACCESS_READ)) return 0;
    const flags = this.resolve(addr, ACCESS_READ, mmuIdx, TLB_INVALID);
    if (flags === undefined) return 0;
    const phys = this.resolvedHost;
    if (flags & TLB_DEVICE) {
      const v = this.bus?.read(phys, bytes);
      if (v === undefined) { this.busFault(addr, ACCESS_READ); return 0; }
      return v;
    }
    return bytes === 1 ? this.u8[phys] : bytes === 2 ? this.view.getUint16(phys, true) : this.view.getInt32(phys, true);
  }

  store(addr: number, bytes: number, value: number, mmuIdx: number): void {
    addr >>>= 0;
    if (this.watchedPages.size && this.watchHit(addr, bytes, ACCESS_WRITE)) return;
    const flags = this.resolve(addr, ACCESS_WRITE, mmuIdx, TLB_INVALID | TLB_READONLY);
    if (flags === undefined) return;
    const phys = this.resolvedHost;
    if (flags & TLB_DEVICE) {
      if (!this.bus?.write(phys, bytes, value)) this.busFault(addr, ACCESS_WRITE);
      return;
    }
    if (this.tlb.hasCode(phys >>> PAGE_SHIFT)) {
      const dropped = this.tbs.invalidateRange(phys >>> PAGE_SHIFT, phys, bytes);
      const cs = this.words.codeStore;
      if (cs !== undefined) {
        // A region's blocks after this one may be among those dropped: leave after this block.
        if (dropped) this.requestExit();
        const env = this.env, end = (addr + bytes) >>> 0;
        if (env[cs] === env[cs + 1]) { env[cs] = addr; env[cs + 1] = end; } else {
          if (addr < env[cs] >>> 0) env[cs] = addr;
          if (end > env[cs + 1] >>> 0) env[cs + 1] = end;
        }
      }
    }
    this.storeHost(phys, bytes, value);
  }

  tlbFlushPage(vaddr: number): void {
    if (this.tlb.inLargeMapping(vaddr)) { this.tlbFlush(); return; }
    this.tlb.flushPage(vaddr >>> PAGE_SHIFT);
    this.engine.virtualPageChanged(vaddr >>> PAGE_SHIFT);
  }

  protected storeHost(host: number, bytes: number, value: number): void {
    if (bytes === 1) this.u8[host] = value; else if (bytes === 2) this.view.setUint16(host, value, true); else this.view.setInt32(host, value, true);
  }

  /** Copy bytes to host memory, invalidating any code translated from them. */
  writeHost(host: number, data: Uint8Array): void {
    if (data.length === 0) return;
    for (let p = host >>> PAGE_SHIFT; p <= (host + data.length - 1) >>> PAGE_SHIFT; p++) this.tbs.invalidatePage(p);
    this.u8.set(data, host);
  }

  /** Drop the TLB entries of virtual pages [first, first + count) and the code of those host pages (user mode: identity). */
  invalidatePages(first: number, count: number): void {
    for (let p = first; p < first + count; p++) {
      this.tlb.flushPage(p);
      if (this.tlb.hasCode(p)) this.tbs.invalidatePage(p);
    }
  }

  // --- translation ---------------------------------------------------------------------------
  /** The host address of executable code at `vaddr` for blocks with `flags`, or undefined. */
  private codeHost(vaddr: number, flags: number): number | undefined {
    const mmuIdx = this.codeMmuIndex(flags);
    const cached = this.tlb.fetchHost(mmuIdx, vaddr);
    if (cached !== undefined) return cached;
    const fill = this.tlbFill(vaddr, ACCESS_FETCH, mmuIdx, true);
    if (fill === undefined || (fill & TLB_DEVICE)) return undefined;
    // Blocks are found by virtual pc: a page flush inside a larger mapping must drop them too.
    if (fill & TLB_LARGE) this.tlb.noteLarge(vaddr);
    const host = (fill & ~0x3ff) >>> 0;
    if (!(fill & TLB_NOCACHE)) this.tlb.setFetch(mmuIdx, vaddr, host);
    return host;
  }

  /** The cached block at (pc, flags): the code TLB gives pc's host address, the TB cache the block translated from there. */
  private lookupBlock(pc: number, flags: number): TranslationBlock | undefined {
    const host = this.codeHost(pc, flags);
    return host === undefined ? undefined : this.tbs.lookup(host + (pc & (PAGE_SIZE - 1)), pc, flags);
  }

  /** Translate the block at (pc, flags) into a micro-op stream (at most `maxInsns`, stopping before a breakpoint). */
  translate(pc: number, flags: number, maxInsns = this.maxTbInsns,
    breakpoints: ReadonlySet<number> | undefined = this.breakpoints.size ? this.breakpoints : undefined): TranslationBlock {
    const t0 = performance.now();
    const ob = this.scratch;
    ob.reset();
    const code = new CodeReader((vaddr) => this.codeHost(vaddr, flags), this.view);
    const ops = this.translator;
    const ctx = ops.initDisasContext(ob, pc >>> 0, flags, code);
    ctx.logInsns = this.log?.has('in_asm') ?? false;
    translatorLoop(ops, ctx, maxInsns, breakpoints);
    const phys = code.ranges.length ? code.ranges[0] : pc >>> 0;
    const tb: TranslationBlock = {
      pc: pc >>> 0, flags, phys, ranges: code.ranges, size: rangesSize(code.ranges), insns: ctx.retired, ob: ob.copy(), successors: ctx.successors,
    };
    if (code.faulted) tb.fetchFault = true;
    this.stats.tbsTranslated++;
    this.stats.insnsTranslated += tb.insns;
    this.stats.translateMs += performance.now() - t0;
    if (this.log?.has('in_asm')) this.log.inAsm(ctx.insns.map((i) => ({ ...i, text: ops.disas(ctx, i.pc, i.insn, i.size) })));
    if (this.log?.has('op')) this.log.ops(this.table, tb.ob, tb.pc);
    return tb;
  }

  /**
   * The cached blocks as bytes (tb-transfer.ts), for a process that will have the same memory
   * (a forked child); undefined when there is nothing to give.
   */
  exportBlocks(): Uint8Array | undefined {
    const blocks = this.tbs.liveBlocks();
    return blocks.length ? encodeBlocks(this.table, blocks) : undefined;
  }

  /**
   * Take blocks another process translated from the same memory (exportBlocks) as if they were
   * translated here: they run as new blocks do, and are compiled once they prove hot. Call it
   * before running any guest code, with the memory just as the blocks were made from. Returns
   * the number taken (0 for blocks of another op table, and for an untiered JIT, which compiles
   * what it translates at once and would compile them all).
   */
  adoptBlocks(bytes: Uint8Array): number {
    if (this.engine instanceof JitEngine && this.hotThreshold === 0) return 0;
    const blocks = decodeBlocks(this.table, bytes);
    if (!blocks) return 0;
    let taken = 0;
    for (const tb of blocks) {
      if (this.tbs.size >= this.tbs.capacity - this.batchSize) break;
      if (tb.ranges.length === 0 || this.tbs.lookup(tb.phys, tb.pc, tb.flags)) continue;
      this.tbs.add(tb);
      taken++;
    }
    return taken;
  }

  /** Find the block at (pc, flags): by virtual key, then by physical address, else translate it (and a batch). */
  private findBlock(pc: number, flags: number): TranslationBlock {
    const tb = this.lookupBlock(pc, flags);
    if (tb) { if (this.engine instanceof JitEngine) this.engine.link(tb); return tb; }
    return this.translateBatch(pc, flags);
  }

  /**
   * The block at (pc, flags) from the block store, if it has one made from exactly the code
   * that is there now: each of its ranges at the address pc implies, executable, with the same
   * bytes. A new block object (it gets its own slot and counters), with a copy of the ops.
   */
  private fromStore(pc: number, flags: number): TranslationBlock | undefined {
    const stored = this.blockStore?.find(pc, flags);
    if (!stored || this.breakpoints.size) return undefined;
    const s = stored.tb, u8 = this.u8, code = stored.code;
    let vaddr = pc >>> 0, at = 0;
    for (let i = 0; i < s.ranges.length; i += 2) {
      const start = s.ranges[i], end = s.ranges[i + 1];
      const host = this.codeHost(vaddr, flags);
      let same = host !== undefined && host + (vaddr & (PAGE_SIZE - 1)) === start;
      for (let a = start; same && a < end; a++) same = u8[a] === code[at++];
      if (!same) { this.stats.tbsStale++; return undefined; }
      vaddr = (vaddr + end - start) >>> 0;
    }
    const tb: TranslationBlock = { pc: s.pc, flags: s.flags, phys: s.phys, ranges: s.ranges, size: s.size, insns: s.insns, ob: s.ob.copy(), successors: s.successors };
    this.stats.tbsReused++;
    return tb;
  }

  /** The block at (pc, flags): from the block store if it holds it, else translated. */
  private translateOrReuse(pc: number, flags: number): TranslationBlock {
    return this.fromStore(pc, flags) ?? this.translate(pc, flags);
  }

  /** Translate the block at (pc, flags) and, untiered, up to batchSize - 1 static successors; install them. */
  private translateBatch(pc: number, flags: number): TranslationBlock {
    this.tbs.makeRoom(this.hotThreshold > 0 ? 1 : this.batchSize);
    const first = this.translateOrReuse(pc, flags);
    // Nothing executable at pc: the block only raises the fault; it is run once and not kept.
    if (first.ranges.length === 0) return first;
    if (this.hotThreshold > 0) {
      // Tiered: just this block; it is compiled once it proves hot.
      this.tbs.add(first);
      return first;
    }
    const batch: TranslationBlock[] = [first];
    const queue: BlockKey[] = [...first.successors];
    const queued = new Set(queue.map((k) => `${k.pc}/${k.flags}`));
    while (queue.length && batch.length < this.batchSize) {
      const k = queue.shift()!;
      if (this.lookupBlock(k.pc, k.flags) || (k.pc === first.pc && k.flags === first.flags) || this.codeHost(k.pc, k.flags) === undefined) continue;
      const tb = this.translateOrReuse(k.pc, k.flags);
      if (tb.ranges.length === 0) continue;
      batch.push(tb);
      for (const s of tb.successors) {
        const id = `${s.pc}/${s.flags}`;
        if (!queued.has(id)) { queued.add(id); queue.push(s); }
      }
    }
    for (const tb of batch) this.tbs.add(tb);
    this.install(batch);
    return first;
  }

  private install(batch: TranslationBlock[]): void {
    this.engine.install(batch);
    if (this.log?.has('out_asm') && this.engine instanceof JitEngine && this.engine.lastModule) this.log.outAsm(this.engine.lastModule, batch);
  }

  /** Run a block the tiered JIT has not compiled, counting its runs; compile the hot ones. */
  private runCold(tb: TranslationBlock): void {
    this.interp.run(this.s, tb.ob);
    if (tb.ranges.length === 0) return;
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
    let batch = this.hot.filter((tb) => !tb.dead && tb.fn === undefined);
    this.hot = [];
    if (batch.length === 0) return;
    // Bring along the blocks they jump to that have run but are not hot yet (a loop's rarer
    // paths), so that a loop's region holds them and its iterations stay inside WebAssembly.
    const taken = new Set(batch);
    for (let i = 0; i < batch.length && batch.length < 2 * this.batchSize; i++) {
      for (const k of batch[i].successors) {
        const tb = this.lookupBlock(k.pc, k.flags);
        if (tb && tb.fn === undefined && tb.hits && !taken.has(tb)) { taken.add(tb); batch.push(tb); }
      }
    }
    if (this.chain) batch = this.withConnectedRegions(batch);
    if (this.tbs.makeRoom(batch.length)) batch = [];
    if (batch.length) { this.install(batch); this.notePredecessors(batch); }
  }

  /**
   * Compiled blocks by the keys they jump to statically (keyNumber), so that a batch can find
   * the compiled blocks that jump into it; emptied when the cache is flushed.
   */
  private readonly preds = new Map<number, Set<TranslationBlock>>();
  private predsFlushes = 0;

  private notePredecessors(batch: readonly TranslationBlock[]): void {
    for (const tb of batch) for (const k of tb.successors) {
      const key = keyNumber(k.pc, k.flags);
      let set = this.preds.get(key);
      if (!set) { set = new Set(); this.preds.set(key, set); }
      set.add(tb);
    }
  }

  /**
   * The batch and the compiled regions it is connected to by static jumps, either way, to be
   * compiled again as one module: a loop or a call whose blocks became hot at different times
   * would otherwise be split across modules, and every jump between them leaves a region
   * (stores the locals, looks the target up, tail-calls it, loads them again). Whole regions
   * are taken, so that no old region function keeps a stale copy that jumps into a recompiled
   * block; each block is recompiled at most MERGE_MAX_RECOMPILES times and a batch grows to at
   * most MERGE_MAX_BLOCKS, which bounds the cost on programs whose code is all one graph.
   */
  private withConnectedRegions(batch: TranslationBlock[]): TranslationBlock[] {
    if (this.predsFlushes !== this.tbs.flushes) { this.preds.clear(); this.predsFlushes = this.tbs.flushes; }
    const taken = new Set(batch);
    const take = (tb: TranslationBlock | undefined): void => {
      if (tb === undefined || tb.fn === undefined || tb.dead || taken.has(tb)) return;
      const members = tb.region ?? [tb];
      if (batch.length + members.length > MERGE_MAX_BLOCKS) return;
      // A block compiled under another mapping of its page (system mode) is not the one at its pc now.
      for (const m of members) if (m.dead || (m.recompiles ?? 0) >= MERGE_MAX_RECOMPILES || this.lookupBlock(m.pc, m.flags) !== m) return;
      for (const m of members) { m.recompiles = (m.recompiles ?? 0) + 1; taken.add(m); batch.push(m); }
    };
    for (let i = 0; i < batch.length; i++) {
      const tb = batch[i];
      for (const k of tb.successors) take(this.lookupBlock(k.pc, k.flags));
      const preds = this.preds.get(keyNumber(tb.pc, tb.flags));
      if (preds) for (const p of preds) { if (p.dead) preds.delete(p); else take(p); }
    }
    return batch;
  }

  // --- the exec loop -------------------------------------------------------------------------
  /** Ask the exec loop to look at the machine (interrupt lines, halt) after the current block. */
  requestExit(): void { this.env[this.words.exitRequest] = 1; }

  /** Run until the machine halts or about `maxBlocks` blocks have run. */
  run(maxBlocks = Infinity): RunResult {
    const env = this.env, engine = this.engine, log = this.log, w = this.words;
    const traceExec = log?.has('exec') ?? false, traceCpu = log?.has('cpu') ?? false;
    let n = 0;
    this.debugStop = undefined;
    while (!this.halted) {
      if (n >= maxBlocks || this.debugStop) break;
      if (this.leaveRun) { this.leaveRun = false; break; }
      if (this.waiting) {
        if (!this.interruptLine) break;
        this.waiting = false;
      }
      env[w.exitRequest] = 0;
      if (this.interruptLine && this.execInterrupt()) continue;
      const tb = this.findBlock(env[w.pc], this.currentFlags());
      if (tb.fn === undefined && (this.hotThreshold > 0 || tb.ranges.length === 0)) {
        // A block with no code only raises the fetch fault: no instruction runs, nothing to log (as QEMU).
        if (traceCpu && tb.ranges.length) log!.text(this.dumpState());
        if (traceExec && tb.ranges.length) log!.exec(tb);
        this.runCold(tb);
        n++;
        if (env[w.exception] !== 0) this.takeException();
        continue;
      }
      if (this.chain) {
        const jit = engine as JitEngine;
        jit.link(tb);
        // Chain inside WebAssembly from this block on; the dispatcher starts with a lookup
        // that finds the block just linked.
        const budget = Math.min(4096, maxBlocks - n);
        const r = jit.dispatch(budget);
        const reason = r & 3, ran = r >>> 2;
        n += ran;
        if (reason === DISPATCH_EXCEPTION) this.takeException();
        else if (reason === DISPATCH_MISS && ran === 0) { n += engine.run(tb); if (env[w.exception] !== 0) this.takeException(); }
        continue;
      }
      if (traceCpu) log!.text(this.dumpState());
      if (traceExec) log!.exec(tb);
      n += engine.run(tb);
      if (env[w.exception] !== 0) this.takeException();
    }
    this.stats.blocksRun += n;
    // A request the loop did not get to (the JIT makes one when code is invalidated) is moot now.
    env[w.exitRequest] = 0;
    this.foldIcount();
    return { reason: this.halted ? 'halt' : this.debugStop ? 'debug' : this.waiting ? 'wfi' : 'budget' };
  }

  private takeException(): void {
    const excp = this.env[this.words.exception];
    this.env[this.words.exception] = 0;
    if (excp === this.debugException) this.debugExit();
    else this.handleException(excp);
  }

  private foldIcount(): void {
    this.icountBase += this.env[this.words.icount] >>> 0;
    this.env[this.words.icount] = 0;
  }

  // --- debugging (the gdb stub, runtime/gdbstub.ts) ------------------------------------------
  /** The debugger's breakpoints, by virtual pc: the translator ends a block before one. */
  private readonly breakpoints = new Set<number>();
  private watchpoints: { addr: number; len: number; type: WatchType }[] = [];
  /** Virtual pages holding a watchpoint: their TLB entries are never cached. */
  private watchedPages = new Set<number>();
  /** A watchpoint hit whose instruction has yet to complete. */
  private watchPending?: DebugStop;
  /** Set while that instruction runs again, unwatched. */
  private watchSuspended = false;
  /** Why run() or stepInstruction() last stopped for the debugger (cleared when they start). */
  debugStop?: DebugStop;

  /**
   * Set a breakpoint at virtual `pc` (QEMU's cpu_breakpoint_insert): blocks that contain it are
   * invalidated, and translation stops before it from now on. Guest memory is not written, so
   * the guest never reads the breakpoint, and self-modifying code keeps it.
   */
  insertBreakpoint(pc: number): void {
    pc >>>= 0;
    if (this.breakpoints.has(pc)) return;
    this.breakpoints.add(pc);
    this.invalidateCodeAt(pc);
  }

  /** Remove the breakpoint at `pc`; false if there is none. */
  removeBreakpoint(pc: number): boolean {
    pc >>>= 0;
    if (!this.breakpoints.delete(pc)) return false;
    this.invalidateCodeAt(pc);
    return true;
  }

  /** Drop the blocks translated from the instruction at virtual `pc` (as the CPU maps it now). */
  private invalidateCodeAt(pc: number): void {
    const page = this.codeHost(pc, this.currentFlags());
    if (page === undefined) return;
    const host = page + (pc & (PAGE_SIZE - 1));
    this.tbs.invalidateRange(host >>> PAGE_SHIFT, host, 1);
    this.hot = this.hot.filter((tb) => !tb.dead);
  }

  /** Stop after an access of `type` to virtual [addr, addr + len) (gdb's Z2–Z4). */
  insertWatchpoint(addr: number, len: number, type: WatchType): void {
    this.watchpoints.push({ addr: addr >>> 0, len, type });
    this.updateWatchedPages();
  }

  removeWatchpoint(addr: number, len: number, type: WatchType): boolean {
    const i = this.watchpoints.findIndex((w) => w.addr === addr >>> 0 && w.len === len && w.type === type);
    if (i < 0) return false;
    this.watchpoints.splice(i, 1);
    this.updateWatchedPages();
    return true;
  }

  removeAllDebugPoints(): void {
    for (const pc of [...this.breakpoints]) this.removeBreakpoint(pc);
    this.watchpoints = [];
    this.updateWatchedPages();
  }

  private updateWatchedPages(): void {
    const pages = new Set<number>();
    for (const w of this.watchpoints) {
      for (let p = w.addr >>> PAGE_SHIFT; p <= (w.addr + Math.max(w.len, 1) - 1) >>> PAGE_SHIFT; p++) pages.add(p);
    }
    // Pages watched before or now lose their TLB entries: watched ones must take the slow path.
    for (const p of new Set([...this.watchedPages, ...pages])) this.tlb.flushPage(p);
    this.watchedPages = pages;
  }

  /** An access of the slow path hits a watchpoint: leave the instruction with the debug exception, the access not made. */
  private watchHit(addr: number, bytes: number, access: Access): boolean {
    if (this.watchSuspended) return false;
    for (const w of this.watchpoints) {
      if (addr >= w.addr + w.len || w.addr >= addr + bytes) continue;
      if (w.type === 'write' ? access !== ACCESS_WRITE : w.type === 'read' ? access !== ACCESS_READ : false) continue;
      this.watchPending = { kind: 'watchpoint', type: w.type, addr };
      this.env[this.words.exception] = this.debugException;
      return true;
    }
    return false;
  }

  /** The debug exception: a breakpoint, or a watchpoint (the instruction is run to completion first unless the stop comes before it). */
  private debugExit(): void {
    const hit = this.watchPending;
    this.watchPending = undefined;
    if (hit && !this.watchStopsBefore) {
      this.watchSuspended = true;
      try { this.stepInstruction(); } finally { this.watchSuspended = false; }
    }
    this.debugStop = hit ?? { kind: 'breakpoint' };
  }

  /**
   * What run() does before each block, for a caller that single-steps instead (an exact
   * instruction budget): leave wait-for-interrupt if an interrupt line is up, and take the
   * interrupt if the CPU accepts it now.
   */
  pollInterrupts(): void {
    if (this.halted || !this.interruptLine) return;
    this.waiting = false;
    this.env[this.words.exitRequest] = 0;
    this.execInterrupt();
  }

  /**
   * Execute exactly one guest instruction at the current pc (the debugger's single step), in a
   * one-instruction block that is not kept, whatever engine and region the pc is in.
   * Interrupts are not taken, as QEMU's gdb stub masks them while stepping.
   */
  stepInstruction(): RunResult {
    this.debugStop = undefined;
    if (!this.halted && !this.waiting) {
      this.env[this.words.exitRequest] = 0;
      // No breakpoints: a step executes the instruction at a breakpoint (an explicit undefined
      // would give translate() its default, the breakpoints, and the step would not move).
      const tb = this.translate(this.env[this.words.pc], this.currentFlags(), 1, NO_BREAKPOINTS);
      this.interp.run(this.s, tb.ob);
      this.stats.blocksRun++;
      if (this.env[this.words.exception] !== 0) this.takeException();
      this.env[this.words.exitRequest] = 0;
      this.foldIcount();
    }
    this.debugStop ??= { kind: 'step' };
    return { reason: this.halted ? 'halt' : 'debug' };
  }

  /**
   * The host address of virtual `vaddr` as the CPU's current mode sees it, for the debugger's
   * reads and writes (no fault is raised); undefined where no RAM is (unmapped, or a device).
   */
  debugHostAddress(vaddr: number): number | undefined {
    const fill = this.tlbFill(vaddr >>> 0, ACCESS_READ, this.codeMmuIndex(this.currentFlags()), true);
    if (fill === undefined || (fill & TLB_DEVICE)) return undefined;
    return ((fill & ~0x3ff) + (vaddr & (PAGE_SIZE - 1))) >>> 0;
  }

  /** Read guest virtual memory for the debugger; undefined if any byte is not RAM. */
  debugRead(vaddr: number, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    for (let i = 0; i < len;) {
      const host = this.debugHostAddress(vaddr + i);
      if (host === undefined) return undefined;
      const n = Math.min(len - i, PAGE_SIZE - ((vaddr + i) & (PAGE_SIZE - 1)));
      out.set(this.u8.subarray(host, host + n), i);
      i += n;
    }
    return out;
  }

  /** Write guest virtual memory for the debugger (invalidating code there); false if any byte is not RAM. */
  debugWrite(vaddr: number, data: Uint8Array): boolean {
    const hosts: number[] = [];
    for (let i = 0; i < data.length;) {
      const host = this.debugHostAddress(vaddr + i);
      if (host === undefined) return false;
      hosts.push(host, i);
      i += Math.min(data.length - i, PAGE_SIZE - ((vaddr + i) & (PAGE_SIZE - 1)));
    }
    for (let k = 0; k < hosts.length; k += 2) {
      const from = hosts[k + 1], to = k + 3 < hosts.length ? hosts[k + 3] : data.length;
      this.writeHost(hosts[k], data.subarray(from, to));
    }
    return true;
  }

  // --- a saved machine (runtime/vmstate.ts) --------------------------------------------------
  private static readonly RUN_FIELDS = ['icountBase', 'waiting', 'stopped', 'exitCode'];

  /** The CPU's part of a saved machine: its state words and run state. The TLB and the translations are caches, not saved. */
  saveState(): StateObject {
    // The exit request is a message to a running loop, not state: a saved CPU has none.
    const env = this.env.slice(0, ENV_STATE_WORDS);
    env[this.words.exitRequest] = 0;
    return { ...saveFields(this, CpuExec.RUN_FIELDS), ...saveFields({ env }, ['env']) };
  }

  /** Restore what saveState() gave (before the machine runs); the TLB and the translations start empty. */
  loadState(state: StateValue, path: string): void {
    const s = stateObject(state, path);
    loadFields({ env: this.env.subarray(0, ENV_STATE_WORDS) }, ['env'], s, path);
    loadFields(this, CpuExec.RUN_FIELDS, s, path);
    this.tlbFlush();
    this.tbs.flush();
  }
}

function rangesSize(ranges: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < ranges.length; i += 2) n += ranges[i + 1] - ranges[i];
  return n;
}
