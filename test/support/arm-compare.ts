/** The differential tests' comparison of two ARM CPUs, one per engine, after the same run. */
import type { ArmCpu } from '../../runtime/arm/cpu.js';
import { ARM_STATE_WORDS, EXCEPTION } from '../../ops/arm/state.js';

export const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** The first way the JIT CPU `a` and the interpreter CPU `b` differ, or undefined. */
export function firstDifference(a: ArmCpu, b: ArmCpu): string | undefined {
  for (let i = 0; i < ARM_STATE_WORDS; i++) {
    if (i === EXCEPTION) continue;
    if (a.env[i] !== b.env[i]) return `env word ${i}: jit ${hex(a.env[i])}, interp ${hex(b.env[i])}`;
  }
  if (a.icount !== b.icount) return `instruction count: jit ${a.icount}, interp ${b.icount}`;
  if (a.stats.exceptions !== b.stats.exceptions) return `exceptions taken: jit ${a.stats.exceptions}, interp ${b.stats.exceptions}`;
  if (a.halted !== b.halted) return `halted: jit ${a.halted}, interp ${b.halted}`;
  const ra = a.ram, rb = b.ram;
  if (Buffer.compare(ra, rb) !== 0) {
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return `memory at ${hex(i)}: jit ${ra[i]}, interp ${rb[i]}`;
  }
  return undefined;
}
