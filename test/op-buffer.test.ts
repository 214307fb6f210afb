/** The micro-op stream keeps every op while it grows (a growth bug once dropped ops silently). */
import test from 'ava';
import { OpBuffer } from '../runtime/op-buffer.js';

test('ops emitted across buffer growth are all kept, in order', (t) => {
  const ob = new OpBuffer(4);
  const expected: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const k = i % 4;
    if (k === 0) { ob.emit0(i); expected.push(i); }
    if (k === 1) { ob.emit1(i, -i); expected.push(i, -i); }
    if (k === 2) { ob.emit2(i, 1, 2); expected.push(i, 1, 2); }
    if (k === 3) { ob.emit3(i, 3, 4, 5); expected.push(i, 3, 4, 5); }
  }
  t.is(ob.count, 5000);
  t.deepEqual(Array.from(ob.words.subarray(0, ob.length)), expected);
});
