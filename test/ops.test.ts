/**
 * Op-level differential test: every micro-op, run as its patched WebAssembly snippet and as
 * its TypeScript function on the same random states, must agree bit for bit (temps, exit,
 * CPU state, guest memory), for every target.
 */
import test from 'ava';
import fc from 'fast-check';
import * as arm from '../runtime/generated/arm/ops.js';
import * as i386 from '../runtime/generated/i386/ops.js';
import { OpHarness, OpTable } from './support/op-harness.js';
import { SEED, opCase } from './support/arbitraries.js';

const RUNS = Number(process.env.OP_TEST_RUNS ?? 2000);
for (const generated of [arm, i386]) {
  const table = new OpTable(generated);
  const harness = new OpHarness(table);
  // ARM's ops keep their historical titles; other targets' are prefixed with the target.
  const prefix = generated.TARGET === 'arm' ? '' : `${generated.TARGET} `;
  for (const op of table.ops) {
    test(`${prefix}op ${op.name}: snippet and TypeScript agree on ${RUNS} states`, (t) => {
      const cases = fc.sample(opCase, { numRuns: RUNS, seed: SEED + op.id });
      const failure = harness.firstDisagreement(cases.map((c) => harness.stream(op.id, c.params)), cases);
      if (failure) t.fail(`op ${op.name} (${op.source}), SEED=${SEED}: ${failure}`);
      else t.pass();
    });
  }
}
