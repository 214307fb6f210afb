/** The op table of a target, as the generator wrote it, made ready for both back-ends. */
import type { OpState } from '../ops/core.js';

export interface GeneratedHole { offset: number; param: number; encoding: 'sleb32-5' }

export interface GeneratedOp {
  id: number;
  name: string;
  /** Number of constant parameters the op takes from the micro-op stream. */
  params: number;
  mayExit: boolean;
  /** The op may write guest memory (a store or a helper call). */
  writesMemory: boolean;
  /** `path:line-endLine` of the op's TypeScript source. */
  source: string;
  /** Snippet bytes, hex. */
  code: string;
  holes: readonly GeneratedHole[];
  /** Offsets of the one-byte immediates of the snippet's block-exit branches (relocations). */
  exits: readonly number[];
  /** Masks over LOCALS.words (bit i: the env word in word local i) that the snippet reads and writes. */
  wordReads: number;
  wordWrites: number;
  /** The op may touch those env words in memory (a helper, a computed index): sync around it. */
  syncsWords: boolean;
  /** The op's TypeScript function, bound to its expansion value: interpreter mode's semantics. */
  interp: (s: OpState) => void;
}

export interface GeneratedHelper {
  name: string;
  params: number;
  returnsValue: boolean;
  takesState: boolean;
  fn: (...args: never[]) => number | void;
}

export interface GeneratedTable {
  TARGET: string;
  LOCALS: { temps: number; words: readonly number[]; scratchI32: number; scratchI64: number };
  HELPERS: readonly GeneratedHelper[];
  OPS: readonly GeneratedOp[];
}

/** Op metadata in flat arrays, and all snippets in one byte array: the copy loop's data. */
export class OpTable {
  readonly target: string;
  readonly ops: readonly GeneratedOp[];
  readonly helpers: readonly GeneratedHelper[];
  readonly locals: GeneratedTable['LOCALS'];
  /** All snippet bytes back to back. */
  readonly code: Uint8Array;
  readonly codeStart: Int32Array;
  readonly codeSize: Int32Array;
  readonly paramCount: Uint8Array;
  /** Per op, its holes as [offset, param] pairs. */
  readonly holes: readonly Int32Array[];
  /** Per op, the offsets of its exit-branch depths (see GeneratedOp.exits). */
  readonly exits: readonly Int32Array[];
  /** Per op, GeneratedOp.wordReads | wordWrites, wordWrites, and syncsWords as 0/1. */
  readonly wordUses: Uint32Array;
  readonly wordWrites: Uint32Array;
  readonly syncsWords: Uint8Array;
  /**
   * Structural opcodes numbered after the generated ops, understood by both back-ends: the
   * ops between IF_T0 and its ENDIF run only if T0 is non-zero (a conditional instruction
   * inside a block). IF_T0's parameter is the word index just after its ENDIF.
   */
  readonly OPC_IF_T0: number;
  readonly OPC_ENDIF: number;
  readonly byName: ReadonlyMap<string, GeneratedOp>;

  constructor(gen: GeneratedTable) {
    this.target = gen.TARGET;
    this.ops = gen.OPS;
    this.helpers = gen.HELPERS;
    this.locals = gen.LOCALS;
    const n = gen.OPS.length;
    this.codeStart = new Int32Array(n);
    this.codeSize = new Int32Array(n);
    ({ IF_T0: this.OPC_IF_T0, ENDIF: this.OPC_ENDIF } = structuralOpcodes(n));
    this.paramCount = new Uint8Array(n + 2);
    this.paramCount[this.OPC_IF_T0] = 1;
    const total = gen.OPS.reduce((a, op) => a + op.code.length / 2, 0);
    this.code = new Uint8Array(total);
    let at = 0;
    gen.OPS.forEach((op, i) => {
      if (op.id !== i) throw new Error(`op table out of order at ${op.name}`);
      this.codeStart[i] = at;
      this.codeSize[i] = op.code.length / 2;
      this.code.set(hexToBytes(op.code), at);
      at += op.code.length / 2;
      this.paramCount[i] = op.params;
    });
    this.holes = gen.OPS.map((op) => Int32Array.from(op.holes.flatMap((h) => [h.offset, h.param])));
    this.exits = gen.OPS.map((op) => Int32Array.from(op.exits));
    this.wordUses = Uint32Array.from(gen.OPS.map((op) => (op.wordReads | op.wordWrites) >>> 0));
    this.wordWrites = Uint32Array.from(gen.OPS.map((op) => op.wordWrites >>> 0));
    this.syncsWords = Uint8Array.from(gen.OPS.map((op) => (op.syncsWords ? 1 : 0)));
    this.byName = new Map(gen.OPS.map((op) => [op.name, op]));
  }

  /** The op's name, structural opcodes included (for logs). */
  opName(opc: number): string {
    return opc === this.OPC_IF_T0 ? 'if_T0' : opc === this.OPC_ENDIF ? 'endif' : this.ops[opc].name;
  }

  snippet(opc: number): Uint8Array {
    return this.code.subarray(this.codeStart[opc], this.codeStart[opc] + this.codeSize[opc]);
  }
}

/** The structural opcodes of a table of `opCount` generated ops (see OpTable.OPC_IF_T0). */
export function structuralOpcodes(opCount: number): { IF_T0: number; ENDIF: number } {
  return { IF_T0: opCount, ENDIF: opCount + 1 };
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
