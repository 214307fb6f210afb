/**
 * Back-end A: the copy-and-patch code generator. For each micro-op it copies the op's
 * snippet into the function being built and writes the op's parameters into the holes,
 * as dyngen's generated dyngen_code() did with host machine code.
 *
 * A block function is
 *     (func (local <temps, env words held in locals, scratch locals>)
 *       <load the env words the block uses into their locals>
 *       block $exit            ;; exit_tb() in any snippet is a br to here
 *         <snippet> <snippet> …
 *       end
 *       <store the env words the block writes>
 *       <epilogue>)
 * Guest registers and flags thus live in locals for the length of the block (the target's
 * BLOCK_LOCAL_WORDS), and V8 can keep them in host registers. An op that may touch them in
 * memory (a helper) is bracketed: the locals are written back before it and reloaded after,
 * on its exit path too.
 */
import { ENV_BASE } from '../ops/core.js';
import { BUDGET_ADDR, emitBudgetLoad, emitFlags, emitChainTailCall, emitJumpCacheLookup, type ExecWords } from './dispatch.js';
import { keyNumber, type BlockKey } from './translator.js';
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

  /** Local declarations of every block function: the table's temps, word locals and scratch locals. */
  writeLocals(w: ByteWriter): void {
    const { temps, words, scratchI32, scratchI64 } = this.table.locals;
    w.uleb(scratchI64 ? 2 : 1);
    w.uleb(temps + words.length + scratchI32); w.byte(VALTYPE.i32);
    if (scratchI64) { w.uleb(scratchI64); w.byte(VALTYPE.i64); }
  }

  /** The word locals that ops[from, to) use (read or write) and write, as masks. */
  wordMasks(ob: OpBuffer, from = 0, to = ob.length): { uses: number; writes: number } {
    const t = this.table, words = ob.words, generated = t.ops.length;
    let uses = 0, writes = 0;
    for (let i = from; i < to; i += 1 + t.paramCount[words[i]]) {
      const opc = words[i];
      if (opc >= generated) continue;
      uses |= t.wordUses[opc];
      writes |= t.wordWrites[opc];
    }
    return { uses: uses >>> 0, writes: writes >>> 0 };
  }

  /** The bit of env word `word` in word-local masks (0 if blocks do not keep it in a local). */
  wordMask(word: number): number {
    const i = this.table.locals.words.indexOf(word);
    return i >= 0 ? (1 << i) >>> 0 : 0;
  }

  /** Push env word `word`: from its local if blocks keep it in one, else from memory. */
  wordGet(w: ByteWriter, word: number): void {
    const i = this.table.locals.words.indexOf(word);
    if (i >= 0) { w.byte(OP.local_get); w.uleb(this.table.locals.temps + i); return; }
    w.byte(OP.i32_const); w.byte(0); w.byte(OP.i32_load); w.byte(2); w.uleb(ENV_BASE + 4 * word);
  }

  /** Load the env words of `mask` into their locals. */
  loadWords(w: ByteWriter, mask: number): void {
    const { temps, words } = this.table.locals;
    for (let i = 0; mask >>> i; i++) {
      if (!((mask >>> i) & 1)) continue;
      w.byte(OP.i32_const); w.byte(0);
      w.byte(OP.i32_load); w.byte(2); w.uleb(ENV_BASE + 4 * words[i]);
      w.byte(OP.local_set); w.uleb(temps + i);
    }
  }

  /** Store the word locals of `mask` to their env words. */
  storeWords(w: ByteWriter, mask: number): void {
    const { temps, words } = this.table.locals;
    for (let i = 0; mask >>> i; i++) {
      if (!((mask >>> i) & 1)) continue;
      w.byte(OP.i32_const); w.byte(0);
      w.byte(OP.local_get); w.uleb(temps + i);
      w.byte(OP.i32_store); w.byte(2); w.uleb(ENV_BASE + 4 * words[i]);
    }
  }

  /**
   * Copy the snippets of `ops[from, to)` (word indexes into ob.words) and patch their holes.
   * `masks` are the enclosing function's word locals (what its prologue loads and its
   * epilogue stores), for the write-back and reload around ops that sync them.
   */
  writeOps(w: ByteWriter, ob: OpBuffer, from = 0, to = ob.length, masks = this.wordMasks(ob, from, to)): void {
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
      const sync = t.syncsWords[opc] !== 0 && masks.uses !== 0;
      if (sync) {
        // Write the locals back; the snippet's exits land in $exited (no relocation).
        this.storeWords(w, masks.writes);
        w.byte(OP.block); w.byte(0x40);   // $done
        w.byte(OP.block); w.byte(0x40);   // $exited
      }
      const start = t.codeStart[opc], size = t.codeSize[opc];
      w.ensure(size);
      const at = w.pos;
      w.bytes.set(code.subarray(start, start + size), at);
      const holes = t.holes[opc];
      for (let h = 0; h < holes.length; h += 2) patchSleb5(w.bytes, at + holes[h], words[i + holes[h + 1]]);
      if (depth && !sync) { const exits = t.exits[opc]; for (let e = 0; e < exits.length; e++) w.bytes[at + exits[e]] += depth; }
      w.pos = at + size;
      if (sync) {
        w.byte(OP.br); w.byte(1);         // → $done
        w.byte(OP.end);                   // $exited: reload what the epilogue will store, then leave
        this.loadWords(w, masks.writes);
        w.byte(OP.br); w.uleb(depth + 1); // → $exit, past $done and the open conditional regions
        w.byte(OP.end);                   // $done
        this.loadWords(w, masks.uses);
      }
      i += 1 + t.paramCount[opc];
    }
  }

  /**
   * A whole block function body: locals, prologue, block $exit { ops, fallthrough }, epilogue.
   * `fallthrough` runs only when no op left the block.
   */
  writeBody(w: ByteWriter, ob: OpBuffer, frame: BodyFrame = {}): void {
    const masks = this.wordMasks(ob);
    this.writeLocals(w);
    this.loadWords(w, masks.uses);
    frame.prologue?.(w);
    w.byte(OP.block); w.byte(0x40);
    this.writeOps(w, ob, 0, ob.length, masks);
    frame.fallthrough?.(w);
    w.byte(OP.end);
    this.storeWords(w, masks.writes);
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

/** A block of a region: its micro-ops, its key, and the keys it may jump to statically. */
export interface RegionBlock extends BlockKey { ob: OpBuffer; successors: readonly BlockKey[] }

/** Internal transitions a region makes before it returns (so the exec loop gets control back). */
export const REGION_MAX_BLOCKS = 1024;

/** Code around the snippets of a block function (the exec loop's and the tests' own glue). */
export interface BodyFrame {
  prologue?: (w: ByteWriter) => void;
  fallthrough?: (w: ByteWriter) => void;
  epilogue?: (w: ByteWriter) => void;
}

/**
 * A module for a batch of blocks, built from *regions* (v86's way): the blocks that jump to one
 * another by static successors (a connected component of the batch's successor graph) share
 * one region function, and each block has a small exported entry `f<i>: () -> i32` that
 * enters its region at that block and returns the number of blocks run. After each block the
 * region looks at the next pc: if it is a static successor in the same region, it goes on
 * there without leaving WebAssembly; otherwise (an indirect jump, a block of another region or
 * module, an exception, an exit request, or REGION_MAX_BLOCKS run) it returns. The env words
 * held in locals stay there across the region's blocks, so V8 sees a loop and keeps them in
 * host registers; a region loads and stores only the words its own blocks use, so code that
 * leaves after one block (an interpreter's indirect dispatch) pays for few.
 *
 *   (func $region (result i32)
 *     next = $entry; load the words the region's blocks use
 *     block $leave
 *       loop $top
 *         block … block  (br_table next)  end
 *         ;; block i:
 *         block $exit <ops of block i> end
 *         count++
 *         br_if $leave (env[exception] | env[exitRequest]) != 0 || count >= min(budget, REGION_MAX_BLOCKS)
 *         pc = env[pc]; flags = env[flags words…] ORed
 *         if (pc, flags) == successor k: next = k; br $top      (for each successor in the region;
 *                                                                  a block that is its own successor
 *                                                                  is a loop of its own: br $self)
 *         next = lookup; br $top      (a binary search on the key among the region's blocks, else $leave)
 *         ;; block i + 1 …
 *     store the words the region's blocks write; return count)
 */
export function buildRegionModule(codegen: CopyPatchCodegen, blocks: readonly RegionBlock[], words: ExecWords, chain: boolean, w?: ByteWriter,
  generation = 0): RegionModule {
  const t = codegen.table;
  const types = [...codegen.types, { params: [], results: [VALTYPE.i32] }];
  const typeEntry = types.length - 1;
  const index = new Map(blocks.map((b, i) => [keyNumber(b.pc, b.flags), i]));
  // Regions: connected components of the successor graph within the batch (union-find).
  const parent = blocks.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) i = parent[i] = parent[parent[i]]; return i; };
  const inBatch = blocks.map((b) => [...new Set(b.successors.map((k) => keyNumber(k.pc, k.flags)))].filter((k) => index.has(k)).map((k) => index.get(k)!));
  inBatch.forEach((succ, i) => { for (const j of succ) parent[find(i)] = find(j); });
  const regions: number[][] = [];
  const regionOf = new Map<number, number>();
  blocks.forEach((_, i) => {
    const root = find(i);
    if (!regionOf.has(root)) { regionOf.set(root, regions.length); regions.push([]); }
    regions[regionOf.get(root)!].push(i);
  });
  // The region's own locals come after the table's layout: next, count, key.
  const { temps, words: wordLocals, scratchI32, scratchI64 } = t.locals;
  const base = temps + wordLocals.length + scratchI32 + scratchI64;
  const NEXT = base, COUNT = base + 1, KEY = base + 2, E = base + 3, LIMIT = base + 4, FLAGS = base + 5;
  /** Set KEY (and FLAGS) to the next block's key (from the locals where blocks keep those words). */
  const keyFromState = (bw: ByteWriter, withFlags = true): void => {
    codegen.wordGet(bw, words.pc); bw.byte(OP.local_set); bw.uleb(KEY);
    if (withFlags) { emitFlags(bw, words, (ww, word) => codegen.wordGet(ww, word)); bw.byte(OP.local_set); bw.uleb(FLAGS); }
  };
  /** Push KEY == pc (&& FLAGS == flags). */
  const keyIs = (bw: ByteWriter, key: BlockKey, withFlags = true): void => {
    bw.byte(OP.local_get); bw.uleb(KEY); bw.byte(OP.i32_const); bw.sleb(key.pc | 0); bw.byte(OP.i32_eq);
    if (!withFlags) return;
    bw.byte(OP.local_get); bw.uleb(FLAGS); bw.byte(OP.i32_const); bw.sleb(key.flags | 0); bw.byte(OP.i32_eq);
    bw.byte(OP.i32_and);
  };
  /**
   * Whether a block's ops leave the flags words as they were: every flags word lives in a local
   * (so only ops that write it can change it), no op writes one, and no op calls a helper that
   * may touch the locals' words in memory.
   */
  const flagsMask = words.flags.reduce((m, w) => m | codegen.wordMask(w), 0);
  const allFlagsLocal = words.flags.every((w) => codegen.wordMask(w) !== 0);
  const flagsKept = (ob: OpBuffer): boolean => {
    if (!allFlagsLocal || (codegen.wordMasks(ob).writes & flagsMask) !== 0) return false;
    const opWords = ob.words, generated = t.ops.length;
    for (let i = 0; i < ob.length; i += 1 + t.paramCount[opWords[i]]) {
      if (opWords[i] < generated && t.syncsWords[opWords[i]] !== 0) return false;
    }
    return true;
  };
  const envLoad = (bw: ByteWriter, word: number): void => {
    bw.byte(OP.i32_const); bw.byte(0); bw.byte(OP.i32_load); bw.byte(2); bw.uleb(ENV_BASE + 4 * word);
  };
  const region = (members: number[]) => (bw: ByteWriter): void => {
    const n = members.length;
    const local = new Map(members.map((b, i) => [b, i]));
    let uses = 0, writes = 0;
    for (const b of members) { const m = codegen.wordMasks(blocks[b].ob); uses |= m.uses; writes |= m.writes; }
    // The next block's key is read from the pc and state words: load them even if no op reads them.
    uses |= codegen.wordMask(words.pc);
    for (const f of words.flags) uses |= codegen.wordMask(f);
    const masks = { uses: uses >>> 0, writes: writes >>> 0 };
    bw.uleb(scratchI64 ? 3 : 2);
    bw.uleb(temps + wordLocals.length + scratchI32); bw.byte(VALTYPE.i32);
    if (scratchI64) { bw.uleb(scratchI64); bw.byte(VALTYPE.i64); }
    bw.uleb(6); bw.byte(VALTYPE.i32);
    bw.byte(OP.global_get); bw.byte(0); bw.byte(OP.local_set); bw.uleb(NEXT);
    // At most the chain's budget (at least one block), and at most REGION_MAX_BLOCKS.
    emitBudgetLoad(bw); bw.byte(OP.local_tee); bw.uleb(LIMIT);
    bw.byte(OP.i32_const); bw.sleb(REGION_MAX_BLOCKS); bw.byte(OP.i32_gt_s);
    bw.byte(OP.if); bw.byte(0x40); bw.byte(OP.i32_const); bw.sleb(REGION_MAX_BLOCKS); bw.byte(OP.local_set); bw.uleb(LIMIT); bw.byte(OP.end);
    codegen.loadWords(bw, masks.uses);
    // A block whose next pc is none of its static successors in the region (an indirect jump:
    // a return, a switch, also a conditional one, which has a static successor as well) looks
    // its target up among the region's blocks: slot n of the dispatch holds that lookup, a
    // binary search on the key.
    const lookup = chain && n > 1;
    const slots = n + (lookup ? 1 : 0);
    bw.byte(OP.block); bw.byte(0x40);                     // $leave
    bw.byte(OP.loop); bw.byte(0x40);                      // $top
    for (let i = 0; i < slots; i++) { bw.byte(OP.block); bw.byte(0x40); }
    bw.byte(OP.local_get); bw.uleb(NEXT);
    bw.byte(OP.br_table); bw.uleb(slots - 1); for (let i = 0; i < slots; i++) bw.uleb(i);
    for (let i = 0; i < n; i++) {
      bw.byte(OP.end);                                    // block i starts here
      const block = blocks[members[i]];
      const succ = inBatch[members[i]];
      // A block that jumps to itself (a loop of one block) is a WebAssembly loop of its own, so
      // that its iterations do not go through the region's dispatch, where every word the
      // region holds would be a loop variable (measured: crc32's inner loop ~20 % slower in a
      // five-block region than alone).
      const selfLoop = succ.includes(members[i]);
      if (selfLoop) { bw.byte(OP.loop); bw.byte(0x40); }  // $self
      const d = selfLoop ? 1 : 0;
      const top = slots - 1 - i + d, leave = slots - i + d; // label depths from block i's code
      bw.byte(OP.block); bw.byte(0x40);                   // $exit
      codegen.writeOps(bw, block.ob, 0, block.ob.length, masks);
      bw.byte(OP.end);
      bw.byte(OP.local_get); bw.uleb(COUNT); bw.byte(OP.i32_const); bw.byte(1); bw.byte(OP.i32_add); bw.byte(OP.local_tee); bw.uleb(COUNT);
      bw.byte(OP.local_get); bw.uleb(LIMIT);
      bw.byte(OP.i32_ge_s);
      envLoad(bw, words.exception); bw.byte(OP.i32_or);
      envLoad(bw, words.exitRequest); bw.byte(OP.i32_or);
      bw.byte(OP.br_if); bw.uleb(leave);
      // A block that cannot change the flags words leaves with its own flags: its successors
      // are told apart by pc alone, and those with other flags cannot be next.
      const sameFlags = succ.length > 0 && flagsKept(block.ob);
      if (succ.length) {
        keyFromState(bw, !sameFlags);
        for (const j of succ) {
          if (sameFlags && blocks[j].flags !== block.flags) continue;
          keyIs(bw, blocks[j], !sameFlags);
          bw.byte(OP.if); bw.byte(0x40);
          if (j === members[i] && selfLoop) { bw.byte(OP.br); bw.uleb(1); }   // → $self
          else {
            bw.byte(OP.i32_const); bw.sleb(local.get(j)!); bw.byte(OP.local_set); bw.uleb(NEXT);
            bw.byte(OP.br); bw.uleb(top + 1);
          }
          bw.byte(OP.end);
        }
      }
      if (lookup) {
        if (!succ.length) keyFromState(bw);
        else if (sameFlags) { bw.byte(OP.i32_const); bw.sleb(block.flags | 0); bw.byte(OP.local_set); bw.uleb(FLAGS); }
        bw.byte(OP.i32_const); bw.sleb(n); bw.byte(OP.local_set); bw.uleb(NEXT);
        bw.byte(OP.br); bw.uleb(top);
      } else {
        bw.byte(OP.br); bw.uleb(leave);
      }
      if (selfLoop) bw.byte(OP.end);                      // $self
    }
    if (lookup) {
      bw.byte(OP.end);                                    // slot n: the indirect-jump lookup
      const sorted = members.map((b, i) => ({ pc: blocks[b].pc >>> 0, flags: blocks[b].flags, i })).sort((a, b) => a.pc - b.pc || a.flags - b.flags);
      // From the lookup's code $top is label 0 and $leave label 1, plus the ifs it is inside.
      // The search splits on pc; blocks with the same pc (other flags) stay on one side.
      const search = (lo: number, hi: number, depth: number, withFlags: boolean): void => {
        let mid = (lo + hi) >> 1;
        while (mid > lo && sorted[mid - 1].pc === sorted[mid].pc) mid--;
        if (mid === lo) { mid = (lo + hi) >> 1; while (mid < hi && sorted[mid].pc === sorted[lo].pc) mid++; }
        if (hi - lo <= 3 || mid === hi) {
          for (let j = lo; j < hi; j++) {
            keyIs(bw, sorted[j], withFlags);
            bw.byte(OP.if); bw.byte(0x40);
            bw.byte(OP.i32_const); bw.sleb(sorted[j].i); bw.byte(OP.local_set); bw.uleb(NEXT);
            bw.byte(OP.br); bw.uleb(depth + 1);
            bw.byte(OP.end);
          }
          bw.byte(OP.br); bw.uleb(depth + 1);
          return;
        }
        bw.byte(OP.local_get); bw.uleb(KEY); bw.byte(OP.i32_const); bw.sleb(sorted[mid].pc | 0); bw.byte(OP.i32_lt_u);
        bw.byte(OP.if); bw.byte(0x40);
        search(lo, mid, depth + 1, withFlags);
        bw.byte(OP.else);
        search(mid, hi, depth + 1, withFlags);
        bw.byte(OP.end);
      };
      // Blocks of one flags value (the usual case) check the flags once, then the pc alone.
      const oneFlags = sorted.every((k) => k.flags === sorted[0].flags);
      if (oneFlags) {
        bw.byte(OP.local_get); bw.uleb(FLAGS); bw.byte(OP.i32_const); bw.sleb(sorted[0].flags | 0); bw.byte(OP.i32_ne);
        bw.byte(OP.br_if); bw.uleb(1);
      }
      search(0, n, 0, !oneFlags);
    }
    bw.byte(OP.end);                                      // $top
    bw.byte(OP.end);                                      // $leave
    codegen.storeWords(bw, masks.writes);
    // Charge the blocks run to the chain's budget, and go on to the next block if the chain may.
    // (E holds the budget left until the lookup reuses it.)
    bw.byte(OP.i32_const); bw.byte(0);
    emitBudgetLoad(bw); bw.byte(OP.local_get); bw.uleb(COUNT); bw.byte(OP.i32_sub); bw.byte(OP.local_tee); bw.uleb(E);
    bw.byte(OP.i32_store); bw.byte(2); bw.uleb(BUDGET_ADDR);
    if (chain) {
      bw.byte(OP.local_get); bw.uleb(E); bw.byte(OP.i32_const); bw.byte(0); bw.byte(OP.i32_gt_s);
      envLoad(bw, words.exception); envLoad(bw, words.exitRequest); bw.byte(OP.i32_or); bw.byte(OP.i32_eqz); bw.byte(OP.i32_and);
      bw.byte(OP.if); bw.byte(0x40);
      keyFromState(bw);
      emitJumpCacheLookup(bw, KEY, FLAGS, E);
      bw.byte(OP.if); bw.byte(0x40);
      emitChainTailCall(bw, E, generation, typeEntry, 1);
      bw.byte(OP.end);
      bw.byte(OP.end);
    }
    bw.byte(OP.local_get); bw.uleb(COUNT);
    bw.byte(OP.end);
  };
  // Entry i: the region's br_table index of block i, then a call of its region function.
  const entry = (i: number) => (bw: ByteWriter): void => {
    const r = regionOf.get(find(i))!;
    bw.uleb(0);
    bw.byte(OP.i32_const); bw.sleb(regions[r].indexOf(i)); bw.byte(OP.global_set); bw.byte(0);
    bw.byte(OP.return_call); bw.uleb(r);   // a tail call: chains of blocks run in constant stack
    bw.byte(OP.end);
  };
  const bytes = buildModule({
    types,
    funcImports: [],
    memory: { module: 'env', name: 'memory', minPages: 1 },
    table: { module: 'env', name: 'table', min: t.helpers.length },
    table1: chain ? { module: 'env', name: 'blocks', min: 0 } : undefined,
    i32Globals: 1,
    functions: [
      ...regions.map((members) => ({ type: typeEntry, writeBody: region(members) })),
      ...blocks.map((_, i) => ({ type: typeEntry, export: `f${i}`, writeBody: entry(i) })),
    ],
  }, w);
  return { bytes, regions };
}

/** A built region module: its bytes, and per region function (functions 0, 1, …) its blocks' indexes. */
export interface RegionModule { bytes: Uint8Array<ArrayBuffer>; regions: number[][] }

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
