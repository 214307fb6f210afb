#!/usr/bin/env node
// Measures what one block module costs V8 to compile and instantiate, for the ways a block
// module can reach helpers and be linked for chaining (docs/performance.md quotes the table).
// Run after `npm run gen`: node scripts/measure-module-cost.mjs [modules-per-round]
import { ArmCpu, loadArmTable } from '../dist/runtime/arm/cpu.js';
import { buildModule } from '../dist/runtime/wasm/module-builder.js';

const N = Number(process.argv[2] ?? 200), ROUNDS = 5;
const table = await loadArmTable();
const cpu = new ArmCpu(table, { engine: 'jit', ramSize: 1 << 20 });
// A 21-instruction block: 20 x add r1, r1, r2 and a branch.
const code = new Uint32Array(64).fill(0xe0811002); code[20] = 0xeafffffe;
cpu.writeBytes(0x1000, new Uint8Array(code.buffer));
const cg = cpu.engine.codegen, memory = cpu.memory;
let unique = 0;
/** A block body whose patched constant differs every time, so V8's module cache never hits. */
const body = () => { const ob = cpu.translate(0x1000).tb.ob; ob.words[ob.length - 2] = ++unique; return (w) => cg.writeBody(w, ob); };
const mem = { module: 'env', name: 'memory', minPages: 1 };
const jsHelpers = Object.fromEntries(table.helpers.map((h) => [h.name, () => 0]));
const staticTable = new WebAssembly.Table({ element: 'anyfunc', initial: 16 });
const sharedTable = new WebAssembly.Table({ element: 'anyfunc', initial: 70000 });
const dispatchTable = new WebAssembly.Table({ element: 'anyfunc', initial: 70000 });
let slot = 100;
const variants = {
  'helpers as JS imports, exported': () => {
    const b = buildModule({ types: cg.types, funcImports: table.helpers.map((h, k) => ({ module: 'helpers', name: h.name, type: cg.helperTypes[k] })), memory: mem, functions: [{ type: 0, export: 'f', writeBody: body() }] });
    new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory }, helpers: jsHelpers });
  },
  'shared table, element segment': () => {
    const b = buildModule({ types: cg.types, funcImports: [], memory: mem, table: { module: 'env', name: 'table', min: 0 }, functions: [{ type: 0, writeBody: body() }], elements: { offset: slot++ % 60000 + 100, funcs: [0] } });
    new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory, table: sharedTable } });
  },
  'fixed helper table + table.set (used)': () => {
    const b = buildModule({ types: cg.types, funcImports: [], memory: mem, table: { module: 'env', name: 'table', min: 0 }, functions: [{ type: 0, export: 'f', writeBody: body() }] });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory, table: staticTable } });
    dispatchTable.set(slot++ % 60000 + 100, inst.exports.f);
  },
};
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, make] of Object.entries(variants)) {
    const t = performance.now();
    for (let i = 0; i < N; i++) make();
    results[name].push((performance.now() - t) * 1000 / N);
    process.stderr.write(`round ${r + 1}/${ROUNDS} ${name}\r`);
  }
}
process.stderr.write('\n');
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`| block module (one 21-instruction block, ${N} modules x ${ROUNDS} rounds) | median µs per module |`);
console.log('|---|---|');
for (const [name, v] of Object.entries(results)) console.log(`| ${name} | ${median(v).toFixed(0)} |`);
