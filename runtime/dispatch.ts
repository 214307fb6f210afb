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
 *     e = lookup(env[pcWord] | env[stateWord]); if missing: return MISS
 *     call_indirect (type () -> i32) mem[e + 4]          ;; runs a chain of blocks
 *     if env[exceptionWord]: return EXCEPTION
 *     if env[exitRequestWord]: return EXIT_REQUEST
 *     br_if loop (mem[BUDGET] > 0)
 *   return BUDGET
 * The result is reason | (blocks run << 2), blocks run = budget - mem[BUDGET].
 */
import { ENV_BASE } from '../ops/core.js';
import { OP } from './wasm/instructions.js';
import { ByteWriter, VALTYPE, buildModule } from './wasm/module-builder.js';

/** The jump cache: 64 Ki entries of { key, table slot } below the page-flag table's end. */
export const JC_BASE = 0xfff00000;
export const JC_ENTRIES = 1 << 16;
/** A key no block has (an odd pc in ARM state cannot be translated at 0xfffffffe|1 in practice). */
export const JC_EMPTY = -1;
/** The chain's block budget (a signed word just past the jump cache): blocks still allowed to run. */
export const BUDGET_ADDR = JC_BASE + 8 * JC_ENTRIES;

export const DISPATCH_BUDGET = 0, DISPATCH_MISS = 1, DISPATCH_EXCEPTION = 2, DISPATCH_EXIT_REQUEST = 3;

export function jcIndex(key: number): number {
  return ((key >>> 1) ^ (key >>> 13)) & (JC_ENTRIES - 1);
}

export interface DispatchWords { pc: number; state: number; exception: number; exitRequest: number }

/** Push env[word]. */
export function emitEnvLoad(w: ByteWriter, word: number): void {
  w.byte(OP.i32_const); w.byte(0);
  w.byte(OP.i32_load); w.byte(2); w.uleb(ENV_BASE + 4 * word);
}

/**
 * Look the next block up: key = env[pc] | env[state] into local `key`, the entry's byte offset
 * from JC_BASE into local `e`; leaves (mem[JC_BASE + e] == key) on the stack.
 */
export function emitJumpCacheLookup(w: ByteWriter, words: DispatchWords, key: number, e: number): void {
  emitEnvLoad(w, words.pc); emitEnvLoad(w, words.state); w.byte(OP.i32_or);
  w.byte(OP.local_tee); w.uleb(key);
  w.byte(OP.i32_const); w.sleb(1); w.byte(OP.i32_shr_u);
  w.byte(OP.local_get); w.uleb(key); w.byte(OP.i32_const); w.sleb(13); w.byte(OP.i32_shr_u);
  w.byte(OP.i32_xor);
  w.byte(OP.i32_const); w.sleb(JC_ENTRIES - 1); w.byte(OP.i32_and);
  w.byte(OP.i32_const); w.sleb(3); w.byte(OP.i32_shl);
  w.byte(OP.local_tee); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE);
  w.byte(OP.local_get); w.uleb(key); w.byte(OP.i32_eq);
}

/** Push the table slot of the entry found by emitJumpCacheLookup. */
export function emitJumpCacheSlot(w: ByteWriter, e: number): void {
  w.byte(OP.local_get); w.uleb(e);
  w.byte(OP.i32_load); w.byte(2); w.uleb(JC_BASE + 4);
}

/** Push mem[BUDGET_ADDR]. */
export function emitBudgetLoad(w: ByteWriter): void {
  w.byte(OP.i32_const); w.byte(0); w.byte(OP.i32_load); w.byte(2); w.uleb(BUDGET_ADDR);
}

/** Build and instantiate the dispatcher for a target's env layout. */
export function createDispatcher(memory: WebAssembly.Memory, table: WebAssembly.Table, words: DispatchWords): (budget: number) => number {
  const LOCAL_BUDGET = 0, LOCAL_KEY = 1, LOCAL_E = 2;
  const body = (w: ByteWriter): void => {
    w.uleb(1); w.uleb(2); w.byte(VALTYPE.i32);          // locals: key, e
    w.byte(OP.i32_const); w.byte(0); w.byte(OP.local_get); w.uleb(LOCAL_BUDGET);
    w.byte(OP.i32_store); w.byte(2); w.uleb(BUDGET_ADDR);
    w.byte(OP.loop); w.byte(0x40);
    emitJumpCacheLookup(w, words, LOCAL_KEY, LOCAL_E);
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
