/**
 * Block chaining inside WebAssembly. Every block entry (a region's, codegen.ts
 * buildRegionModule) ends by looking the next block up in a jump cache in linear memory
 * (QEMU's tb_jmp_cache) and tail-calling it through the shared function table
 * (`return_call_indirect`): threaded code, each exit with its own indirect jump, so that the
 * host's branch predictor sees one site per exit instead of one shared call. A block budget in
 * memory bounds the chain. The dispatcher below starts a chain and returns to the JS exec loop
 * when it ends: a block is not in the jump cache (translate it), an exception is pending, the
 * machine asked for attention (exit request: an interrupt line, a halt, code invalidated), or
 * the budget ran out.
 *
 *   mem[BUDGET] = budget
 *   loop
 *     e = lookup(env[pcWord], flags); if missing: return MISS
 *     call_indirect (type () -> i32) mem[e + 8]          ;; runs a chain of blocks
 *     if env[exceptionWord]: return EXCEPTION
 *     if env[exitRequestWord]: return EXIT_REQUEST
 *     br_if loop (mem[BUDGET] > 0)
 *   return BUDGET
 * The result is reason | (blocks run << 2), blocks run = budget - mem[BUDGET].
 * A block is found by its key {pc, flags}: flags is the OR of the target's flags words
 * (ExecWords.flags), so a target can keep the bits its translation depends on in several words.
 */
import { EMULATOR_AREA, ENV_BASE, NB_MMU_MODES, TLB_BASE, TLB_BYTES } from '../ops/core.js';
import { OP } from './wasm/instructions.js';
import { ByteWriter, VALTYPE, buildModule } from './wasm/module-builder.js';

/**
 * The jump cache (QEMU's tb_jmp_cache): 64 Ki entries of { pc, flags, dispatch-table slot,
 * chain slot } in the emulator's area, after the TLBs, indexed by a multiplicative hash of
 * pc ^ flags. The chain slot is (generation << CHAIN_GEN_SHIFT) | slot in that generation's
 * table: block modules tail-call only blocks of their own generation (runtime/tb.ts).
 */
export const JC_BASE = TLB_BASE + NB_MMU_MODES * TLB_BYTES;
export const JC_ENTRIES = 1 << 16;
export const JC_ENTRY_WORDS = 4;
/** The flags of an empty entry: no target uses -1 as a flags word. */
export const JC_EMPTY = -1;
/** The chain's block budget (a signed word just past the jump cache): blocks still allowed to run. */
export const BUDGET_ADDR = JC_BASE + 4 * JC_ENTRY_WORDS * JC_ENTRIES;
if (BUDGET_ADDR + 4 > ENV_BASE || JC_BASE < EMULATOR_AREA) throw new Error('dispatch: the jump cache overlaps the CPU state');

export const DISPATCH_BUDGET = 0, DISPATCH_MISS = 1, DISPATCH_EXCEPTION = 2, DISPATCH_EXIT_REQUEST = 3;

const JC_HASH = 0x9e3779b1;
export function jcIndex(pc: number, flags: number): number {
  return Math.imul(pc ^ flags, JC_HASH) >>> 16;
}

/** Env words the exec loop and the generated code read: the block key's and what makes a chain stop. */
export interface ExecWords { pc: number; flags: readonly number[]; exception: number; exitRequest: number }

/** Push env[word]. */
export function emitEnvLoad(w: ByteWriter, word: number): void {
  w.byte(OP.i32_const); w.byte(0);
  w.byte(OP.i32_load); w.byte(2); w.uleb(ENV_BASE + 4 * word);
}

/** Push the current flags word: the OR of the target's flags words, read by `get`. */
export function emitFlags(w: ByteWriter, words: ExecWords, get: (w: ByteWriter, word: number) => void = emitEnvLoad): void {
  words.flags.forEach((word, i) => { get(w, word); if (i) w.byte(OP.i32_or); });
  if (words.flags.length === 0) { w.byte(OP.i32_const); w.byte(0); }
}

/**
 * Look a block up in the jump cache: its key is in locals `pc` and `flags`; the entry's byte
 * offset from JC_BASE goes into local `e`; leaves (entry.pc == pc && entry.flags == flags) on the stack.
 */
export function emitJumpCacheLookup(w: ByteWriter, pc: number, flags: number, e: number): void {
  w.byte(OP.local_get); w.uleb(pc); w.byte(OP.local_get); w.uleb(flags); w.byte(OP.i32_xor);
  w.byte(OP.i32_const); w.sleb(JC_HASH | 0); w.byte(OP.i32_mul);
  w.byte(OP.i32_const); w.sleb(16); w.byte(OP.i32_shr_u);
  w.byte(OP.i32_const); w.sleb(4); w.byte(OP.i32_shl);
  w.byte(OP.local_tee); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE);
  w.byte(OP.local_get); w.uleb(pc); w.byte(OP.i32_eq);
  w.byte(OP.local_get); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE + 4);
  w.byte(OP.local_get); w.uleb(flags); w.byte(OP.i32_eq);
  w.byte(OP.i32_and);
}

/** Set locals `pc` and `flags` from env (the key of the block to run next). */
export function emitKeyFromEnv(w: ByteWriter, words: ExecWords, pc: number, flags: number): void {
  emitEnvLoad(w, words.pc); w.byte(OP.local_set); w.uleb(pc);
  emitFlags(w, words); w.byte(OP.local_set); w.uleb(flags);
}

/** A chain slot's generation: chain slot >>> CHAIN_GEN_SHIFT; its slot in the generation's table: the low bits. */
export const CHAIN_GEN_SHIFT = 16;

/**
 * For the entry found by emitJumpCacheLookup (offset in local `e`): if its block is of
 * generation `gen`, tail-call it through table `table` (type `type`); else go on. Clobbers `e`.
 */
export function emitChainTailCall(w: ByteWriter, e: number, gen: number, type: number, table: number): void {
  // chain slot ^ (gen << CHAIN_GEN_SHIFT) is the slot itself exactly when the generation is gen.
  w.byte(OP.local_get); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE + 12);
  w.byte(OP.i32_const); w.sleb(gen << CHAIN_GEN_SHIFT); w.byte(OP.i32_xor);
  w.byte(OP.local_tee); w.uleb(e);
  w.byte(OP.i32_const); w.sleb(1 << CHAIN_GEN_SHIFT); w.byte(OP.i32_lt_u);
  w.byte(OP.if); w.byte(0x40);
  w.byte(OP.local_get); w.uleb(e);
  w.byte(OP.return_call_indirect); w.uleb(type); w.uleb(table);
  w.byte(OP.end);
}

/** Push the table slot of the entry found by emitJumpCacheLookup. */
export function emitJumpCacheSlot(w: ByteWriter, e: number): void {
  w.byte(OP.local_get); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE + 8);
}

/** Push mem[BUDGET_ADDR]. */
export function emitBudgetLoad(w: ByteWriter): void {
  w.byte(OP.i32_const); w.byte(0); w.byte(OP.i32_load); w.byte(2); w.uleb(BUDGET_ADDR);
}

/** Build and instantiate the dispatcher for a target's env layout. */
export function createDispatcher(memory: WebAssembly.Memory, table: WebAssembly.Table, words: ExecWords): (budget: number) => number {
  const LOCAL_BUDGET = 0, LOCAL_PC = 1, LOCAL_FLAGS = 2, LOCAL_E = 3;
  const body = (w: ByteWriter): void => {
    w.uleb(1); w.uleb(3); w.byte(VALTYPE.i32);          // locals: pc, flags, e
    w.byte(OP.i32_const); w.byte(0); w.byte(OP.local_get); w.uleb(LOCAL_BUDGET);
    w.byte(OP.i32_store); w.byte(2); w.uleb(BUDGET_ADDR);
    w.byte(OP.loop); w.byte(0x40);
    emitKeyFromEnv(w, words, LOCAL_PC, LOCAL_FLAGS);
    emitJumpCacheLookup(w, LOCAL_PC, LOCAL_FLAGS, LOCAL_E);
    w.byte(OP.i32_eqz);
    w.byte(OP.if); w.byte(0x40); returnReason(w, DISPATCH_MISS); w.byte(OP.end);
    emitJumpCacheSlot(w, LOCAL_E);
    w.byte(OP.call_indirect); w.uleb(0); w.byte(0);
    w.byte(OP.drop);
    emitEnvLoad(w, words.exception);
    w.byte(OP.if); w.byte(0x40); returnReason(w, DISPATCH_EXCEPTION); w.byte(OP.end);
    emitEnvLoad(w, words.exitRequest);
    w.byte(OP.if); w.byte(0x40); returnReason(w, DISPATCH_EXIT_REQUEST); w.byte(OP.end);
    emitBudgetLoad(w); w.byte(OP.i32_const); w.byte(0); w.byte(OP.i32_gt_s);
    w.byte(OP.br_if); w.uleb(0);
    w.byte(OP.end);
    returnReason(w, DISPATCH_BUDGET);
    w.byte(OP.end);
  };
  /** return reason | (blocks run << 2). */
  function returnReason(w: ByteWriter, reason: number): void {
    w.byte(OP.local_get); w.uleb(LOCAL_BUDGET); emitBudgetLoad(w); w.byte(OP.i32_sub);
    w.byte(OP.i32_const); w.sleb(2); w.byte(OP.i32_shl);
    w.byte(OP.i32_const); w.sleb(reason); w.byte(OP.i32_or);
    w.byte(OP.return);
  }
  const bytes = buildModule({
    types: [{ params: [], results: [VALTYPE.i32] }, { params: [VALTYPE.i32], results: [VALTYPE.i32] }],
    funcImports: [],
    memory: { module: 'env', name: 'memory', minPages: 1 },
    table: { module: 'env', name: 'table', min: 0 },
    functions: [{ type: 1, export: 'run', writeBody: body }],
  });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, table } });
  return inst.exports.run as (budget: number) => number;
}
