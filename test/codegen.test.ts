/**
 * The copy-and-patch code generator: holes take any 32-bit value, snippets concatenate in
 * any order into valid functions, and random op sequences behave the same in both back-ends.
 */
import test from 'ava';
import fc from 'fast-check';
import * as arm from '../runtime/generated/arm/ops.js';
import { CopyPatchCodegen } from '../runtime/codegen.js';
import { OpBuffer } from '../runtime/op-buffer.js';
import { OpTable } from '../runtime/op-table.js';
import { OP, decodeInstruction } from '../runtime/wasm/instructions.js';
import { ByteWriter } from '../runtime/wasm/module-builder.js';
import { OpHarness, opNames } from './support/op-harness.js';
import { SEED, int32, opCase } from './support/arbitraries.js';

const table = new OpTable(arm);
const codegen = new CopyPatchCodegen(table);

test('every hole decodes back to the value patched into it', (t) => {
  let checked = 0;
  const values = fc.sample(int32, { numRuns: 64, seed: SEED });
  for (const op of table.ops) {
    for (const value of values) {
      const ob = new OpBuffer();
      const params = [value, ~value, value ^ 0x5a5a5a5a];
      ob[`emit${op.params}` as 'emit3'](op.id, params[0], params[1], params[2]);
      const w = new ByteWriter(64);
      codegen.writeOps(w, ob);
      for (const hole of op.holes) {
        const ins = decodeInstruction(w.bytes, hole.offset - 1);
        t.is(ins.opcode, OP.i32_const, `${op.name}: hole at ${hole.offset} is not an i32.const immediate`);
        t.is(ins.end - ins.immStart, 5, `${op.name}: hole is not 5 bytes`);
        if (ins.imm.kind !== 'i32' || ins.imm.value !== params[hole.param - 1]) {
          t.fail(`${op.name}: hole P${hole.param} at ${hole.offset} decodes to ${JSON.stringify(ins.imm)}, patched ${params[hole.param - 1]} (SEED=${SEED})`);
          return;
        }
        checked++;
      }
    }
  }
  t.true(checked > 0, 'no op has a hole');
});

/** Random op streams: any op with random parameters, 1..40 ops long. */
const stream = fc.array(
  fc.record({ opc: fc.integer({ min: 0, max: table.ops.length - 1 }), params: fc.array(int32, { minLength: 3, maxLength: 3 }) }),
  { minLength: 1, maxLength: 40 },
).map((ops) => {
  const ob = new OpBuffer(16);
  for (const { opc, params } of ops) ob[`emit${table.paramCount[opc]}` as 'emit3'](opc, params[0], params[1], params[2]);
  return ob;
});

test('random concatenations of snippets validate as WebAssembly functions', (t) => {
  const streams = fc.sample(stream, { numRuns: 2000, seed: SEED });
  for (let i = 0; i < streams.length; i += 100) {
    const bytes = codegen.buildModule(streams.slice(i, i + 100));
    if (!WebAssembly.validate(bytes)) {
      // Find the culprit for the message.
      for (const ob of streams.slice(i, i + 100)) {
        if (!WebAssembly.validate(codegen.buildModule([ob]))) {
          t.fail(`invalid function for ops ${opNames(table, ob).join(', ')} (SEED=${SEED})`);
          return;
        }
      }
    }
  }
  t.pass();
});

test('random op sequences agree between the JIT and interpreter mode', (t) => {
  const harness = new OpHarness(table);
  const streams = fc.sample(stream, { numRuns: 1000, seed: SEED + 1 });
  const cases = fc.sample(opCase, { numRuns: 1000, seed: SEED + 2 });
  const failure = harness.firstDisagreement(streams, cases);
  if (failure) t.fail(`sequence ${failure} (SEED=${SEED})`);
  else t.pass();
});

test('the differential harness notices a snippet that disagrees with its TypeScript', (t) => {
  // Pair add_T0_T1's snippet with sub_T0_T1's function: the harness must object.
  const add = arm.OPC.add_T0_T1, sub = arm.OPC.sub_T0_T1;
  const broken = new OpTable({ ...arm, OPS: arm.OPS.map((op) => (op.id === add ? { ...op, interp: arm.OPS[sub].interp } : op)) });
  const harness = new OpHarness(broken);
  const cases = fc.sample(opCase, { numRuns: 50, seed: SEED });
  const failure = harness.firstDisagreement(cases.map((c) => harness.stream(add, c.params)), cases);
  t.truthy(failure);
  t.regex(failure!, /^add_T0_T1: case \d+.*\n  T0: jit 0x[0-9a-f]+ interp 0x[0-9a-f]+/);
});
