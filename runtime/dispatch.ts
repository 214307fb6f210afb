/**
 * Block chaining inside WebAssembly: a dispatcher function that looks the next block up in a
 * jump cache in linear memory (QEMU's tb_jmp_cache) and calls it through the shared function
 * table, without returning to JavaScript. It returns only when the JS exec loop is needed: a
 * block is not in the jump cache (translate it), an exception is pending, the machine asked
 * for attention (exit request: an interrupt line, a halt), or the block budget ran out.
 *
 *   loop
 *     key = env[pcWord] | env[stateWord]
 *     e   = JC_BASE + 8 * (((key >>> 1) ^ (key >>> 13)) & (JC_ENTRIES - 1))
 *     if mem[e] != key: return MISS
 *     call_indirect (type 0) mem[e + 4]
 *     if env[exceptionWord]: return EXCEPTION
 *     if env[exitRequestWord]: return EXIT_REQUEST
 *     budget -= 1; br_if loop (budget != 0)
 *   return BUDGET
 * The result is reason | (blocks left << 2).
 */
import { ENV_BASE } from '../ops/core.js';
import { OP } from './wasm/instructions.js';
import { ByteWriter, VALTYPE, buildModule } from './wasm/module-builder.js';

/** The jump cache: 64 Ki entries of { key, table slot } below the page-flag table's end. */
export const JC_BASE = 0xfff00000;
export const JC_ENTRIES = 1 << 16;
/** A key no block has (an odd pc in ARM state cannot be translated at 0xfffffffe|1 in practice). */
export const JC_EMPTY = -1;

export const DISPATCH_BUDGET = 0, DISPATCH_MISS = 1, DISPATCH_EXCEPTION = 2, DISPATCH_EXIT_REQUEST = 3;

export function jcIndex(key: number): number {
  return ((key >>> 1) ^ (key >>> 13)) & (JC_ENTRIES - 1);
}

export interface DispatchWords { pc: number; state: number; exception: number; exitRequest: number }

/** Build and instantiate the dispatcher for a target's env layout. */
export function createDispatcher(memory: WebAssembly.Memory, table: WebAssembly.Table, words: DispatchWords): (budget: number) => number {
  const envLoad = (w: ByteWriter, word: number): void => {
    w.byte(OP.i32_const); w.sleb(0);
    w.byte(OP.i32_load); w.uleb(2); w.uleb(ENV_BASE + 4 * word);
  };
  const LOCAL_BUDGET = 0, LOCAL_KEY = 1, LOCAL_E = 2;
  const body = (w: ByteWriter): void => {
    w.uleb(1); w.uleb(2); w.byte(VALTYPE.i32);          // locals: key, e
    w.byte(OP.loop); w.byte(0x40);
    envLoad(w, words.pc); envLoad(w, words.state); w.byte(OP.i32_or);
    w.byte(OP.local_tee); w.uleb(LOCAL_KEY);
    w.byte(OP.i32_const); w.sleb(1); w.byte(OP.i32_shr_u);
    w.byte(OP.local_get); w.uleb(LOCAL_KEY); w.byte(OP.i32_const); w.sleb(13); w.byte(OP.i32_shr_u);
    w.byte(OP.i32_xor);
    w.byte(OP.i32_const); w.sleb(JC_ENTRIES - 1); w.byte(OP.i32_and);
    w.byte(OP.i32_const); w.sleb(3); w.byte(OP.i32_shl);
    w.byte(OP.local_tee); w.uleb(LOCAL_E);
    w.byte(OP.i32_load); w.uleb(2); w.uleb(JC_BASE);
    w.byte(OP.local_get); w.uleb(LOCAL_KEY); w.byte(OP.i32_ne);
    w.byte(OP.if); w.byte(0x40);
    returnReason(w, DISPATCH_MISS);
    w.byte(OP.end);
    w.byte(OP.local_get); w.uleb(LOCAL_E);
    w.byte(OP.i32_load); w.uleb(2); w.uleb(JC_BASE + 4);
    w.byte(OP.call_indirect); w.uleb(0); w.byte(0);
    envLoad(w, words.exception);
    w.byte(OP.if); w.byte(0x40); returnReason(w, DISPATCH_EXCEPTION); w.byte(OP.end);
    envLoad(w, words.exitRequest);
    w.byte(OP.if); w.byte(0x40); returnReason(w, DISPATCH_EXIT_REQUEST); w.byte(OP.end);
    w.byte(OP.local_get); w.uleb(LOCAL_BUDGET); w.byte(OP.i32_const); w.sleb(1); w.byte(OP.i32_sub);
    w.byte(OP.local_tee); w.uleb(LOCAL_BUDGET);
    w.byte(OP.br_if); w.uleb(0);
    w.byte(OP.end);
    w.byte(OP.i32_const); w.sleb(DISPATCH_BUDGET);
    w.byte(OP.end);
  };
  /** return reason | (budget << 2); the block that returns has not used its budget unit. */
  function returnReason(w: ByteWriter, reason: number): void {
    w.byte(OP.local_get); w.uleb(LOCAL_BUDGET);
    w.byte(OP.i32_const); w.sleb(2); w.byte(OP.i32_shl);
    w.byte(OP.i32_const); w.sleb(reason); w.byte(OP.i32_or);
    w.byte(OP.return);
  }
  const bytes = buildModule({
    types: [{ params: [], results: [] }, { params: [VALTYPE.i32], results: [VALTYPE.i32] }],
    funcImports: [],
    memory: { module: 'env', name: 'memory', minPages: 1 },
    table: { module: 'env', name: 'table', min: 0 },
    functions: [{ type: 1, export: 'run', writeBody: body }],
  });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, table } });
  return inst.exports.run as (budget: number) => number;
}
