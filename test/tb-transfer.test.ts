/**
 * Translated blocks handed to a forked child (runtime/tb-transfer.ts): they come back as they
 * were, and a stream of another op table, a truncated or a damaged one is refused (the child
 * then translates for itself). The end-to-end cases are the smc programs (test/linux-programs,
 * test/i386-programs), whose forked children patch code they took over from their parent.
 */
import test from 'ava';
import { loadArmTable } from '../runtime/arm/cpu.js';
import { loadI386Table } from '../runtime/i386/cpu.js';
import { OpBuffer } from '../runtime/op-buffer.js';
import { decodeBlocks, encodeBlocks, tableFingerprint } from '../runtime/tb-transfer.js';
import type { TranslationBlock } from '../runtime/tb.js';

function block(pc: number, ops: number[], successors: number[]): TranslationBlock {
  const ob = new OpBuffer(0);
  ob.words = Int32Array.from(ops);
  ob.length = ops.length;
  ob.count = 2;
  return { pc, flags: 4, phys: pc, ranges: [pc, pc + 8, 0xfffff000, 0xfffff004], size: 12, insns: 3, ob, successors: successors.map((s) => ({ pc: s, flags: 4 })) };
}

const strip = (tbs: TranslationBlock[]): unknown => tbs.map((tb) => ({ ...tb, ob: Array.from(tb.ob.words.subarray(0, tb.ob.length)), count: tb.ob.count }));

test('blocks survive the trip, and anything else is refused', async (t) => {
  const arm = await loadArmTable(), i386 = await loadI386Table();
  t.not(tableFingerprint(arm), tableFingerprint(i386));
  const blocks = [block(0x8000, [1, 2, 3, -1], [0x8010, 0xfffffff0]), block(0xffff0fe0, [7], [])];
  const bytes = encodeBlocks(arm, blocks);
  const back = decodeBlocks(arm, bytes);
  t.truthy(back);
  t.deepEqual(strip(back!), strip(blocks));
  t.is(decodeBlocks(i386, bytes), undefined, 'another op table');
  for (let cut = 0; cut < bytes.length; cut += 4) t.is(decodeBlocks(arm, bytes.subarray(0, cut)), undefined, `cut at ${cut}`);
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  t.is(decodeBlocks(arm, longer), undefined, 'trailing words');
  const badCount = bytes.slice();
  new DataView(badCount.buffer).setInt32(16 + 4 * 5, 1 << 20, true); // the first block's range count
  t.is(decodeBlocks(arm, badCount), undefined, 'a count past the end');
});
