/**
 * ARM flag and shifter ops against a BigInt model written from the ARM ARM's definitions
 * (AddWithCarry, the shifter operand's carry-out), independent of how the ops compute them.
 */
import test from 'ava';
import fc from 'fast-check';
import { OpState } from '../ops/core.js';
import { CF, NF, VF, ZF } from '../ops/arm/state.js';
import * as arm from '../runtime/generated/arm/ops.js';
import { newMemory } from './support/op-harness.js';
import { SEED, int32 } from './support/arbitraries.js';

const s = new OpState(newMemory());
const u = (x: number) => BigInt(x >>> 0);
const bit = (x: bigint, n: bigint) => Number((x >> n) & 1n);

/** ARM ARM AddWithCarry: result, carry-out and signed overflow. */
function addWithCarry(a: number, b: number, carry: number) {
  const unsigned = u(a) + u(b) + BigInt(carry);
  const result = Number(BigInt.asIntN(32, unsigned));
  const signed = BigInt(a) + BigInt(b) + BigInt(carry);
  return { result, c: Number(unsigned >> 32n), v: BigInt(result) !== signed ? 1 : 0 };
}

function flags() {
  return { n: s.env[NF] < 0 ? 1 : 0, z: s.env[ZF] === 0 ? 1 : 0, c: s.env[CF], v: s.env[VF] < 0 ? 1 : 0 };
}

const arith: [keyof typeof arm.OPC, (a: number, b: number, c: number) => ReturnType<typeof addWithCarry>][] = [
  ['add_T0_T1_cc', (a, b) => addWithCarry(a, b, 0)],
  ['adc_T0_T1_cc', (a, b, c) => addWithCarry(a, b, c)],
  ['sub_T0_T1_cc', (a, b) => addWithCarry(a, ~b, 1)],
  ['sbc_T0_T1_cc', (a, b, c) => addWithCarry(a, ~b, c)],
];

for (const [name, model] of arith) {
  test(`${name} sets N, Z, C, V as AddWithCarry does`, (t) => {
    const op = arm.OPS[arm.OPC[name]];
    fc.assert(fc.property(int32, int32, fc.constantFrom(0, 1), (a, b, c) => {
      s.T0 = a; s.T1 = b; s.env[CF] = c;
      op.interp(s);
      const want = model(a, b, c);
      const got = flags();
      return s.T0 === want.result && got.c === want.c && got.v === want.v && got.n === (want.result < 0 ? 1 : 0) && got.z === (want.result === 0 ? 1 : 0);
    }), { numRuns: 20000, seed: SEED });
    t.pass();
  });
}

/** The shifter by register: amount = low byte of T2 (ARM ARM A5.1.7–A5.1.13). */
const shifts: [keyof typeof arm.OPC, (x: number, n: number, c: number) => { result: number; c: number }][] = [
  ['shl_T1_T2_cc', (x, n, c) => n === 0 ? { result: x, c } : { result: Number(BigInt.asIntN(32, u(x) << BigInt(n))), c: bit(u(x) << BigInt(n), 32n) }],
  ['shr_T1_T2_cc', (x, n, c) => n === 0 ? { result: x, c } : { result: Number(BigInt.asIntN(32, u(x) >> BigInt(n))), c: bit(u(x), BigInt(n - 1)) }],
  ['sar_T1_T2_cc', (x, n, c) => n === 0 ? { result: x, c } : { result: Number(BigInt(x) >> BigInt(n)), c: bit(BigInt(x), BigInt(n - 1)) }],
  ['ror_T1_T2_cc', (x, n, c) => {
    if (n === 0) return { result: x, c };
    const m = n % 32;
    if (m === 0) return { result: x, c: bit(u(x), 31n) };
    const r = Number(BigInt.asIntN(32, (u(x) >> BigInt(m)) | (u(x) << BigInt(32 - m))));
    return { result: r, c: bit(u(x), BigInt(m - 1)) };
  }],
];

for (const [name, model] of shifts) {
  test(`${name} gives the ARM ARM result and carry-out for every amount 0..255`, (t) => {
    const op = arm.OPS[arm.OPC[name]];
    fc.assert(fc.property(int32, fc.integer({ min: 0, max: 255 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, 1), (x, n, high, c) => {
      s.T1 = x; s.T2 = (high & ~0xff) | n; s.env[CF] = c;
      op.interp(s);
      const want = model(x, n, c);
      return s.T1 === want.result && s.env[CF] === want.c;
    }), { numRuns: 20000, seed: SEED });
    t.pass();
  });
}

test('test_cond ops agree with the ARM condition table on all 16 NZCV combinations', (t) => {
  const table: ((n: number, z: number, c: number, v: number) => boolean)[] = [
    (n, z) => z === 1, (n, z) => z === 0, (n, z, c) => c === 1, (n, z, c) => c === 0, (n) => n === 1, (n) => n === 0,
    (n, z, c, v) => v === 1, (n, z, c, v) => v === 0, (n, z, c) => c === 1 && z === 0, (n, z, c) => c === 0 || z === 1,
    (n, z, c, v) => n === v, (n, z, c, v) => n !== v, (n, z, c, v) => z === 0 && n === v, (n, z, c, v) => z === 1 || n !== v,
  ];
  for (let nzcv = 0; nzcv < 16; nzcv++) {
    const [n, z, c, v] = [(nzcv >> 3) & 1, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1];
    table.forEach((holds, cond) => {
      s.env[NF] = n ? -1 : 0; s.env[ZF] = z ? 0 : 1; s.env[CF] = c; s.env[VF] = v ? -0x80000000 : 0;
      arm.OPS[arm.OPC[`test_cond${cond}` as keyof typeof arm.OPC]].interp(s);
      t.is(s.T0, holds(n, z, c, v) ? 1 : 0, `cond ${cond}, NZCV ${nzcv.toString(2).padStart(4, '0')}`);
    });
  }
});
