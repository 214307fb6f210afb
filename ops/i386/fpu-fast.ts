/**
 * The x87's fast path (fpu.ts is the exact definition): the common case of double-precision code
 * done with JavaScript doubles and 32-bit words, no BigInt. It applies when the control word
 * rounds to nearest with 53- or 64-bit precision and every operand is a normal double of modest
 * exponent (|e| <= 400, so that no intermediate error term is subnormal): a register whose
 * mantissa's low 11 bits are zero, or an m32/m64/m32-integer operand. Then
 *   - a sum, product or quotient is the double result plus its exact error (TwoSum, Dekker's
 *     TwoProduct with Veltkamp's split, the division's exact residual), and its 64-bit rounding
 *     is the double's mantissa extended by the error rounded to 11 more bits (nearest-even);
 *     PE when the error is not on that grid;
 *   - a store to m64/m32 rounds the register's 64-bit mantissa to nearest-even on its words;
 *   - fld/fst/fxch of registers copy words; fcomi/fucomi compare doubles.
 * Anything else (other rounding modes or precision, denormals, infinities, NaNs, a power-of-two
 * result whose error reaches below its binade, a quotient whose error is too close to a rounding
 * boundary to decide in double) returns false, before changing anything, and the exact path runs.
 * test/i386-programs (float.c, x87ops.c) compare both against qemu-i386.
 */
import type { OpState } from '../core.js';
import { helper_ld, helper_st } from './helpers.js';
import { EXCEPTION } from './state.js';

/** Whether helper_fpu tries the fast path first (test/i386-x87.test.ts turns it off to compare), and how often it served. */
export const FAST_PATH = { enabled: true, hits: 0 };

/** Mirrors of fpu.ts's layout (kept here so that this file has no cycle with it). */
const FP_REGS = 48, FPUC = 72, FPUS = 73, FPTOP = 74, FPTAG = 75;
const FPUS_PE = 0x20, FPUS_SE = 0x80, FPUS_B = 0x8000;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32f = new Uint32Array(f32.buffer);

/** Register ST(i)'s env index. */
const base = (env: Int32Array, i: number): number => FP_REGS + 3 * ((env[FPTOP] + i) & 7);

/** ST(i) as a double when it is exactly one of modest exponent, else NaN. */
function regDouble(env: Int32Array, i: number): number {
  const b = base(env, i);
  const lo = env[b], hi = env[b + 1], se = env[b + 2];
  const e = (se & 0x7fff) - 16383;
  if ((lo & 0x7ff) !== 0 || hi >= 0 || e < -400 || e > 400) return NaN; // hi >= 0: no integer bit
  u32[0] = ((hi << 21) | (lo >>> 11)) >>> 0;
  u32[1] = ((se & 0x8000) << 16) | ((e + 1023) << 20) | ((hi >>> 11) & 0xfffff);
  return f64[0];
}

/** A double of modest exponent, or NaN: the operand check for memory operands and results. */
function modest(x: number): number {
  f64[0] = x;
  const e = ((u32[1] >>> 20) & 0x7ff) - 1023;
  return e < -400 || e > 400 ? NaN : x;
}

/** Write ST(i) = the double x (normal, modest) extended by `ext` (-1023..1024, in units of 2^-11 of its last place, toward larger magnitude). */
function setReg(env: Int32Array, i: number, x: number, ext: number): void {
  f64[0] = x;
  let dlo = u32[0], dhi = u32[1];
  if (ext < 0) {
    // One unit less in the double's last place, then 2048 + ext sixty-fourths... of it below.
    if (dlo === 0) { dlo = 0xffffffff; dhi -= 1; } else dlo -= 1;
    ext += 2048;
  }
  const sign = dhi >>> 31, e = ((dhi >>> 20) & 0x7ff) - 1023;
  const phys = (env[FPTOP] + i) & 7, b = FP_REGS + 3 * phys;
  env[b] = ((dlo << 11) | ext) | 0;
  env[b + 1] = (0x80000000 | ((dhi & 0xfffff) << 11) | (dlo >>> 21)) | 0;
  env[b + 2] = (sign << 15) | (e + 16383);
  env[FPTAG] &= ~(1 << phys);
}

/** Round half to even. */
function roundEven(k: number): number {
  const r = Math.round(k);
  return r - k === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** 2^n for the exponent of a double. */
function ulpUnit(x: number): number {
  f64[0] = x;
  const e = ((u32[1] >>> 20) & 0x7ff) - 1023;
  return 2 ** (e - 52);
}

/**
 * Store the exact value hi + err (|err| <= half an ulp of hi; err only approximate when `approx`)
 * rounded to the control word's precision into ST(i); false when the fast path cannot decide.
 */
function storeRounded(env: Int32Array, i: number, hi: number, err: number, pc64: boolean, approx: boolean): boolean {
  if (modest(hi) !== hi || hi === 0) return false;
  if (err === 0) { setReg(env, i, hi, 0); return true; }
  if (!pc64) {
    setReg(env, i, hi, 0);
    env[FPUS] |= FPUS_PE;
    return true;
  }
  const g = ulpUnit(hi) / 2048;
  const k = (hi < 0 ? -err : err) / g;
  if (k < 0) {
    // Below a power of two the grid is twice as fine: leave that to the exact path.
    f64[0] = hi;
    if (u32[0] === 0 && (u32[1] & 0xfffff) === 0) return false;
  }
  const kr = roundEven(k);
  if (approx) {
    const d = Math.abs(k - kr);
    if (d < 1e-6 || Math.abs(d - 0.5) < 1e-6) return false;
  }
  setReg(env, i, hi, kr);
  if (approx || kr !== k) env[FPUS] |= FPUS_PE;
  return true;
}

/** Veltkamp's split and Dekker's exact product: a × b = p + e. */
const SPLIT = 134217729;
function twoProductErr(a: number, b: number, p: number): number {
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** st0 op b (the kinds of fpu.ts: 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr) into ST(dst) when fast; false otherwise. */
function arith(env: Int32Array, kind: number, a: number, b: number, dst: number, pc64: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (kind) {
    case 0: case 4: case 5: {
      const x = kind === 5 ? b : a, y = kind === 0 ? b : -(kind === 5 ? a : b);
      const s = x + y, bb = s - x, err = (x - (s - bb)) + (y - bb);
      if (s === 0) return false; // the sign of an exact zero depends on the rounding: the exact path
      return storeRounded(env, dst, s, err, pc64, false);
    }
    case 1: {
      const p = a * b;
      return storeRounded(env, dst, p, twoProductErr(a, b, p), pc64, false);
    }
    default: {
      const x = kind === 6 ? a : b, y = kind === 6 ? b : a;
      const q = x / y;
      if (q === 0 || modest(q) !== q) return false;
      // The exact residual r = x - q y (a double), and the quotient's error r / y.
      const p = q * y, e = twoProductErr(q, y, p), r = (x - p) - e;
      if (r === 0) return storeRounded(env, dst, q, 0, pc64, false);
      return storeRounded(env, dst, q, r / y, pc64, true);
    }
  }
}

function flagsDone(env: Int32Array): void {
  if ((env[FPUS] & ~env[FPUC] & 0x3f) !== 0) env[FPUS] |= FPUS_SE | FPUS_B;
}

/** An m64 operand at addr as a double, or undefined after a fault. */
function ldDouble(s: OpState, addr: number): number | undefined {
  const lo = helper_ld(s, addr, 4);
  if (s.env[EXCEPTION] !== 0) return undefined;
  const hi = helper_ld(s, (addr + 4) | 0, 4);
  if (s.env[EXCEPTION] !== 0) return undefined;
  u32[0] = lo >>> 0; u32[1] = hi >>> 0;
  return f64[0];
}
function ldFloat(s: OpState, addr: number): number | undefined {
  const w = helper_ld(s, addr, 4);
  if (s.env[EXCEPTION] !== 0) return undefined;
  u32f[0] = w >>> 0;
  return f32[0];
}

/** ST0 rounded to a double's 53 bits (nearest-even) as its two bit-pattern words, or undefined when not fast (and whether inexact). */
function st0ToDoubleWords(env: Int32Array): { lo: number; hi: number; inexact: boolean } | undefined {
  const b = base(env, 0);
  const lo = env[b], hi = env[b + 1], se = env[b + 2];
  const e = (se & 0x7fff) - 16383;
  if (hi >= 0 || e < -400 || e > 400) return undefined;
  let dlo = ((hi << 21) | (lo >>> 11)) >>> 0;
  let dhi = (((se & 0x8000) << 16) | ((e + 1023) << 20) | ((hi >>> 11) & 0xfffff)) >>> 0;
  const rest = lo & 0x7ff;
  if (rest > 0x400 || (rest === 0x400 && (dlo & 1) !== 0)) {
    // The next double away from zero: the bit pattern plus one (a carry may reach the exponent).
    if (dlo === 0xffffffff) { dlo = 0; dhi = (dhi + 1) >>> 0; } else dlo += 1;
  }
  return { lo: dlo | 0, hi: dhi | 0, inexact: rest !== 0 };
}

/**
 * The fast path of helper_fpu (same operation numbers): true when it did the instruction (or
 * raised a fault with nothing changed), false when the exact path must.
 */
export function fpuFast(s: OpState, op: number, addr: number, codes: FastCodes): boolean {
  const env = s.env;
  const cw = env[FPUC];
  if ((cw & 0xc00) !== 0 || (cw & 0x300) < 0x200) return false; // nearest, 53 or 64 bits
  const pc64 = (cw & 0x300) === 0x300;
  if (op >= codes.regBase) {
    const code = op >>> 3, i = op & 7;
    if (code === codes.fldSti) {
      const b = base(env, i), lo = env[b], hi = env[b + 1], se = env[b + 2];
      env[FPTOP] = (env[FPTOP] - 1) & 7;
      const phys = env[FPTOP] & 7, d = FP_REGS + 3 * phys;
      env[d] = lo; env[d + 1] = hi; env[d + 2] = se;
      env[FPTAG] &= ~(1 << phys);
      return true;
    }
    if (code === codes.fstSti || code === codes.fstpSti) {
      const b = base(env, 0), phys = (env[FPTOP] + i) & 7, d = FP_REGS + 3 * phys;
      env[d] = env[b]; env[d + 1] = env[b + 1]; env[d + 2] = env[b + 2];
      env[FPTAG] &= ~(1 << phys);
      if (code === codes.fstpSti) { env[FPTAG] |= 1 << (env[FPTOP] & 7); env[FPTOP] = (env[FPTOP] + 1) & 7; }
      return true;
    }
    const group = code & ~7, kind = code & 7;
    if (group === codes.arithSt0Sti && kind !== 2 && kind !== 3) {
      if (!arith(env, kind, regDouble(env, 0), regDouble(env, i), 0, pc64)) return false;
      flagsDone(env);
      return true;
    }
    if ((group === codes.arithStiSt0 || group === codes.arithStiSt0Pop) && kind !== 2 && kind !== 3) {
      // Intel's DC/DE forms: st(i) = st(i) op st0 with sub/div reversed (as fpu.ts's fpuReg).
      const k = kind === 4 ? 5 : kind === 5 ? 4 : kind === 6 ? 7 : kind === 7 ? 6 : kind;
      if (!arith(env, k, regDouble(env, i), regDouble(env, 0), i, pc64)) return false;
      if (group === codes.arithStiSt0Pop) { env[FPTAG] |= 1 << (env[FPTOP] & 7); env[FPTOP] = (env[FPTOP] + 1) & 7; }
      flagsDone(env);
      return true;
    }
    return false;
  }
  if (op === codes.fldM64 || op === codes.fldM32) {
    // Check the operand before changing anything: a fault or an unusual value leaves it all to the exact path.
    const x = op === codes.fldM64 ? ldDouble(s, addr) : ldFloat(s, addr);
    if (x === undefined) return true;
    if (modest(x) !== x || x === 0) return false;
    env[FPTOP] = (env[FPTOP] - 1) & 7;
    setReg(env, 0, x, 0);
    return true;
  }
  if (op === codes.fstM64 || op === codes.fstpM64) {
    const w = st0ToDoubleWords(env);
    if (w === undefined) return false;
    helper_st(s, (addr + 4) | 0, 4, w.hi);
    if (env[EXCEPTION] !== 0) return true;
    helper_st(s, addr, 4, w.lo);
    if (env[EXCEPTION] !== 0) return true;
    if (w.inexact) { env[FPUS] |= FPUS_PE; flagsDone(env); }
    if (op === codes.fstpM64) { env[FPTAG] |= 1 << (env[FPTOP] & 7); env[FPTOP] = (env[FPTOP] + 1) & 7; }
    return true;
  }
  if (op >= codes.arithM32 && op < codes.arithM32 + 16) {
    const kind = op & 7;
    if (kind === 2 || kind === 3) return false;
    const a = regDouble(env, 0);
    if (Number.isNaN(a)) return false;
    const b = op < codes.arithM32 + 8 ? ldFloat(s, addr) : ldDouble(s, addr);
    if (b === undefined) return true;
    if (modest(b) !== b || b === 0) return false;
    if (!arith(env, kind, a, b, 0, pc64)) return false;
    flagsDone(env);
    return true;
  }
  return false;
}

/** fcomi/fucomi of doubles: the ZF PF CF result, or -1 when not fast. */
export function fcomiFast(env: Int32Array, i: number): number {
  const a = regDouble(env, 0), b = regDouble(env, i);
  if (Number.isNaN(a) || Number.isNaN(b)) return -1;
  return a < b ? 0x1 : a === b ? 0x40 : 0;
}

/** The operation numbers the fast path knows (fpu.ts's X87, passed in to keep the files acyclic). */
export interface FastCodes {
  regBase: number; fldSti: number; fstSti: number; fstpSti: number;
  arithSt0Sti: number; arithStiSt0: number; arithStiSt0Pop: number;
  fldM64: number; fldM32: number; fstM64: number; fstpM64: number; arithM32: number;
}
