/**
 * dynwasm's main entry point: the system emulator as a library — an ARM Versatile PB board
 * you create from a kernel image, connect to, run, pause, single-step, reset and inspect. It
 * imports nothing Node-only, so it runs in Node, in a browser and in a Web Worker.
 * Linux user mode (Node only) is `dynwasm/linux-user`.
 *
 * @example
 * ```ts
 * import { createVersatilePb } from 'dynwasm';
 * const m = await createVersatilePb({ kernel: elfBytes, semihosting: true });
 * m.serial[0].onData((d) => process.stdout.write(d));
 * const stop = await m.run();   // { reason: 'exit', exitCode: 0, … }
 * ```
 *
 * @packageDocumentation
 */
export {
  createVersatilePb, VersatilePbMachine,
  type VersatilePbOptions, type ImageBytes, type Accel, type RunOptions, type StopInfo, type StopReason,
  type ArmRegisterName, type ArmRegisters, type MachineStats, type SerialPort, type SerialListener,
} from './versatilepb.js';
export type { SemihostingFiles } from '../boards/arm/semihosting.js';
export type { ExecCounters } from '../runtime/stats.js';
export { DynwasmError, ArgumentError, ImageError, MemoryAccessError, StateError, type DynwasmErrorCode } from './errors.js';
