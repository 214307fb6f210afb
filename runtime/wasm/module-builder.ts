/**
 * Writes WebAssembly modules into a growable byte buffer without intermediate arrays:
 * the design notes measured array-spreading module builders at 20× the compile cost.
 */
import { PADDED_LEB_BYTES } from './leb.js';

export const VALTYPE = { i32: 0x7f, i64: 0x7e } as const;

export class ByteWriter {
  bytes: Uint8Array<ArrayBuffer>;
  pos = 0;
  constructor(capacity = 1 << 16) { this.bytes = new Uint8Array(capacity); }

  ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    bigger.set(this.bytes.subarray(0, this.pos));
    this.bytes = bigger;
  }
  byte(b: number): void { this.ensure(1); this.bytes[this.pos++] = b; }
  copy(src: Uint8Array): void { this.ensure(src.length); this.bytes.set(src, this.pos); this.pos += src.length; }
  uleb(v: number): void {
    this.ensure(5);
    v >>>= 0;
    do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; this.bytes[this.pos++] = b; } while (v);
  }
  sleb(v: number): void {
    this.ensure(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f; v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { this.bytes[this.pos++] = b; return; }
      this.bytes[this.pos++] = b | 0x80;
    }
  }
  name(s: string): void { const b = new TextEncoder().encode(s); this.uleb(b.length); this.copy(b); }
  /** Reserve a 5-byte LEB128 length field; fill it with endSized(). */
  beginSized(): number { this.ensure(PADDED_LEB_BYTES); const at = this.pos; this.pos += PADDED_LEB_BYTES; return at; }
  endSized(at: number): void {
    let v = this.pos - at - PADDED_LEB_BYTES;
    for (let i = 0; i < 4; i++) { this.bytes[at + i] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.bytes[at + 4] = v & 0x7f;
  }
  result(): Uint8Array<ArrayBuffer> { return this.bytes.slice(0, this.pos); }
}

export interface FuncType { params: number[]; results: number[] }

/**
 * The types of every block-function module: type 0 is a block function, () -> (); then one
 * type per distinct helper signature, in helper order. The generator writes these indices into
 * snippets' call_indirect instructions and the code generator emits the same type section, so
 * both come from this one function.
 */
export function blockModuleTypes(helpers: readonly { params: number; returnsValue: boolean }[]): { types: FuncType[]; helperTypes: number[] } {
  const types: FuncType[] = [{ params: [], results: [] }];
  const helperTypes = helpers.map((h) => {
    const params: number[] = Array(h.params).fill(VALTYPE.i32);
    const results: number[] = h.returnsValue ? [VALTYPE.i32] : [];
    let k = types.findIndex((t) => t.params.length === params.length && t.results.length === results.length);
    if (k < 0) { k = types.length; types.push({ params, results }); }
    return k;
  });
  return { types, helperTypes };
}
export interface FuncImport { module: string; name: string; type: number }

/**
 * A module: function imports (e.g. JS helpers), an imported memory and/or function table, the
 * defined functions (optionally exported by name), and an optional active element segment that
 * puts functions into the imported table at a fixed offset. Bodies are written by a callback
 * straight into the code section.
 */
export function buildModule(opts: {
  types: FuncType[];
  funcImports: FuncImport[];
  memory?: { module: string; name: string; minPages: number };
  table?: { module: string; name: string; min: number };
  /** A second imported function table (table 1), e.g. the JIT's dispatch table for tail calls. */
  table1?: { module: string; name: string; min: number };
  functions: { type: number; export?: string; writeBody: (w: ByteWriter) => void }[];
  /** Mutable i32 globals the module defines, each starting at 0. */
  i32Globals?: number;
  /** Function indices (imports first) to place in the table from slot `offset`. */
  elements?: { offset: number; funcs: number[] };
}, w = new ByteWriter()): Uint8Array<ArrayBuffer> {
  w.pos = 0;
  w.copy(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  let s = section(w, 1);
  w.uleb(opts.types.length);
  for (const t of opts.types) {
    w.byte(0x60); w.uleb(t.params.length); for (const p of t.params) w.byte(p);
    w.uleb(t.results.length); for (const r of t.results) w.byte(r);
  }
  w.endSized(s);
  s = section(w, 2);
  w.uleb(opts.funcImports.length + (opts.memory ? 1 : 0) + (opts.table ? 1 : 0) + (opts.table1 ? 1 : 0));
  for (const f of opts.funcImports) { w.name(f.module); w.name(f.name); w.byte(0x00); w.uleb(f.type); }
  for (const t of [opts.table, opts.table1]) if (t) { w.name(t.module); w.name(t.name); w.byte(0x01); w.byte(0x70); w.byte(0x00); w.uleb(t.min); }
  if (opts.memory) { w.name(opts.memory.module); w.name(opts.memory.name); w.byte(0x02); w.byte(0x00); w.uleb(opts.memory.minPages); }
  w.endSized(s);
  s = section(w, 3);
  w.uleb(opts.functions.length);
  for (const f of opts.functions) w.uleb(f.type);
  w.endSized(s);
  if (opts.i32Globals) {
    s = section(w, 6);
    w.uleb(opts.i32Globals);
    for (let g = 0; g < opts.i32Globals; g++) { w.byte(VALTYPE.i32); w.byte(1); w.byte(0x41); w.byte(0); w.byte(0x0b); }
    w.endSized(s);
  }
  const exported = opts.functions.map((f, i) => [f.export, i + opts.funcImports.length] as const).filter(([e]) => e !== undefined);
  s = section(w, 7);
  w.uleb(exported.length);
  for (const [name, idx] of exported) { w.name(name!); w.byte(0x00); w.uleb(idx); }
  w.endSized(s);
  if (opts.elements) {
    s = section(w, 9);
    w.uleb(1);
    w.byte(0x00); // active, table 0, funcref, offset expression
    w.byte(0x41); w.sleb(opts.elements.offset); w.byte(0x0b);
    w.uleb(opts.elements.funcs.length);
    for (const f of opts.elements.funcs) w.uleb(f);
    w.endSized(s);
  }
  s = section(w, 10);
  w.uleb(opts.functions.length);
  for (const f of opts.functions) {
    const b = w.beginSized();
    f.writeBody(w);
    w.endSized(b);
  }
  w.endSized(s);
  return w.result();
}

function section(w: ByteWriter, id: number): number {
  w.byte(id);
  return w.beginSized();
}
