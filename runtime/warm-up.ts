/**
 * Warming the translator up without a machine, for a V8 start-up snapshot (runtime/cli/snapshot.ts):
 * V8 keeps the bytecode of the functions that ran while the snapshot was built, so a process
 * started from it does not compile them again (a function's first call otherwise parses and
 * compiles it, and the translator has hundreds). A snapshot is built without WebAssembly and
 * without guest memory, so this runs what needs neither: the target's translator over given
 * code, the JIT's module builder over the blocks (the bytes only), and the fork's block transfer.
 * It names no guest CPU: each target passes its translator and some code.
 */
import { PAGE_SIZE } from '../ops/core.js';
import { CopyPatchCodegen, buildRegionModule } from './codegen.js';
import type { ExecWords } from './dispatch.js';
import { MAX_TB_INSNS } from './exec.js';
import { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import type { TranslationBlock } from './tb.js';
import { decodeBlocks, encodeBlocks } from './tb-transfer.js';
import { CodeReader, translatorLoop, type DisasContextBase, type TranslatorOps } from './translator.js';

/** Blocks per module, as the exec loop's default batch. */
const BATCH = 32;

/**
 * Translate `code` as if it were mapped at `pc` (page-aligned) with block flags `flags`, block
 * after block to its end, and build the JIT's modules of the blocks; returns the number of
 * blocks. Any code will do (pseudo-random instructions reach more of the translator than real
 * code of the same size).
 */
export function warmTranslator<C extends DisasContextBase>(table: OpTable, translator: TranslatorOps<C>, words: ExecWords,
  code: Uint8Array, pc: number, flags: number): number {
  const size = Math.ceil(code.length / PAGE_SIZE) * PAGE_SIZE;
  const bytes = new Uint8Array(size);
  bytes.set(code);
  const view = new DataView(bytes.buffer);
  const end = pc + code.length;
  const blocks: TranslationBlock[] = [];
  const ob = new OpBuffer(4096);
  for (let at = pc; at < end;) {
    const reader = new CodeReader((vaddr) => (vaddr >= pc && vaddr < pc + size ? vaddr - pc : undefined), view);
    ob.reset();
    const ctx = translator.initDisasContext(ob, at, flags, reader);
    translatorLoop(translator, ctx, MAX_TB_INSNS);
    if (ctx.retired === 0) break;
    blocks.push({ pc: at, flags, phys: at - pc, ranges: reader.ranges, size: 0, insns: ctx.retired, ob: ob.copy(), successors: ctx.successors });
    // The next block starts after this one's last instruction.
    at = ctx.nextPc > at ? ctx.nextPc : at + 1;
  }
  const codegen = new CopyPatchCodegen(table);
  for (let i = 0; i < blocks.length; i += BATCH) buildRegionModule(codegen, blocks.slice(i, i + BATCH), words, true);
  decodeBlocks(table, encodeBlocks(table, blocks));
  return blocks.length;
}

/** `n` pseudo-random 32-bit words (xorshift32 from `seed`): the same every time. */
export function pseudoRandomWords(n: number, seed = 0x2545f491): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x;
  }
  return out;
}
