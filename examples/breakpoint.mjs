#!/usr/bin/env node
// Run a program to a breakpoint, print the registers and the stack there, single-step a few
// instructions, then let it run to its end.
// Usage: node examples/breakpoint.mjs [kernel.elf ADDRESS] [jit|interp]
// Without arguments it stops the bare-metal demo at its main(): the demo's ELF has no symbols,
// but its start-up code calls main through the word at 0x10134 (see `objdump -d demo.elf`).
import { readFileSync } from 'node:fs';
import { createVersatilePb } from 'dynwasm';

const [kernelArg, addressArg, accel = 'jit'] = process.argv.slice(2);
const kernel = readFileSync(kernelArg ?? new URL('../demo/versatilepb/demo.elf', import.meta.url));
const machine = await createVersatilePb({ kernel, accel, semihosting: true });
let output = '';
machine.serial[0].onData((d) => { output += Buffer.from(d).toString('latin1'); });

const hex = (v) => `0x${v.toString(16).padStart(8, '0')}`;
const word = (addr) => new DataView(machine.readMemory(addr, 4).buffer).getUint32(0, true);
const address = addressArg !== undefined ? Number(addressArg) : word(0x10134);

machine.addBreakpoint(address);
const stop = await machine.run();
console.log(`stopped: ${stop.reason} at ${hex(stop.pc)} after ${stop.instructions} instructions`);
const regs = machine.registers();
regs.r.forEach((v, i) => console.log(`${['sp', 'lr', 'pc'][i - 13] ?? `r${i}`}`.padEnd(5) + hex(v)));
console.log('cpsr'.padEnd(5) + hex(regs.cpsr));
const stack = machine.readMemory(regs.sp, 16);
console.log(`stack at ${hex(regs.sp)}: ${Array.from({ length: 4 }, (_, i) => hex(new DataView(stack.buffer).getUint32(i * 4, true))).join(' ')}`);

for (let i = 0; i < 3; i++) {
  const s = machine.step();
  console.log(`step ${i + 1}: pc ${hex(s.pc)}`);
}
machine.removeBreakpoint(address);
const end = await machine.run();
console.log(`then: ${end.reason} with status ${end.exitCode}; the guest printed ${output.length} bytes`);
