/**
 * Translation blocks, their cache, and the two engines that run them. Target-independent:
 * a front-end hands over micro-op streams; the engines either compile them (copy-and-patch,
 * batched into one WebAssembly module per translation round) or interpret them.
 */
import { CopyPatchCodegen, moduleImports } from './codegen.js';
import { Interpreter } from './interp.js';
import type { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import { ByteWriter } from './wasm/module-builder.js';
import type { OpState } from '../ops/core.js';

export interface TranslationBlock {
  /** Cache key: guest pc, with bit 0 set for Thumb-like compressed states. */
  key: number;
  /** Guest bytes the block was translated from: [start, end), within one page. */
  start: number;
  end: number;
  insns: number;
  ob: OpBuffer;
  /** The compiled block function (JIT engine only). */
  fn?: () => void;
  /** The module's size share, for statistics. */
  wasmBytes?: number;
}

export interface Engine {
  readonly name: 'jit' | 'interp';
  /** Make newly translated blocks runnable (the JIT compiles them as one module). */
  install(tbs: TranslationBlock[]): void;
  run(tb: TranslationBlock): void;
}

export interface EngineStats {
  modules: number;
  wasmBytes: number;
  compileMs: number;
}

export class JitEngine implements Engine {
  readonly name = 'jit';
  readonly codegen: CopyPatchCodegen;
  private readonly imports: WebAssembly.Imports;
  private readonly writer = new ByteWriter(1 << 20);
  readonly stats: EngineStats = { modules: 0, wasmBytes: 0, compileMs: 0 };
  /** The bytes of the last module, for `-d out_asm`. */
  lastModule?: Uint8Array;

  constructor(table: OpTable, memory: WebAssembly.Memory, s: OpState) {
    this.codegen = new CopyPatchCodegen(table);
    this.imports = moduleImports(table, memory, s);
  }

  install(tbs: TranslationBlock[]): void {
    if (tbs.length === 0) return;
    const t0 = performance.now();
    const bytes = this.codegen.buildModule(tbs.map((tb) => tb.ob), {}, this.writer);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports);
    tbs.forEach((tb, i) => { tb.fn = inst.exports[`f${i}`] as () => void; tb.wasmBytes = bytes.length / tbs.length; });
    this.stats.modules++;
    this.stats.wasmBytes += bytes.length;
    this.stats.compileMs += performance.now() - t0;
    this.lastModule = bytes;
  }

  run(tb: TranslationBlock): void { tb.fn!(); }
}

export class InterpEngine implements Engine {
  readonly name = 'interp';
  private readonly interp: Interpreter;
  constructor(table: OpTable, private readonly s: OpState) { this.interp = new Interpreter(table); }
  install(): void {}
  run(tb: TranslationBlock): void { this.interp.run(this.s, tb.ob); }
}

/**
 * The TB cache: blocks by key, and per guest page the blocks translated from it, so that a
 * store into the page invalidates exactly them. When it holds `capacity` blocks it is flushed
 * whole, as QEMU's tb_flush does (cheaper than tracking ages; the hot blocks come back at once).
 */
export class TbCache {
  private readonly byKey = new Map<number, TranslationBlock>();
  private readonly byPage = new Map<number, TranslationBlock[]>();
  flushes = 0;
  invalidations = 0;

  constructor(readonly capacity: number, private readonly onPageFreed: (page: number) => void) {}

  get size(): number { return this.byKey.size; }
  get(key: number): TranslationBlock | undefined { return this.byKey.get(key); }
  has(key: number): boolean { return this.byKey.has(key); }
  /** Room for n more blocks, flushing if needed; returns true if it flushed. */
  makeRoom(n: number): boolean {
    if (this.byKey.size + n <= this.capacity) return false;
    this.flush();
    return true;
  }

  add(tb: TranslationBlock, page: number): void {
    this.byKey.set(tb.key, tb);
    const list = this.byPage.get(page);
    if (list) list.push(tb); else this.byPage.set(page, [tb]);
  }

  /** Drop every block translated from `page`. */
  invalidatePage(page: number): void {
    const list = this.byPage.get(page);
    if (!list) return;
    for (const tb of list) if (this.byKey.get(tb.key) === tb) this.byKey.delete(tb.key);
    this.byPage.delete(page);
    this.invalidations += list.length;
    this.onPageFreed(page);
  }

  flush(): void {
    for (const page of this.byPage.keys()) this.onPageFreed(page);
    this.byKey.clear();
    this.byPage.clear();
    this.flushes++;
  }
}
