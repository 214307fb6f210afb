/**
 * Runs single micro-ops both ways on the same state: as a patched snippet inside a tiny
 * generated WebAssembly function (back-end A), and as the TypeScript op (back-end B).
 * Each engine has its own 4 GiB memory, so whatever one writes cannot leak into the other.
 */
import {
  ENV_BASE, ENV_WORDS, NB_MMU_MODES, NUM_TEMPS, OpState, PAGE_MASK, PAGE_SHIFT, TLB_BASE, TLB_BYTES, TLB_CODE, TLB_DEVICE, TLB_INVALID, TLB_READONLY,
} from '../../ops/core.js';
import { CopyPatchCodegen, helperTable, moduleImports } from '../../runtime/codegen.js';
import { Interpreter } from '../../runtime/interp.js';
import { OpBuffer } from '../../runtime/op-buffer.js';
import { OpTable } from '../../runtime/op-table.js';
import { OP } from '../../runtime/wasm/instructions.js';
import type { ByteWriter } from '../../runtime/wasm/module-builder.js';

/** Words of env the tests randomise and compare (the harness keeps its own words at the top). */
export const STATE_WORDS = 64;
/** Where the harness passes temps in and out of a snippet: the last words of env. */
const IO_WORD = ENV_WORDS - 8;
const IO_ADDR = ENV_BASE + IO_WORD * 4;
/** A window of guest memory filled with random bytes, for loads and stores to hit. */
export const DATA_ADDR = 0x10000;
export const DATA_BYTES = 256;

export interface OpCase {
  temps: number[];
  params: number[];
  env: number[];
  data: Uint8Array;
  /** The TLB entry of T1's page in every MMU index: one of TLB_ENTRY_KINDS. */
  tlb: number;
}

/**
 * TLB entries the memory ops meet at T1's page: a miss, identity, read-only, a page that
 * holds code, a device, and a remapping onto the data window (host page != virtual page).
 */
const TLB_ENTRY_KINDS: ((vpage: number) => number)[] = [
  () => TLB_INVALID,
  () => 0,
  () => TLB_READONLY,
  () => TLB_CODE,
  () => TLB_DEVICE,
  (vpage) => (DATA_ADDR ^ (vpage << PAGE_SHIFT)) & PAGE_MASK,
];
export const TLB_KINDS = TLB_ENTRY_KINDS.length;

export interface Outcome {
  temps: number[];
  exited: boolean;
  /** The access faulted: past the end of the 4 GiB space (a trap / a RangeError). */
  faulted: boolean;
  env: Int32Array;
  data: Uint8Array;
  /** Bytes around every address-like value (temps and params, before and after). */
  around: Map<number, number[]>;
}

export function newMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
}

export class OpHarness {
  readonly codegen: CopyPatchCodegen;
  readonly interp: Interpreter;
  readonly jitState: OpState;
  readonly interpState: OpState;
  private readonly imports: WebAssembly.Imports;

  constructor(readonly table: OpTable) {
    this.codegen = new CopyPatchCodegen(table);
    this.interp = new Interpreter(table);
    this.jitState = new OpState(newMemory());
    this.interpState = new OpState(newMemory());
    this.imports = moduleImports(this.jitState.memory, helperTable(table, this.jitState));
  }

  /** The one-op stream of `opc` with a case's parameters. */
  stream(opc: number, params: number[]): OpBuffer {
    const ob = new OpBuffer(8);
    const np = this.table.paramCount[opc];
    if (np === 0) ob.emit0(opc);
    else if (np === 1) ob.emit1(opc, params[0]);
    else if (np === 2) ob.emit2(opc, params[0], params[1]);
    else ob.emit3(opc, params[0], params[1], params[2]);
    return ob;
  }

  /** Compile one block function per stream, temps passed in and out through env's top words. */
  compile(streams: OpBuffer[]): (() => void)[] {
    const bytes = this.codegen.buildModule(streams, { frame: {
      prologue: (w) => { for (let t = 0; t < NUM_TEMPS; t++) loadIo(w, t); },
      fallthrough: (w) => { storeIoConst(w, NUM_TEMPS, 0); },
      epilogue: (w) => { for (let t = 0; t < NUM_TEMPS; t++) storeIo(w, t); },
    } });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports);
    return streams.map((_, i) => inst.exports[`f${i}`] as () => void);
  }

  /** Whether a stream may write guest memory outside the data window (then its neighbourhoods are compared). */
  writesMemory(ob: OpBuffer): boolean {
    for (let k = 0; k < ob.length; k += 1 + this.table.paramCount[ob.words[k]]) if (this.table.ops[ob.words[k]].writesMemory) return true;
    return false;
  }

  runJit(fn: () => void, ob: OpBuffer, c: OpCase): Outcome {
    const s = this.jitState;
    setup(s, c);
    for (let t = 0; t < NUM_TEMPS; t++) s.env[IO_WORD + t] = c.temps[t];
    s.env[IO_WORD + NUM_TEMPS] = 1; // "exited" unless the fallthrough code clears it
    const faulted = memoryFault(fn);
    // After a trap the temps never reached the epilogue: report the inputs, as the interpreter does.
    const temps = faulted ? [...c.temps] : Array.from({ length: NUM_TEMPS }, (_, t) => s.env[IO_WORD + t]);
    return this.inputWordsOnFault(outcome(s, c, temps, !faulted && s.env[IO_WORD + NUM_TEMPS] === 1, faulted, this.writesMemory(ob)), c);
  }

  /**
   * After a trap the block function never reached the epilogue that stores the env words it
   * keeps in locals (LOCALS.words), as the temps: report those words' inputs in both engines.
   * No guest access traps (the mmu ops align addresses and stay below 4 GiB); only the raw
   * accessors these tests call directly can run off the end of memory.
   */
  private inputWordsOnFault(o: Outcome, c: OpCase): Outcome {
    if (o.faulted) for (const k of this.table.locals.words) o.env[k] = c.env[k];
    return o;
  }

  /**
   * Run every stream on its case in both back-ends; the first disagreement as a message
   * (with the case's temps and the differing state), or undefined when all agree.
   */
  firstDisagreement(streams: OpBuffer[], cases: OpCase[]): string | undefined {
    const fns = this.compile(streams);
    for (let i = 0; i < streams.length; i++) {
      const diffs = compareOutcomes(this.runJit(fns[i], streams[i], cases[i]), this.runInterp(streams[i], cases[i]));
      if (diffs.length) {
        return `${opNames(this.table, streams[i]).join(', ')}: case ${i}, temps ${cases[i].temps.map((v) => '0x' + (v >>> 0).toString(16))}, `
          + `params ${cases[i].params.map((v) => '0x' + (v >>> 0).toString(16))}\n  ${diffs.slice(0, 8).join('\n  ')}`;
      }
    }
    return undefined;
  }

  runInterp(ob: OpBuffer, c: OpCase): Outcome {
    const s = this.interpState;
    setup(s, c);
    [s.T0, s.T1, s.T2, s.T3] = c.temps;
    let exited = false;
    const faulted = memoryFault(() => { exited = this.interp.runOps(s, ob); });
    if (faulted) [s.T0, s.T1, s.T2, s.T3] = c.temps;
    const temps = [s.T0, s.T1, s.T2, s.T3].map((v) => v | 0);
    // A temp must hold an int32 in TypeScript too, or later ops would see a different number.
    [s.T0, s.T1, s.T2, s.T3].forEach((v, t) => { if (v !== (v | 0)) temps[t] = NaN; });
    return this.inputWordsOnFault(outcome(s, c, temps, exited, faulted, this.writesMemory(ob)), c);
  }
}

/** The TLB entries each memory's last setup wrote, cleared by the next. */
const tlbWritten = new WeakMap<WebAssembly.Memory, number[]>();

function setup(s: OpState, c: OpCase): void {
  for (let i = 0; i < STATE_WORDS; i++) s.env[i] = c.env[i];
  bytesOf(s.memory).set(c.data, DATA_ADDR);
  const view = new DataView(s.memory.buffer);
  for (const at of tlbWritten.get(s.memory) ?? []) view.setInt32(at, 0, true);
  const vpage = c.temps[1] >>> PAGE_SHIFT, written: number[] = [];
  for (let i = 0; i < NB_MMU_MODES; i++) {
    const at = TLB_BASE + i * TLB_BYTES + 4 * vpage;
    view.setInt32(at, TLB_ENTRY_KINDS[c.tlb](vpage), true);
    written.push(at);
  }
  tlbWritten.set(s.memory, written);
}

/** Run `fn`; true if it faulted on memory (WebAssembly trap or DataView RangeError). */
function memoryFault(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError && /out of bounds/.test(e.message)) return true;
    if (e instanceof RangeError && /bounds/.test(e.message)) return true;
    throw e;
  }
}

/** Byte views of the harness memories: a new view over 4 GiB per call costs ~100 µs. */
const byteViews = new WeakMap<WebAssembly.Memory, Uint8Array>();
function bytesOf(memory: WebAssembly.Memory): Uint8Array {
  let u8 = byteViews.get(memory);
  if (!u8) byteViews.set(memory, (u8 = new Uint8Array(memory.buffer)));
  return u8;
}

function outcome(s: OpState, c: OpCase, temps: number[], exited: boolean, faulted: boolean, wrote: boolean): Outcome {
  const u8 = bytesOf(s.memory);
  const around = new Map<number, number[]>();
  // Reading scattered addresses costs page faults; only a stream that may write needs it.
  for (const v of wrote ? [...c.temps, ...c.params, ...temps] : []) {
    if (Number.isNaN(v)) continue;
    for (const base of [v >>> 0, (v + c.params[0]) >>> 0]) {
      const lo = Math.max(0, base - 8), hi = Math.min(ENV_BASE, base + 8);
      if (lo < hi && !around.has(lo)) around.set(lo, Array.from(u8.subarray(lo, hi)));
    }
  }
  return {
    temps, exited, faulted,
    env: s.env.slice(0, STATE_WORDS),
    data: u8.slice(DATA_ADDR, DATA_ADDR + DATA_BYTES),
    around,
  };
}

/** The harness's temp slots are addressed as offset IO_ADDR+4*slot from address 0. */
function ioAddress(w: ByteWriter): void {
  w.byte(OP.i32_const); w.sleb(0);
}

function loadIo(w: ByteWriter, t: number): void {
  ioAddress(w);
  w.byte(OP.i32_load); w.uleb(2); w.uleb(IO_ADDR + 4 * t);
  w.byte(OP.local_set); w.uleb(t);
}

function storeIo(w: ByteWriter, t: number): void {
  ioAddress(w);
  w.byte(OP.local_get); w.uleb(t);
  w.byte(OP.i32_store); w.uleb(2); w.uleb(IO_ADDR + 4 * t);
}

function storeIoConst(w: ByteWriter, slot: number, v: number): void {
  ioAddress(w);
  w.byte(OP.i32_const); w.sleb(v);
  w.byte(OP.i32_store); w.uleb(2); w.uleb(IO_ADDR + 4 * slot);
}

/** Differences between two outcomes, as readable lines (empty when they agree bit for bit). */
export function compareOutcomes(jit: Outcome, interp: Outcome): string[] {
  const diffs: string[] = [];
  const hex = (v: number) => '0x' + (v >>> 0).toString(16);
  jit.temps.forEach((v, t) => {
    if (v !== interp.temps[t]) diffs.push(`T${t}: jit ${hex(v)} interp ${Number.isNaN(interp.temps[t]) ? 'not an int32' : hex(interp.temps[t])}`);
  });
  if (jit.faulted !== interp.faulted) diffs.push(`memory fault: jit ${jit.faulted} interp ${interp.faulted}`);
  if (jit.exited !== interp.exited) diffs.push(`exit_tb: jit ${jit.exited} interp ${interp.exited}`);
  for (let i = 0; i < STATE_WORDS; i++) if (jit.env[i] !== interp.env[i]) diffs.push(`env[${i}]: jit ${hex(jit.env[i])} interp ${hex(interp.env[i])}`);
  for (let i = 0; i < DATA_BYTES; i++) if (jit.data[i] !== interp.data[i]) diffs.push(`mem[${hex(DATA_ADDR + i)}]: jit ${jit.data[i]} interp ${interp.data[i]}`);
  for (const [addr, bytes] of jit.around) {
    const other = interp.around.get(addr);
    if (other && other.some((b, k) => b !== bytes[k])) diffs.push(`mem[${hex(addr)}..+${bytes.length}]: jit ${bytes.join(',')} interp ${other.join(',')}`);
  }
  return diffs;
}

/** Op names of a stream, for messages. */
export function opNames(table: OpTable, ob: OpBuffer): string[] {
  const names: string[] = [];
  for (let k = 0; k < ob.length; k += 1 + table.paramCount[ob.words[k]]) names.push(table.ops[ob.words[k]].name);
  return names;
}

export { OpTable };
