/**
 * Op-level differential test: every micro-op, run as its patched WebAssembly snippet and as
 * its TypeScript function on the same random states, must agree bit for bit (temps, exit,
 * CPU state, guest memory).
 */
import test from 'ava';
import fc from 'fast-check';
import * as arm from '../runtime/generated/arm/ops.js';
import { OpHarness, OpTable } from './support/op-harness.js';
import { SEED, opCase } from './support/arbitraries.js';

const RUNS = Number(process.env.OP_TEST_RUNS ?? 2000);
const table = new OpTable(arm);
const harness = new OpHarness(table);

for (const op of table.ops) {
  test(`op ${op.name}: snippet and TypeScript agree on ${RUNS} states`, (t) => {
    const cases = fc.sample(opCase, { numRuns: RUNS, seed: SEED + op.id });
    const failure = harness.firstDisagreement(cases.map((c) => harness.stream(op.id, c.params)), cases);
    if (failure) t.fail(`op ${op.name} (${op.source}), SEED=${SEED}: ${failure}`);
    else t.pass();
  });
}
