/**
 * The snippet extractor: turns one optimised op function (cut out of binaryen's binary)
 * into a position-independent snippet with holes.
 *
 *  - global.get/set of a temp  → local.get/set of the block function's temp local
 *  - global.get/set of an env word kept in a block local (BLOCK_LOCAL_WORDS) → local.get/set
 *                                of that local; the snippet records which it reads and writes
 *  - global.get of a parameter → i32.const with a 5-byte signed LEB128 immediate: a hole
 *  - call __exit_tb            → br to the block function's exit label (relative depth)
 *  - return                    → br to a block wrapped around the snippet
 *  - call helper               → call_indirect through the function table, whose first slots
 *                                hold the helpers (so block modules import no JS functions)
 *  - locals                    → the block function's shared scratch locals, zeroed first
 *                                where the optimised code may read a local before writing it
 */
import { OP, decodeAll, type Instruction } from '../runtime/wasm/instructions.js';
import { PADDED_LEB_BYTES, writeSleb, writeUleb } from '../runtime/wasm/leb.js';
import { IMPORT_KIND, type FunctionBody, type ImportEntry } from './wasm-module.js';
import { IMPORTS, PARAM_NAMES, TEMP_NAMES, localWordGlobal } from './lower.js';

export const I32 = 0x7f, I64 = 0x7e;

export interface Hole {
  /** Byte offset of the 5-byte immediate inside the snippet. */
  offset: number;
  /** Which parameter: 1..3. */
  param: number;
  encoding: 'sleb32-5';
}

/** First pass: what an op's body needs, before the shared local layout is known. */
export interface DecodedOp {
  instructions: Instruction[];
  code: Uint8Array;
  /** Type of each of the op's own locals (it has no parameters). */
  localTypes: number[];
}

export function decodeOp(body: FunctionBody): DecodedOp {
  const localTypes: number[] = [];
  for (const g of body.locals) for (let i = 0; i < g.count; i++) localTypes.push(g.type);
  for (const t of localTypes) if (t !== I32 && t !== I64) throw new Error(`unsupported local type 0x${t.toString(16)}`);
  return { instructions: decodeAll(body.code), code: body.code, localTypes };
}

/**
 * Layout of locals in every block function: temps first, then the env words kept in locals,
 * then shared scratch locals by type.
 */
export interface LocalLayout { temps: number; words: number; scratchI32: number; scratchI64: number }

export function localLayout(ops: DecodedOp[], temps: number, words: number): LocalLayout {
  let scratchI32 = 0, scratchI64 = 0;
  for (const op of ops) {
    scratchI32 = Math.max(scratchI32, op.localTypes.filter((t) => t === I32).length);
    scratchI64 = Math.max(scratchI64, op.localTypes.filter((t) => t === I64).length);
  }
  return { temps, words, scratchI32, scratchI64 };
}

/**
 * `exits` are the offsets of the one-byte immediates of the branches that leave the block: the
 * code generator adds the depth of any structure it wraps the snippet in (a conditional
 * instruction's `if`), the way a linker applies a relocation.
 */
export interface Snippet {
  bytes: Uint8Array; holes: Hole[]; exits: number[];
  /** Masks over the layout's word locals (bit i: word local i) that the snippet reads and writes. */
  wordReads: number; wordWrites: number;
}

export interface ImportMaps {
  /** function import index → canonical helper index, or 'exit' */
  funcs: (number | 'exit')[];
  /** canonical helper index → its type index in every block module (blockModuleTypes) */
  helperTypes: number[];
  /** global import index → { temp: k }, { param: k } or { word: i } (the i-th word local) */
  globals: GlobalRole[];
}

type GlobalRole = { temp: number } | { param: number } | { word: number };

export function importMaps(imports: ImportEntry[], helperIndex: Map<string, number>, helperTypes: number[], localWords: readonly number[] = []): ImportMaps {
  const funcs: (number | 'exit')[] = [];
  const globals: GlobalRole[] = [];
  const wordNames = localWords.map(localWordGlobal);
  for (const imp of imports) {
    if (imp.kind === IMPORT_KIND.func) {
      if (imp.name === IMPORTS.exit) funcs.push('exit');
      else {
        const h = helperIndex.get(imp.name);
        if (h === undefined) throw new Error(`import of unknown helper ${imp.name}`);
        funcs.push(h);
      }
    } else if (imp.kind === IMPORT_KIND.global) {
      const t = TEMP_NAMES.indexOf(imp.name), p = PARAM_NAMES.indexOf(imp.name), w = wordNames.indexOf(imp.name);
      if (t >= 0) globals.push({ temp: t });
      else if (p >= 0) globals.push({ param: p + 1 });
      else if (w >= 0) globals.push({ word: w });
      else throw new Error(`import of unknown global ${imp.name}`);
    }
  }
  return { funcs, globals, helperTypes };
}

export function extractSnippet(op: DecodedOp, layout: LocalLayout, maps: ImportMaps): Snippet {
  // Map the op's local i to the block function's local index.
  const localMap: number[] = [];
  let n32 = 0, n64 = 0;
  for (const t of op.localTypes) {
    localMap.push(t === I32 ? layout.temps + layout.words + n32++ : layout.temps + layout.words + layout.scratchI32 + n64++);
  }
  const wrap = op.instructions.some((i) => i.opcode === OP.return);
  const out: number[] = [];
  const holes: Hole[] = [];
  const exits: number[] = [];
  let wordReads = 0, wordWrites = 0;

  // Zero the scratch locals that may be read before they are written: binaryen assumes the
  // zero a fresh function local starts with, but a snippet shares its locals with other ops.
  const firstUse = new Map<number, 'read' | 'written'>();
  let depth = 0;
  for (const ins of op.instructions) {
    if (ins.opcode === OP.local_get || ins.opcode === OP.local_set || ins.opcode === OP.local_tee) {
      const i = (ins.imm as { index: number }).index;
      if (!firstUse.has(i)) firstUse.set(i, ins.opcode !== OP.local_get && depth === 0 ? 'written' : 'read');
    }
    if (ins.opcode === OP.block || ins.opcode === OP.loop || ins.opcode === OP.if) depth++;
    else if (ins.opcode === OP.end) depth--;
  }
  for (const [i, use] of [...firstUse].sort((a, b) => a[0] - b[0])) {
    if (use !== 'read') continue;
    out.push(op.localTypes[i] === I32 ? OP.i32_const : OP.i64_const, 0, OP.local_set);
    writeUleb(out, localMap[i]);
  }

  if (wrap) out.push(OP.block, 0x40);
  depth = 0;
  for (const ins of op.instructions) {
    const imm = ins.imm;
    switch (ins.opcode) {
      case OP.global_get: case OP.global_set: {
        const g = maps.globals[(imm as { index: number }).index];
        if ('temp' in g) { out.push(ins.opcode === OP.global_get ? OP.local_get : OP.local_set); writeUleb(out, g.temp); break; }
        if ('word' in g) {
          if (ins.opcode === OP.global_get) wordReads |= 1 << g.word; else wordWrites |= 1 << g.word;
          out.push(ins.opcode === OP.global_get ? OP.local_get : OP.local_set); writeUleb(out, layout.temps + g.word);
          break;
        }
        if (ins.opcode === OP.global_set) throw new Error('a parameter is written');
        out.push(OP.i32_const);
        holes.push({ offset: out.length, param: g.param, encoding: 'sleb32-5' });
        // A padded LEB128 of 0 until patched, so an unpatched snippet still decodes.
        for (let k = 0; k < PADDED_LEB_BYTES - 1; k++) out.push(0x80);
        out.push(0);
        break;
      }
      case OP.local_get: case OP.local_set: case OP.local_tee:
        out.push(ins.opcode); writeUleb(out, localMap[(imm as { index: number }).index]); break;
      case OP.call: {
        const f = maps.funcs[(imm as { index: number }).index];
        if (f === 'exit') {
          const label = depth + (wrap ? 1 : 0);
          // One byte, so that a relocation never changes the snippet's length.
          if (label > 63) throw new Error('exit branch nested too deeply for a one-byte relocation');
          out.push(OP.br); exits.push(out.length); writeUleb(out, label);
        }
        else {
          // Table slot f holds helper f; table 0, the module's only table.
          out.push(OP.i32_const); writeSleb(out, f);
          out.push(OP.call_indirect); writeUleb(out, maps.helperTypes[f]); out.push(0);
        }
        break;
      }
      case OP.return:
        out.push(OP.br); writeUleb(out, depth); break;
      case OP.br_table: case OP.call_indirect:
        throw new Error(`${ins.name} in a snippet is not supported`);
      default:
        for (let k = ins.start; k < ins.end; k++) out.push(op.code[k]);
    }
    if (ins.opcode === OP.block || ins.opcode === OP.loop || ins.opcode === OP.if) depth++;
    else if (ins.opcode === OP.end) depth--;
  }
  if (wrap) out.push(OP.end);
  return { bytes: Uint8Array.from(out), holes, exits, wordReads: wordReads >>> 0, wordWrites: wordWrites >>> 0 };
}
