/**
 * The x87's fast path (fpu.ts is the exact definition): the common case of double-precision code
 * done with JavaScript doubles and 32-bit words, no BigInt. It applies when the control word
 * rounds to nearest with 53- or 64-bit precision and every operand is a normal double of modest
 * exponent (|e| <= 400, so that no intermediate error term is subnormal) or a zero: a register
 * (its 64-bit mantissa as a double of its top 53 bits plus one of its low 11), or an
 * m32/m64/m32-integer operand. Then
 *   - a sum, product or quotient is the high parts' double result plus its exact error (TwoSum,
 *     Dekker's TwoProduct with Veltkamp's split, the division's exact residual; with low parts,
 *     an exact expansion of the terms), and its 64-bit rounding is the double's mantissa
 *     extended by the error rounded to 11 more bits (nearest-even); PE when the error is not on
 *     that grid; products and quotients of a zero are zeros;
 *   - a store to m64/m32 rounds the register's 64-bit mantissa to nearest-even on its words;
 *   - fld/fst/fxch of registers copy words, fld1/fldz load constants; fcomi/fucomi compare
 *     the (high, low) pairs.
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

/** 2^n for -1022 <= n <= 1023, from its bits (Math.pow is slower). */
function pow2(n: number): number {
  u32[0] = 0; u32[1] = (n + 1023) << 20;
  return f64[0];
}

/** An exact value as two doubles hi + lo ([0], [1]); the scratch pairs below avoid allocation. */
type Parts = Float64Array;
const partsA: Parts = new Float64Array(2), partsB: Parts = new Float64Array(2);

/**
 * ST(i) into `out` as the exact sum hi + lo of two doubles (hi its mantissa's top 53 bits, lo
 * the low 11), or a signed zero; false when it is neither zero nor a normal number of modest exponent.
 */
function regParts(env: Int32Array, i: number, out: Parts): boolean {
  const b = base(env, i);
  const lo = env[b], hi = env[b + 1], se = env[b + 2];
  const e = (se & 0x7fff) - 16383;
  if (lo === 0 && hi === 0 && (se & 0x7fff) === 0) { out[0] = (se & 0x8000) !== 0 ? -0 : 0; out[1] = 0; return true; }
  if (hi >= 0 || e < -400 || e > 400) return false;
  u32[0] = ((hi << 21) | (lo >>> 11)) >>> 0;
  u32[1] = ((se & 0x8000) << 16) | ((e + 1023) << 20) | ((hi >>> 11) & 0xfffff);
  out[0] = f64[0];
  const low = (lo & 0x7ff) * pow2(e - 63);
  out[1] = (se & 0x8000) !== 0 ? -low : low;
  return true;
}

/** A double of modest exponent, or NaN: the operand check for memory operands and results. */
function modest(x: number): number {
  f64[0] = x;
  const e = ((u32[1] >>> 20) & 0x7ff) - 1023;
  return e < -400 || e > 400 ? NaN : x;
}

/** Write ST(i) = the double x (normal, modest) extended by `ext` (0..2047, in units of 2^-11 of its last place, toward larger magnitude). */
function setReg(env: Int32Array, i: number, x: number, ext: number): void {
  f64[0] = x;
  const dlo = u32[0], dhi = u32[1];
  const sign = dhi >>> 31, e = ((dhi >>> 20) & 0x7ff) - 1023;
  const phys = (env[FPTOP] + i) & 7, b = FP_REGS + 3 * phys;
  env[b] = ((dlo << 11) | ext) | 0;
  env[b + 1] = (0x80000000 | ((dhi & 0xfffff) << 11) | (dlo >>> 21)) | 0;
  env[b + 2] = (sign << 15) | (e + 16383);
  env[FPTAG] &= ~(1 << phys);
}

/** Write ST(i) = a zero of sign `sign` (0 or 1). */
function setZero(env: Int32Array, i: number, sign: number): void {
  const phys = (env[FPTOP] + i) & 7, b = FP_REGS + 3 * phys;
  env[b] = 0; env[b + 1] = 0; env[b + 2] = sign << 15;
  env[FPTAG] &= ~(1 << phys);
}
/** The sign bit of a double (of a zero too). */
const signBit = (x: number): number => (x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0);

/** Round half to even. */
function roundEven(k: number): number {
  const r = Math.round(k);
  return r - k === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** 2^n for the exponent of a double. */
function ulpUnit(x: number): number {
  f64[0] = x;
  const e = ((u32[1] >>> 20) & 0x7ff) - 1023;
  return pow2(e - 52);
}

/**
 * Store the exact value hi + t + sticky (t a multiple of hi's grid or not, |sticky| below t's
 * last place, only its sign counting; t only approximate when `approx`) rounded to nearest at
 * the control word's precision into ST(i); false when the fast path cannot decide.
 */
function storeRounded(env: Int32Array, i: number, hi: number, t: number, sticky: number, pc64: boolean, approx: boolean): boolean {
  if (modest(hi) !== hi || hi === 0) return false;
  if (t === 0 && sticky === 0) { setReg(env, i, hi, 0); return true; }
  const cells = pc64 ? 2048 : 1; // grid cells below a double's last place: 11 more bits at 64-bit precision
  const ulp = ulpUnit(hi), g = ulp / cells;
  const neg = hi < 0;
  const k = (neg ? -t : t) / g, sm = neg ? -sticky : sticky;
  // The sticky part must lie below t's last place (and far below the grid) for its sign alone to decide.
  if (sticky !== 0 && (t === 0 || Math.abs(sticky) > ulpUnit(t) / 2 || Math.abs(sm) >= g / 4)) return false;
  if (k < 0 || (k === 0 && sm < 0)) {
    // Below a power of two the grid is twice as fine: leave that to the exact path.
    f64[0] = hi;
    if (u32[0] === 0 && (u32[1] & 0xfffff) === 0) return false;
  }
  const fl = Math.floor(k), f = k - fl;
  let kr: number;
  if (approx) {
    kr = roundEven(k);
    const d = Math.abs(k - kr);
    if (d < 1e-6 || Math.abs(d - 0.5) < 1e-6) return false;
  } else if (f === 0.5) kr = sm > 0 ? fl + 1 : sm < 0 ? fl : (fl % 2 === 0 ? fl : fl + 1);
  else kr = f < 0.5 ? fl : fl + 1;
  const inexact = approx || f !== 0 || sm !== 0;
  // hi moved by whole places, the rest in grid cells below; the binade must stay hi's.
  const q = Math.floor(kr / cells), rem = kr - q * cells;
  const mag = Math.abs(hi) + q * ulp;
  if (ulpUnit(mag) !== ulp) return false;
  setReg(env, i, neg ? -mag : mag, rem);
  if (inexact) env[FPUS] |= FPUS_PE;
  return true;
}

/** Veltkamp's split and Dekker's exact product: a × b = p + e. */
const SPLIT = 134217729;
function twoProductErr(a: number, b: number, p: number): number {
  const ca = SPLIT * a, ah = ca - (ca - a), al = a - ah;
  const cb = SPLIT * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * An exact sum of doubles as a nonoverlapping expansion (Shewchuk's grow-expansion with zero
 * elimination, smallest component first), in a scratch array: no allocation.
 */
const expansion = new Float64Array(24);
let expansionLength = 0;
function expansionAdd(b: number): void {
  let q = b, n = 0;
  for (let i = 0; i < expansionLength; i++) {
    const e = expansion[i], sum = q + e, bv = sum - q, err = (q - (sum - bv)) + (e - bv);
    if (err !== 0) expansion[n++] = err;
    q = sum;
  }
  if (q !== 0) expansion[n++] = q;
  expansionLength = n;
}
/** The expansion's value rounded faithfully (summed smallest first). */
function expansionApprox(): number {
  let t = 0;
  for (let i = 0; i < expansionLength; i++) t += expansion[i];
  return t;
}

/** Veltkamp's high half of a double (26 bits; the rest, x minus it, has at most 26 more). */
function splitHigh(x: number): number { const c = SPLIT * x; return c - (c - x); }

/**
 * Store hi + (the expansion's exact value) rounded into ST(dst): the expansion as t (faithful)
 * plus a sticky part whose sign is the rest's exact sign (storeRounded's contract).
 */
function storeExpansion(env: Int32Array, dst: number, hi: number, pc64: boolean): boolean {
  const t = expansionApprox();
  expansionAdd(-t);
  const sticky = expansionApprox();
  if (t === 0 && sticky !== 0) return false;
  return storeRounded(env, dst, hi, t, sticky, pc64, false);
}

/**
 * Sum and product of two registers that both have low parts (64-bit mantissas, the values
 * x87 code keeps between instructions): the high parts' double result and its exact error,
 * plus the low parts' exact terms (each a product of at most 11 by 26 or 27 bits), summed
 * exactly as an expansion.
 */
function arithBothLow(env: Int32Array, kind: number, a: Parts, b: Parts, dst: number, pc64: boolean): boolean {
  expansionLength = 0;
  if (kind === 1) {
    const ah = a[0], al = a[1], bh = b[0], bl = b[1];
    const p = ah * bh;
    expansionAdd(twoProductErr(ah, bh, p));
    const ahh = splitHigh(ah), bhh = splitHigh(bh);
    expansionAdd(al * bhh); expansionAdd(al * (bh - bhh));
    expansionAdd(bl * ahh); expansionAdd(bl * (ah - ahh));
    expansionAdd(al * bl);
    return storeExpansion(env, dst, p, pc64);
  }
  const xs = kind === 5 ? b : a, ys = kind === 5 ? a : b, sy = kind === 0 ? 1 : -1;
  const x = xs[0], y = sy * ys[0];
  const sum = x + y, bv = sum - x;
  if (sum === 0) return false; // the sign of an exact zero depends on the rounding: the exact path
  expansionAdd((x - (sum - bv)) + (y - bv));
  expansionAdd(xs[1]); expansionAdd(sy * ys[1]);
  return storeExpansion(env, dst, sum, pc64);
}

/**
 * st0 op b (the kinds of fpu.ts: 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr) into ST(dst) when
 * fast, false otherwise. Operands are exact pairs hi + lo; at most one may have a low part, and
 * a division takes none.
 */
function arith(env: Int32Array, kind: number, a: Parts, b: Parts, dst: number, pc64: boolean): boolean {
  // Zeros: a product, or a quotient of zero by a non-zero, is an exact zero of the signs' xor
  // (sums with a zero are the other operand rounded, below; a zero divisor: the exact path).
  if (kind === 1 ? a[0] === 0 || b[0] === 0 : kind >= 6 && (kind === 6 ? a : b)[0] === 0 && (kind === 6 ? b : a)[0] !== 0) {
    setZero(env, dst, signBit(a[0]) ^ signBit(b[0]));
    return true;
  }
  if (a[1] !== 0 && b[1] !== 0 && kind <= 5) return arithBothLow(env, kind, a, b, dst, pc64);
  switch (kind) {
    case 0: case 4: case 5: {
      const xs = kind === 5 ? b : a, ys = kind === 5 ? a : b, sy = kind === 0 ? 1 : -1;
      const x = xs[0], y = sy * ys[0];
      const s = x + y, bb = s - x, e1 = (x - (s - bb)) + (y - bb);
      const extra = xs[1] + sy * ys[1];
      const t = e1 + extra, b2 = t - e1, e2 = (e1 - (t - b2)) + (extra - b2);
      if (s === 0) {
        // An exact zero (0 + 0, x - x): at round-to-nearest its sign is the double sum's.
        if (extra !== 0) return false;
        setZero(env, dst, signBit(s));
        return true;
      }
      return storeRounded(env, dst, s, t, e2, pc64, false);
    }
    case 1: {
      const xp = a[1] !== 0 ? a : b, x1 = xp[0], x2 = xp[1], y = a[1] !== 0 ? b[0] : a[0];
      const p = x1 * y, e = twoProductErr(x1, y, p);
      if (x2 === 0) return storeRounded(env, dst, p, e, 0, pc64, false);
      // x2 has at most 11 bits: its products with the halves of y are exact.
      const cy = SPLIT * y, yh = cy - (cy - y), yl = y - yh;
      const m1 = x2 * yh, m2 = x2 * yl;
      const t1 = e + m1, c1 = t1 - e, r1 = (e - (t1 - c1)) + (m1 - c1);
      const t2 = t1 + m2, c2 = t2 - t1, r2 = (t1 - (t2 - c2)) + (m2 - c2);
      const t3 = t2 + r1, c3 = t3 - t2, r3 = (t2 - (t3 - c3)) + (r1 - c3);
      // e + m1 + m2 = t3 + r3 + r2 exactly; the last two only as a sign below t3's last place.
      return t3 === 0 ? storeRounded(env, dst, p, r2, 0, pc64, false) : storeRounded(env, dst, p, t3, r3 + r2, pc64, false);
    }
    default: {
      if (a[1] !== 0 || b[1] !== 0) return divWithLows(env, kind === 6 ? a : b, kind === 6 ? b : a, dst, pc64);
      const x = kind === 6 ? a[0] : b[0], y = kind === 6 ? b[0] : a[0];
      const q = x / y;
      if (q === 0 || modest(q) !== q) return false;
      // The exact residual r = x - q y (a double), and the quotient's error r / y.
      const p = q * y, e = twoProductErr(q, y, p), r = (x - p) - e;
      if (r === 0) return storeRounded(env, dst, q, 0, 0, pc64, false);
      return storeRounded(env, dst, q, r / y, 0, pc64, true);
    }
  }
}

/**
 * x / y when either has a low part: q = the high parts' double quotient, and the exact residual
 * x - q y as an expansion (q times y's low part split in exactly representable halves); the
 * quotient's error residual / y then is only approximate, so storeRounded decides only far from
 * a rounding boundary.
 */
function divWithLows(env: Int32Array, x: Parts, y: Parts, dst: number, pc64: boolean): boolean {
  const xh = x[0], xl = x[1], yh = y[0], yl = y[1];
  if (yh === 0) return false;
  const q = xh / yh;
  if (q === 0 || modest(q) !== q) return false;
  const p = q * yh, qh = splitHigh(q);
  expansionLength = 0;
  expansionAdd(xh); expansionAdd(-p); expansionAdd(-twoProductErr(q, yh, p)); expansionAdd(xl);
  expansionAdd(-(qh * yl)); expansionAdd(-((q - qh) * yl));
  const r = expansionApprox();
  if (r === 0) return storeRounded(env, dst, q, 0, 0, pc64, false);
  return storeRounded(env, dst, q, r / (yh + yl), 0, pc64, true);
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
function ldInt32(s: OpState, addr: number): number | undefined {
  const w = helper_ld(s, addr, 4);
  return s.env[EXCEPTION] !== 0 ? undefined : w;
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
    if (code === codes.fxchSti) {
      const p0 = env[FPTOP] & 7, pi = (env[FPTOP] + i) & 7, b0 = FP_REGS + 3 * p0, bi = FP_REGS + 3 * pi;
      for (let k = 0; k < 3; k++) { const t = env[b0 + k]; env[b0 + k] = env[bi + k]; env[bi + k] = t; }
      const t0 = (env[FPTAG] >>> p0) & 1, ti = (env[FPTAG] >>> pi) & 1;
      env[FPTAG] = (env[FPTAG] & ~((1 << p0) | (1 << pi))) | (ti << p0) | (t0 << pi);
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
      if (!regParts(env, 0, partsA) || !regParts(env, i, partsB) || !arith(env, kind, partsA, partsB, 0, pc64)) return false;
      flagsDone(env);
      return true;
    }
    if ((group === codes.arithStiSt0 || group === codes.arithStiSt0Pop) && kind !== 2 && kind !== 3) {
      // Intel's DC/DE forms: st(i) = st(i) op st0 with sub/div reversed (as fpu.ts's fpuReg).
      const k = kind === 4 ? 5 : kind === 5 ? 4 : kind === 6 ? 7 : kind === 7 ? 6 : kind;
      if (!regParts(env, i, partsA) || !regParts(env, 0, partsB) || !arith(env, k, partsA, partsB, i, pc64)) return false;
      if (group === codes.arithStiSt0Pop) { env[FPTAG] |= 1 << (env[FPTOP] & 7); env[FPTOP] = (env[FPTOP] + 1) & 7; }
      flagsDone(env);
      return true;
    }
    return false;
  }
  if (op === codes.fldM64 || op === codes.fldM32 || op === codes.fildM32) {
    // Check the operand before changing anything: a fault or an unusual value leaves it all to the exact path.
    const x = op === codes.fldM64 ? ldDouble(s, addr) : op === codes.fldM32 ? ldFloat(s, addr) : ldInt32(s, addr);
    if (x === undefined) return true;
    if (x !== 0 && modest(x) !== x) return false;
    env[FPTOP] = (env[FPTOP] - 1) & 7;
    if (x === 0) setZero(env, 0, signBit(x)); else setReg(env, 0, x, 0);
    return true;
  }
  if (op === codes.fld1 || op === codes.fldz) {
    env[FPTOP] = (env[FPTOP] - 1) & 7;
    if (op === codes.fldz) setZero(env, 0, 0); else setReg(env, 0, 1, 0);
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
    if (!regParts(env, 0, partsA)) return false;
    const b = op < codes.arithM32 + 8 ? ldFloat(s, addr) : ldDouble(s, addr);
    if (b === undefined) return true;
    if (b !== 0 && modest(b) !== b) return false;
    partsB[0] = b; partsB[1] = 0;
    if (!arith(env, kind, partsA, partsB, 0, pc64)) return false;
    flagsDone(env);
    return true;
  }
  return false;
}

/**
 * fcomi/fucomi of normal registers of modest exponent: the ZF PF CF result, or -1 when not fast.
 * Each value is hi + lo with hi its mantissa's top 53 bits and lo the rest (same sign, below hi's
 * last place), so the pairs order as their values do: by hi, then by lo.
 */
export function fcomiFast(env: Int32Array, i: number): number {
  if (!regParts(env, 0, partsA) || !regParts(env, i, partsB)) return -1;
  const a = partsA, b = partsB;
  const lt = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  return lt ? 0x1 : a[0] === b[0] && a[1] === b[1] ? 0x40 : 0;
}

/** The operation numbers the fast path knows (fpu.ts's X87, passed in to keep the files acyclic). */
export interface FastCodes {
  regBase: number; fldSti: number; fxchSti: number; fstSti: number; fstpSti: number; fld1: number; fldz: number;
  arithSt0Sti: number; arithStiSt0: number; arithStiSt0Pop: number;
  fldM64: number; fldM32: number; fildM32: number; fstM64: number; fstpM64: number; arithM32: number;
}
