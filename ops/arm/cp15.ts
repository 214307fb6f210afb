/**
 * The system control coprocessor of an ARM926EJ-S (the Versatile PB's CPU), as far as a
 * board without an MMU needs it: ID registers, the control register, and cache/TLB
 * maintenance as no-ops (translated code is invalidated by stores, not by cache operations).
 * The MMU itself comes later; its registers are kept so that software can read them back.
 */
import { CP15_DACR, CP15_FAR, CP15_FSR, CP15_PID, CP15_SCTLR, CP15_TTBR } from './state.js';

/** ARM926EJ-S r0p5, as QEMU's arm926 model reports it. */
export const ARM926_MIDR = 0x41069265;
const CACHE_TYPE = 0x1dd20d2;
/** SCTLR after reset: the bits that read as one on the ARM926 (QEMU: 0x00090078). */
export const SCTLR_RESET = 0x00090078;
/** SCTLR.V: exception vectors at 0xffff0000. */
export const SCTLR_V = 1 << 13;

export function cp15Spec(opc1: number, crn: number, crm: number, opc2: number): number {
  return (opc1 << 12) | (crn << 8) | (crm << 4) | opc2;
}

export function readCp15(env: Int32Array, spec: number): number {
  const crn = (spec >> 8) & 15, crm = (spec >> 4) & 15, opc2 = spec & 7;
  switch (crn) {
    // Test-and-clean D-cache (c7, c10/c14, 3): "clean" at once, Z set, so that loops such as
    // `1: mrc p15, 0, r15, c7, c14, 3; bne 1b` end (QEMU's ARM_FEATURE_CACHE_TEST_CLEAN).
    case 7: return opc2 === 3 && (crm === 10 || crm === 14) ? 1 << 30 : 0;
    case 0: return opc2 === 1 ? CACHE_TYPE : opc2 === 2 ? 0 : ARM926_MIDR;
    case 1: return env[CP15_SCTLR];
    case 2: return env[CP15_TTBR];
    case 3: return env[CP15_DACR];
    case 5: return env[CP15_FSR];
    case 6: return env[CP15_FAR];
    case 13: return env[CP15_PID];
    default: return 0;
  }
}

export function writeCp15(env: Int32Array, spec: number, value: number): void {
  switch ((spec >> 8) & 15) {
    case 1: env[CP15_SCTLR] = (value & 0x0000ff87) | SCTLR_RESET; break;
    case 2: env[CP15_TTBR] = value; break;
    case 3: env[CP15_DACR] = value; break;
    case 5: env[CP15_FSR] = value; break;
    case 6: env[CP15_FAR] = value; break;
    case 13: env[CP15_PID] = value; break;
    default: break; // c7 cache and c8 TLB maintenance, c9 lockdown: nothing to do without caches
  }
}
