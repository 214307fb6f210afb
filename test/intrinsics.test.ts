/** The pure intrinsics' TypeScript side against BigInt arithmetic. */
import test from 'ava';
import fc from 'fast-check';
import { mulhs, mulhu } from '../ops/core.js';
import { SEED, int32 } from './support/arbitraries.js';

test('mulhu and mulhs give the high word of the 64-bit product', (t) => {
  fc.assert(fc.property(int32, int32, (a, b) => {
    const u = Number(BigInt.asIntN(32, (BigInt(a >>> 0) * BigInt(b >>> 0)) >> 32n));
    const s = Number(BigInt.asIntN(32, (BigInt(a) * BigInt(b)) >> 32n));
    return mulhu(a, b) === u && mulhs(a, b) === s;
  }), { numRuns: 20000, seed: SEED });
  t.pass();
});
