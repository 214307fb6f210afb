#!/usr/bin/env node
// Boot the bare-metal demo (a Mandelbrot set on UART0, then a semihosting exit) on an emulated
// Versatile PB and capture what it prints. Usage: node examples/boot-demo.mjs [kernel.elf] [jit|interp]
import { readFileSync } from 'node:fs';
import { createVersatilePb, DynwasmError } from 'dynwasm';

const kernelPath = process.argv[2] ?? new URL('../demo/versatilepb/demo.elf', import.meta.url);
const accel = process.argv[3] ?? 'jit';

try {
  const machine = await createVersatilePb({ kernel: readFileSync(kernelPath), accel, semihosting: true });
  const chunks = [];
  machine.serial[0].onData((data) => chunks.push(data));    // UART0: the console
  const stop = await machine.run();                          // until the guest exits
  process.stdout.write(Buffer.concat(chunks));
  console.error(`guest ${stop.reason} with status ${stop.exitCode} after ${stop.instructions} instructions`);
  process.exitCode = stop.exitCode;
} catch (e) {
  if (!(e instanceof DynwasmError)) throw e;
  console.error(`boot-demo: ${e.message} (${e.code})`);       // a bad image or option: one line
  process.exitCode = 1;
}
