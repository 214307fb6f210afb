/**
 * The i386 condition ops that read the lazy flags' operands directly (after a sub/cmp or a
 * logic operation of 8, 16 or 32 bits the block saw) against the general path: EFLAGS from
 * helper_cc_compute_all, then the condition from EFLAGS. Every condition but the parity ones
 * (which the translator leaves to the general path), on edge and random operands. test/ops.test.ts
 * checks that each op's snippet and its TypeScript agree; this checks what they compute.
 */
import test from 'ava';
import { OpState } from '../ops/core.js';
import { op_test_eflags_cond$, op_test_logic_cond$, op_test_sub_cond$ } from '../ops/i386/flags.js';
import { helper_cc_compute_all } from '../ops/i386/helpers.js';
import { CC_DST, CC_KIND_LOGIC, CC_KIND_SUB, CC_SRC, ccOp } from '../ops/i386/state.js';

const EDGES = [0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678];

function* operands(): Generator<[number, number]> {
  for (const a of EDGES) for (const b of EDGES) yield [a, b];
  let x = 0x2545f491;
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x; };
  for (let i = 0; i < 3000; i++) yield [next(), i % 3 === 0 ? next() & 0xff : next()];
}

test('sub/cmp and logic conditions of every size agree with EFLAGS computed in full', (t) => {
  const s = new OpState(new WebAssembly.Memory({ initial: 65536, maximum: 65536 }));
  let checked = 0;
  for (const [a, b] of operands()) {
    for (let size = 0; size < 3; size++) {
      const mask = size === 2 ? -1 : (1 << (8 << size)) - 1;
      for (const [kind, op] of [[CC_KIND_SUB, op_test_sub_cond$], [CC_KIND_LOGIC, op_test_logic_cond$]] as const) {
        // What the translator records: sub: dst = a - b, src = b; logic: dst = the result.
        const dst = kind === CC_KIND_SUB ? ((a - b) & mask) : (a & b & mask), src = b & mask;
        const eflags = helper_cc_compute_all(ccOp(kind, size), src, dst, 0);
        for (let cond = 0; cond < 16; cond++) {
          if (cond >> 1 === 5) continue; // parity: the general path
          s.env[CC_DST] = dst; s.env[CC_SRC] = src;
          s.P1 = 32 - (8 << size); // the translator's shift parameter
          op(s, cond);
          const fast = s.T0;
          s.T0 = eflags;
          op_test_eflags_cond$(s, cond);
          if (fast !== s.T0) {
            t.fail(`${kind === CC_KIND_SUB ? 'sub' : 'logic'} size ${1 << size} a=${a >>> 0} b=${b >>> 0} cond ${cond}: fast ${fast}, full ${s.T0}`);
            return;
          }
          checked++;
        }
      }
    }
  }
  t.log(`${checked} conditions checked`);
  t.pass();
});
