/**
 * Back-end A: the copy-and-patch code generator. For each micro-op it copies the op's
 * snippet into the function being built and writes the op's parameters into the holes,
 * as dyngen's generated dyngen_code() did with host machine code.
 *
 * A block function is
 *     (func (local <temps and scratch locals>)
 *       block $exit            ;; exit_tb() in any snippet is a br to here
 *         <snippet> <snippet> …
 *       end
 *       <epilogue>)
 */
import { OP } from './wasm/instructions.js';
import { patchSleb5 } from './wasm/leb.js';
import { ByteWriter, VALTYPE, blockModuleTypes, buildModule, type FuncType } from './wasm/module-builder.js';
import type { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import type { OpState } from '../ops/core.js';

export class CopyPatchCodegen {
  /** Type 0 is the block function's () -> (); helper types follow (blockModuleTypes). */
  readonly types: FuncType[];
  readonly helperTypes: number[];

  constructor(readonly table: OpTable) {
    ({ types: this.types, helperTypes: this.helperTypes } = blockModuleTypes(table.helpers));
  }

  /** Local declarations of every block function: the table's temps and scratch locals. */
  writeLocals(w: ByteWriter): void {
    const { temps, scratchI32, scratchI64 } = this.table.locals;
    w.uleb(scratchI64 ? 2 : 1);
    w.uleb(temps + scratchI32); w.byte(VALTYPE.i32);
    if (scratchI64) { w.uleb(scratchI64); w.byte(VALTYPE.i64); }
  }

  /** Copy the snippets of `ops[from, to)` (word indexes into ob.words) and patch their holes. */
  writeOps(w: ByteWriter, ob: OpBuffer, from = 0, to = ob.length): void {
    const t = this.table, words = ob.words, code = t.code, generated = t.ops.length;
    // Structures opened around snippets (conditional regions); exits branch that much further.
    let depth = 0;
    for (let i = from; i < to;) {
      const opc = words[i];
      if (opc >= generated) {
        if (opc === t.OPC_IF_T0) { w.byte(OP.local_get); w.byte(0); w.byte(OP.if); w.byte(0x40); depth++; }
        else { w.byte(OP.end); depth--; }
        i += 1 + t.paramCount[opc];
        continue;
      }
      const start = t.codeStart[opc], size = t.codeSize[opc];
      w.ensure(size);
      const at = w.pos;
      w.bytes.set(code.subarray(start, start + size), at);
      const holes = t.holes[opc];
      for (let h = 0; h < holes.length; h += 2) patchSleb5(w.bytes, at + holes[h], words[i + holes[h + 1]]);
      if (depth) { const exits = t.exits[opc]; for (let e = 0; e < exits.length; e++) w.bytes[at + exits[e]] += depth; }
      w.pos = at + size;
      i += 1 + t.paramCount[opc];
    }
  }

  /**
   * A whole block function body: locals, prologue, block $exit { ops, fallthrough }, epilogue.
   * `fallthrough` runs only when no op left the block.
   */
  writeBody(w: ByteWriter, ob: OpBuffer, frame: BodyFrame = {}): void {
    this.writeLocals(w);
    frame.prologue?.(w);
    w.byte(OP.block); w.byte(0x40);
    this.writeOps(w, ob);
    frame.fallthrough?.(w);
    w.byte(OP.end);
    frame.epilogue?.(w);
    w.byte(OP.end);
  }

  /**
   * A module of block functions, one per stream, exported as f0, f1, … It imports only the
   * memory and the helper table (snippets reach helper k by call_indirect of slot k).
   */
  buildModule(streams: OpBuffer[], opts: { frame?: BodyFrame } = {}, w?: ByteWriter): Uint8Array<ArrayBuffer> {
    const frame = opts.frame ?? {};
    return buildModule({
      types: this.types,
      funcImports: [],
      memory: { module: 'env', name: 'memory', minPages: 1 },
      table: { module: 'env', name: 'table', min: this.table.helpers.length },
      functions: streams.map((ob, i) => ({ type: 0, export: `f${i}`, writeBody: (bw: ByteWriter) => this.writeBody(bw, ob, frame) })),
    }, w);
  }
}

/** Code around the snippets of a block function (the exec loop's and the tests' own glue). */
export interface BodyFrame {
  prologue?: (w: ByteWriter) => void;
  fallthrough?: (w: ByteWriter) => void;
  epilogue?: (w: ByteWriter) => void;
}

/**
 * The helper table: slot k holds helper k, bound to one CPU state. The helpers enter it through
 * a small trampoline module that imports them as JavaScript functions and places them with an
 * element segment, so the block modules themselves import no JS functions and V8 compiles no
 * import wrappers per block module. The table is never written again: V8 updates every
 * instance that imports a table when an entry changes, so a table that block modules import
 * must stay fixed (measured in docs/performance.md).
 */
export function helperTable(table: OpTable, s: OpState): WebAssembly.Table {
  const { types, helperTypes } = blockModuleTypes(table.helpers);
  const fnTable = new WebAssembly.Table({ element: 'anyfunc', initial: table.helpers.length });
  const helpers: Record<string, (...a: number[]) => number | void> = {};
  for (const h of table.helpers) {
    const fn = h.fn as (...a: unknown[]) => number | void;
    helpers[h.name] = h.takesState ? (...a: number[]) => fn(s, ...a) : (...a: number[]) => fn(...a);
  }
  if (table.helpers.length === 0) return fnTable;
  const bytes = buildModule({
    types,
    funcImports: table.helpers.map((h, i) => ({ module: 'helpers', name: h.name, type: helperTypes[i] })),
    table: { module: 'env', name: 'table', min: 0 },
    functions: [],
    elements: { offset: 0, funcs: table.helpers.map((_, i) => i) },
  });
  new WebAssembly.Instance(new WebAssembly.Module(bytes), { helpers, env: { table: fnTable } });
  return fnTable;
}

/** The import object of a module built by CopyPatchCodegen. */
export function moduleImports(memory: WebAssembly.Memory, fnTable: WebAssembly.Table): WebAssembly.Imports {
  return { env: { memory, table: fnTable } };
}
