/**
 * The system control coprocessor of an ARM926EJ-S (the Versatile PB's CPU): ID registers, the
 * control register, the MMU's registers (runtime/arm/mmu.ts walks the tables they describe),
 * TLB maintenance, and cache maintenance as no-ops (translated code is invalidated by stores,
 * not by cache operations).
 */
import { updateTbFlags } from './modes.js';
import { CP15_DACR, CP15_FAR, CP15_FSR, CP15_IFSR, CP15_PID, CP15_SCTLR, CP15_TTBR } from './state.js';

/** What a CP15 write asks of the TLB: nothing, a flush of everything, or of the page of the value (an MVA). */
export const TLB_KEEP = 0, TLB_FLUSH_ALL = 1, TLB_FLUSH_PAGE = 2;

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
    case 5: return opc2 === 1 ? env[CP15_IFSR] : env[CP15_FSR];
    case 6: return env[CP15_FAR];
    case 13: return env[CP15_PID];
    default: return 0;
  }
}

/** SCTLR bits whose change makes earlier translations of addresses wrong: M, S, R. */
const SCTLR_TRANSLATION = 1 | (1 << 8) | (1 << 9);

/** Write a CP15 register; returns what the TLB must do (TLB_*). */
export function writeCp15(env: Int32Array, spec: number, value: number): number {
  const crm = (spec >> 4) & 15, opc2 = spec & 7;
  switch ((spec >> 8) & 15) {
    case 1: {
      const old = env[CP15_SCTLR];
      env[CP15_SCTLR] = (value & 0x0000ff87) | SCTLR_RESET;
      updateTbFlags(env);
      return (old ^ env[CP15_SCTLR]) & SCTLR_TRANSLATION ? TLB_FLUSH_ALL : TLB_KEEP;
    }
    case 2: env[CP15_TTBR] = value; return TLB_FLUSH_ALL;
    case 3: env[CP15_DACR] = value; return TLB_FLUSH_ALL;
    case 5: if (opc2 === 1) env[CP15_IFSR] = value; else env[CP15_FSR] = value; return TLB_KEEP;
    case 6: env[CP15_FAR] = value; return TLB_KEEP;
    // c8: invalidate TLBs (c5 instruction, c6 data, c7 unified): all (opc2 0) or one MVA (opc2 1).
    case 8: return crm >= 5 && crm <= 7 ? (opc2 === 1 ? TLB_FLUSH_PAGE : TLB_FLUSH_ALL) : TLB_KEEP;
    // c13: the FCSE PID relocates addresses below 32 MiB (Linux leaves it at 0).
    case 13: { const changed = env[CP15_PID] !== value; env[CP15_PID] = value; return changed ? TLB_FLUSH_ALL : TLB_KEEP; }
    default: return TLB_KEEP; // c7 cache maintenance, c9 lockdown: nothing to do without caches
  }
}
