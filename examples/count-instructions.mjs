#!/usr/bin/env node
// Count the guest instructions a program runs, in both engines (they must agree), with the
// execution statistics and the speed. Usage: node examples/count-instructions.mjs [kernel.elf]
import { readFileSync } from 'node:fs';
import { createVersatilePb } from 'dynwasm';

const kernel = readFileSync(process.argv[2] ?? new URL('../demo/versatilepb/demo.elf', import.meta.url));
for (const accel of ['jit', 'interp']) {
  const machine = await createVersatilePb({ kernel, accel, semihosting: true });
  const stop = await machine.run();
  const s = machine.stats();
  console.log(`${accel.padEnd(6)} ${stop.instructions} instructions, ${s.blocksRun} blocks run, ${s.tbsTranslated} translated, ${s.mips.toFixed(1)} MIPS (status ${stop.exitCode})`);
}
// A budget: exactly 1000 instructions, then the pc.
const machine = await createVersatilePb({ kernel, semihosting: true });
const stop = await machine.run({ instructions: 1000 });
console.log(`after ${stop.instructions} instructions (${stop.reason}) the pc is 0x${stop.pc.toString(16)}`);
