/**
 * Translation blocks, their cache, and the two engines that run them. Target-independent:
 * a front-end hands over micro-op streams; the engines either compile them (copy-and-patch,
 * batched into one WebAssembly module per translation round) or interpret them.
 */
import { CopyPatchCodegen, buildRegionModule, helperTable, moduleImports, type RegionModule } from './codegen.js';
import { ENV_BASE, PAGE_SHIFT } from '../ops/core.js';
import { BUDGET_ADDR, CHAIN_GEN_SHIFT, JC_BASE, JC_EMPTY, JC_ENTRIES, JC_ENTRY_WORDS, createDispatcher, jcIndex, type ExecWords } from './dispatch.js';
import { Interpreter } from './interp.js';
import type { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import { ByteWriter } from './wasm/module-builder.js';
import type { OpState } from '../ops/core.js';
import type { BlockKey } from './translator.js';

export interface TranslationBlock extends BlockKey {
  /** Host (physical) address of pc: blocks are indexed by it, as QEMU's tb_phys_hash. */
  phys: number;
  /** Host bytes the block was translated from: [start, end) pairs, each within one page. */
  ranges: readonly number[];
  /** Bytes of guest code from pc on (the ranges' total). */
  size: number;
  insns: number;
  ob: OpBuffer;
  /** The blocks it may jump to directly (its static successors). */
  successors: readonly BlockKey[];
  /** Its translation met a page it could not fetch from: it ends in that fault, so it is not kept on disk (translation-cache.ts). */
  fetchFault?: boolean;
  /** The block function's slot in the JIT's dispatch table. */
  slot?: number;
  /** Its generation and slot in that generation's chain table (dispatch.ts CHAIN_GEN_SHIFT). */
  chainSlot?: number;
  /** The compiled block's entry (JIT engine only): runs it, maybe more of its region; returns the blocks run. */
  fn?: () => number;
  /** Runs so far in the tiered JIT's interpreter, before compilation. */
  hits?: number;
  /**
   * The blocks compiled into the same region function (JIT): they jump to one another without
   * the jump cache, so when one is invalidated the cache drops them all.
   */
  region?: TranslationBlock[];
  /** Times compiled again with a later batch (the JIT's region merging, exec.ts). */
  recompiles?: number;
  /** Dropped from the cache (a page list may still hold it until that page is next looked at). */
  dead?: boolean;
}

export interface Engine {
  readonly name: 'jit' | 'interp';
  /** Make newly translated blocks runnable (the JIT compiles them as one module). */
  install(tbs: TranslationBlock[]): void;
  /** Run the block (the JIT may go on through its region); returns the number of blocks run. */
  run(tb: TranslationBlock): number;
  /** Whether n more blocks fit (the JIT's function table is finite). */
  hasRoom(n: number): boolean;
  /** A block left the cache (invalidated); the whole cache was flushed. */
  removed(tb: TranslationBlock): void;
  flushed(): void;
  /** Virtual addresses may map elsewhere now: forget lookups by virtual pc. */
  addressSpaceChanged(): void;
  /** The same for virtual page `vpage` alone. */
  virtualPageChanged(vpage: number): void;
  /** The same for one block: it stays cached, but is not to be found by its virtual pc. */
  unlinked(tb: TranslationBlock): void;
}

/** Dispatch table slots to start with (it grows as blocks are compiled; see ensureSlots). */
const INITIAL_DISPATCH_SLOTS = 256;
/**
 * Slots of one generation's chain table (see JitEngine). Its size bounds what V8 copies into
 * each new instance; the number of modules per generation bounds what a `Table.set` updates.
 */
const GENERATION_SLOTS = 2048;
const INITIAL_GENERATION_SLOTS = 256;

export interface EngineStats {
  modules: number;
  /** Blocks compiled, and their guest instructions. */
  tbsCompiled: number;
  insnsCompiled: number;
  wasmBytes: number;
  compileMs: number;
}

/**
 * Back-end A at run time: each translation round's blocks become one module of region
 * functions that go from block to block by their static successors (codegen.ts
 * buildRegionModule); the blocks' entries go into the dispatch table and the jump cache, and a
 * region that leaves tail-calls the next block's entry through them (runtime/dispatch.ts), so
 * chaining between modules stays inside WebAssembly too.
 *
 * A table that block modules import is costly: V8 copies it into each new instance and
 * updates every importing instance on `Table.set` and `grow` (docs/performance.md). So only
 * the dispatcher imports the dispatch table, and block modules are compiled in *generations*:
 * the modules of one generation import its own chain table (at most GENERATION_SLOTS blocks)
 * and tail-call directly only blocks of their generation; a jump to an older or newer
 * generation returns to the dispatcher, which goes on from the jump cache. A program whose hot
 * code fits one generation (user mode) chains everywhere; a kernel boot that compiles
 * thousands of blocks pays per module only for its generation.
 *
 * When a block is invalidated or the cache flushed, the exit request word is set, so that a
 * running region leaves at its next block boundary rather than run code that is gone.
 */
export class JitEngine implements Engine {
  readonly name = 'jit';
  readonly codegen: CopyPatchCodegen;
  /** The dispatch table and the dispatcher that imports it: new ones after each flush (see flushed). */
  private dispatchTable!: WebAssembly.Table;
  dispatch!: (budget: number) => number;
  private imports!: WebAssembly.Imports;
  private readonly writer = new ByteWriter(1 << 20);
  private nextSlot = 0;
  private readonly tableSize: number;
  private readonly jc: Int32Array;
  private readonly exitRequest: Int32Array;
  private readonly budget: Int32Array;
  readonly stats: EngineStats = { modules: 0, tbsCompiled: 0, insnsCompiled: 0, wasmBytes: 0, compileMs: 0 };
  /** The last module built, for `-d out_asm`. */
  lastModule?: RegionModule;

  /**
   * `chainInRegion` false makes every block return after itself (for per-block tracing and
   * -accel jit,chain=off).
   */
  constructor(private readonly ops: OpTable, private readonly memory: WebAssembly.Memory, private readonly s: OpState, capacity: number,
    private readonly words: ExecWords, private readonly chainInRegion = true) {
    this.codegen = new CopyPatchCodegen(ops);
    this.tableSize = capacity;
    this.jc = new Int32Array(memory.buffer, JC_BASE, JC_ENTRY_WORDS * JC_ENTRIES);
    for (let i = 1; i < this.jc.length; i += JC_ENTRY_WORDS) this.jc[i] = JC_EMPTY;
    this.exitRequest = new Int32Array(memory.buffer, ENV_BASE + 4 * words.exitRequest, 1);
    this.budget = new Int32Array(memory.buffer, BUDGET_ADDR, 1);
    this.newTables();
  }

  /**
   * New tables for the blocks compiled from now on: an empty dispatch table (and the dispatcher
   * that uses it) and a helper table for their modules to import (with a generation's chain
   * table). V8 keeps every instance that imports a
   * table alive as long as the table (the table lists them, to update them when an entry is
   * set; clearing the entries does not free them), so a flushed cache's modules can only go
   * with their tables.
   */
  private newTables(): void {
    this.dispatchTable = new WebAssembly.Table({ element: 'anyfunc', initial: Math.min(this.tableSize, INITIAL_DISPATCH_SLOTS), maximum: this.tableSize });
    this.imports = moduleImports(this.memory, helperTable(this.ops, this.s));
    this.dispatch = createDispatcher(this.memory, this.dispatchTable, this.words);
  }

  /** Table slots are not reused until a flush: a batch that does not fit needs one. */
  hasRoom(n: number): boolean { return this.nextSlot + n <= this.tableSize; }

  /** The current generation: its number, chain table, next free slot, and its modules' imports. */
  private generation = -1;
  private generationTable?: WebAssembly.Table;
  private generationNext = GENERATION_SLOTS;
  private generationImports: WebAssembly.Imports = {};

  private newGeneration(): void {
    this.generation++;
    this.generationNext = 0;
    this.generationTable = new WebAssembly.Table({ element: 'anyfunc', initial: INITIAL_GENERATION_SLOTS, maximum: GENERATION_SLOTS });
    this.generationImports = { env: { ...(this.imports.env as Record<string, unknown>), blocks: this.generationTable } };
  }

  install(tbs: TranslationBlock[]): void {
    if (tbs.length === 0) return;
    const t0 = performance.now();
    const base = this.nextSlot;
    this.nextSlot += tbs.length;
    if (this.chainInRegion && this.generationNext + tbs.length > GENERATION_SLOTS) this.newGeneration();
    const genBase = this.generationNext;
    this.generationNext += tbs.length;
    const blocks = tbs.map((tb) => ({ ob: tb.ob, pc: tb.pc, flags: tb.flags, successors: this.chainInRegion ? tb.successors : [] }));
    const { bytes, regions } = buildRegionModule(this.codegen, blocks, this.words, this.chainInRegion, this.writer, this.generation);
    this.ensureSlots(this.nextSlot);
    const genTable = this.generationTable;
    if (genTable && this.generationNext > genTable.length) genTable.grow(Math.min(GENERATION_SLOTS, Math.max(this.generationNext, 2 * genTable.length)) - genTable.length);
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.chainInRegion ? this.generationImports : this.imports).exports;
    for (const members of regions) {
      const region = members.map((i) => tbs[i]);
      for (const tb of region) tb.region = region.length > 1 ? region : undefined;
    }
    tbs.forEach((tb, i) => {
      tb.fn = exports[`f${i}`] as () => number;
      tb.slot = base + i;
      this.dispatchTable.set(tb.slot, tb.fn);
      if (genTable) { genTable.set(genBase + i, tb.fn); tb.chainSlot = (this.generation << CHAIN_GEN_SHIFT) | (genBase + i); }
      this.link(tb);
    });
    this.stats.modules++;
    this.stats.tbsCompiled += tbs.length;
    for (const tb of tbs) this.stats.insnsCompiled += tb.insns;
    this.stats.wasmBytes += bytes.length;
    this.stats.compileMs += performance.now() - t0;
    this.lastModule = { bytes, regions };
  }

  /** Grow the dispatch table to hold `slots` entries (doubling, up to the capacity). */
  private ensureSlots(slots: number): void {
    const t = this.dispatchTable;
    if (slots <= t.length) return;
    t.grow(Math.min(this.tableSize, Math.max(slots, 2 * t.length)) - t.length);
  }

  /** Enter a block in the jump cache (again, after a collision evicted it). */
  link(tb: TranslationBlock): void {
    if (tb.slot === undefined) return;
    const index = jcIndex(tb.pc, tb.flags), i = JC_ENTRY_WORDS * index;
    if (!this.jcUsed[index]) {
      this.jcUsed[index] = 1;
      if (this.jcUsedCount < this.jcUsedList.length) this.jcUsedList[this.jcUsedCount] = index;
      this.jcUsedCount++;
    }
    this.jc[i] = tb.pc;
    this.jc[i + 1] = tb.flags;
    this.jc[i + 2] = tb.slot;
    this.jc[i + 3] = tb.chainSlot ?? -1;
    this.markPage(tb.pc >>> PAGE_SHIFT);
    this.markPage((tb.pc + tb.size - 1) >>> PAGE_SHIFT);
  }

  /** Virtual pages that blocks in the jump cache start or end in (a list, cleared with the cache). */
  private readonly jcPages = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly jcPageList: number[] = [];
  private markPage(vpage: number): void {
    if (this.jcPages[vpage]) return;
    this.jcPages[vpage] = 1;
    this.jcPageList.push(vpage);
  }

  /** A virtual page's mapping changed: its blocks must not be found by virtual pc. Rare next to whole flushes, so empty the cache. */
  virtualPageChanged(vpage: number): void {
    this.exitRequest[0] = 1;
    if (this.jcPages[vpage]) this.clearJumpCache();
  }

  /** Entries linked since the last clear (a list, so that a clear costs what was used; past its length, everything). */
  private readonly jcUsed = new Uint8Array(JC_ENTRIES);
  private readonly jcUsedList = new Int32Array(JC_ENTRIES / 8);
  private jcUsedCount = 0;

  /** Empty the jump cache: it is indexed by virtual pc, so a new address space makes it stale. */
  clearJumpCache(): void {
    if (this.jcUsedCount > this.jcUsedList.length) {
      for (let i = 1; i < this.jc.length; i += JC_ENTRY_WORDS) this.jc[i] = JC_EMPTY;
      this.jcUsed.fill(0);
    } else {
      for (let k = 0; k < this.jcUsedCount; k++) {
        const index = this.jcUsedList[k];
        this.jc[JC_ENTRY_WORDS * index + 1] = JC_EMPTY;
        this.jcUsed[index] = 0;
      }
    }
    this.jcUsedCount = 0;
    for (const vpage of this.jcPageList) this.jcPages[vpage] = 0;
    this.jcPageList.length = 0;
  }

  /** Run one block's region from JavaScript, without chaining on (a zero budget). */
  run(tb: TranslationBlock): number { this.budget[0] = 0; return tb.fn!(); }

  removed(tb: TranslationBlock): void { this.unlinked(tb); }

  unlinked(tb: TranslationBlock): void {
    const i = JC_ENTRY_WORDS * jcIndex(tb.pc, tb.flags);
    if (this.jc[i] === (tb.pc | 0) && this.jc[i + 1] === tb.flags && this.jc[i + 2] === tb.slot) this.jc[i + 1] = JC_EMPTY;
    this.exitRequest[0] = 1;
  }

  flushed(): void {
    this.exitRequest[0] = 1;
    this.clearJumpCache();
    if (this.nextSlot > 0) this.newTables();
    this.nextSlot = 0;
    // The old generations' modules die with their blocks.
    this.generation = -1;
    this.generationTable = undefined;
    this.generationNext = GENERATION_SLOTS;
  }

  addressSpaceChanged(): void {
    this.exitRequest[0] = 1;
    this.clearJumpCache();
  }
}

export class InterpEngine implements Engine {
  readonly name = 'interp';
  private readonly interp: Interpreter;
  constructor(table: OpTable, private readonly s: OpState) { this.interp = new Interpreter(table); }
  install(): void {}
  hasRoom(): boolean { return true; }
  run(tb: TranslationBlock): number { this.interp.run(this.s, tb.ob); return 1; }
  removed(): void {}
  flushed(): void {}
  addressSpaceChanged(): void {}
  virtualPageChanged(): void {}
  unlinked(): void {}
}

/**
 * The TB cache: blocks by the host (physical) address of their code and their flags, as QEMU's
 * tb_htable (the exec loop finds pc's host address through the code TLB), and per host page
 * the blocks translated from it and a map of the words they cover, so that a store into the
 * page invalidates exactly the blocks whose code it overwrites (data sharing a page with code
 * does not throw the code away; QEMU keeps a code bitmap per page for the same reason). When
 * it holds `capacity` blocks it is flushed whole, as QEMU's tb_flush does (cheaper than
 * tracking ages; the hot blocks come back at once).
 */
export class TbCache {
  /** Per host page: its blocks, the words they cover, and the blocks that start there by (flags, offset). */
  private readonly byPage = new Map<number, { tbs: TranslationBlock[]; words: Uint8Array; starts: Map<number, TranslationBlock> }>();
  private live = 0;
  flushes = 0;
  invalidations = 0;

  /** `onPageCode(page, true)` when a host page gets its first block, false when it has none left. */
  constructor(readonly capacity: number, private readonly engine: Engine, private readonly onPageCode: (page: number, code: boolean) => void,
    private readonly pageShift = 12) {}

  get size(): number { return this.live; }

  /** Key of a block start within its page: small flags keep it a small integer. */
  private startKey(host: number, flags: number): number { return flags * (1 << this.pageShift) + (host & ((1 << this.pageShift) - 1)); }

  /** The block translated from host address `host` for (pc, flags), if there is one. */
  lookup(host: number, pc: number, flags: number): TranslationBlock | undefined {
    const tb = this.byPage.get(host >>> this.pageShift)?.starts.get(this.startKey(host, flags));
    return tb !== undefined && tb.pc === pc >>> 0 && tb.flags === flags ? tb : undefined;
  }

  /** Room for n more blocks, flushing if needed; returns true if it flushed. */
  makeRoom(n: number): boolean {
    if (this.live + n <= this.capacity && this.engine.hasRoom(n)) return false;
    this.flush();
    return true;
  }

  add(tb: TranslationBlock): void {
    this.live++;
    const r = tb.ranges;
    for (let i = 0; i < r.length; i += 2) {
      const page = r[i] >>> this.pageShift;
      let p = this.byPage.get(page);
      if (!p) {
        p = { tbs: [], words: new Uint8Array(1 << (this.pageShift - 2)), starts: new Map() };
        this.byPage.set(page, p);
        this.onPageCode(page, true);
      }
      if (i === 0) p.starts.set(this.startKey(tb.phys, tb.flags), tb);
      if (p.tbs[p.tbs.length - 1] !== tb) p.tbs.push(tb);
      this.markWords(p.words, r[i], r[i + 1]);
    }
  }

  private markWords(words: Uint8Array, start: number, end: number): void {
    const mask = (1 << this.pageShift) - 1;
    words.fill(1, (start & mask) >>> 2, (((end - 1) & mask) >>> 2) + 1);
  }

  private markBlock(words: Uint8Array, page: number, tb: TranslationBlock): void {
    const r = tb.ranges;
    for (let i = 0; i < r.length; i += 2) if (r[i] >>> this.pageShift === page) this.markWords(words, r[i], r[i + 1]);
  }

  private static overlaps(tb: TranslationBlock, addr: number, bytes: number): boolean {
    const r = tb.ranges;
    for (let i = 0; i < r.length; i += 2) if (r[i] < addr + bytes && addr < r[i + 1]) return true;
    return false;
  }

  /** A store to host [addr, addr + bytes) of `page`: drop the blocks whose code it overwrites; true if there were any. */
  invalidateRange(page: number, addr: number, bytes: number): boolean {
    const p = this.byPage.get(page);
    if (!p) return false;
    const mask = (1 << this.pageShift) - 1;
    if (!p.words[(addr & mask) >>> 2] && !p.words[((addr + bytes - 1) & mask) >>> 2]) return false;
    let dropped = false;
    for (const tb of p.tbs) if (!tb.dead && TbCache.overlaps(tb, addr, bytes)) { this.remove(tb); dropped = true; }
    this.prunePage(page);
    return dropped;
  }

  /** Rebuild a page's list and word map from its live blocks (blocks removed with a region die too). */
  private prunePage(page: number): void {
    const p = this.byPage.get(page);
    if (!p) return;
    p.tbs = p.tbs.filter((tb) => !tb.dead);
    p.words.fill(0);
    for (const tb of p.tbs) this.markBlock(p.words, page, tb);
    if (p.tbs.length === 0) { this.byPage.delete(page); this.onPageCode(page, false); }
  }

  private remove(tb: TranslationBlock): void {
    if (tb.dead) return;
    tb.dead = true;
    this.live--;
    const starts = this.byPage.get(tb.phys >>> this.pageShift)?.starts, key = this.startKey(tb.phys, tb.flags);
    if (starts?.get(key) === tb) starts.delete(key);
    this.engine.removed(tb);
    this.invalidations++;
    // Its region's other blocks may jump into it without the jump cache: drop them as well
    // (QEMU unchains the jumps into an invalidated TB instead).
    const region = tb.region;
    if (region) for (const other of region) this.remove(other);
    // Its other pages (a block that runs into the next page) lose it too.
    const r = tb.ranges;
    for (let i = 2; i < r.length; i += 2) if (r[i] >>> this.pageShift !== r[0] >>> this.pageShift) this.prunePage(r[i] >>> this.pageShift);
  }

  /** Drop every block translated from host page `page`. */
  invalidatePage(page: number): void {
    const p = this.byPage.get(page);
    if (!p) return;
    for (const tb of p.tbs) this.remove(tb);
    this.prunePage(page);
  }

  /** Virtual addresses may map elsewhere now (a TLB flush): lookups by virtual pc start over. */
  addressSpaceChanged(): void {
    this.engine.addressSpaceChanged();
  }

  /** The live blocks, each once, in no particular order. */
  liveBlocks(): TranslationBlock[] {
    const out = new Set<TranslationBlock>();
    for (const p of this.byPage.values()) for (const tb of p.tbs) if (!tb.dead) out.add(tb);
    return [...out];
  }

  flush(): void {
    for (const page of this.byPage.keys()) this.onPageCode(page, false);
    this.live = 0;
    this.byPage.clear();
    this.engine.flushed();
    this.flushes++;
  }
}
