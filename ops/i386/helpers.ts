/**
 * Out-of-line helpers of the i386 ops (QEMU's helper_*): plain TypeScript, called from
 * snippets. `@noLocalWords` marks a helper that reads and writes none of BLOCK_LOCAL_WORDS
 * (state.ts), so that block code need not write its register locals back around the call.
 */
import type { OpState } from '../core.js';
import {
  AF, CC_DST, CC_FLAGS, CC_KIND_ADC, CC_KIND_ADD, CC_KIND_DEC, CC_KIND_INC, CC_KIND_LOGIC, CC_KIND_MUL, CC_KIND_SAR, CC_KIND_SBB,
  CC_KIND_SHL, CC_KIND_SUB, CC_OP, CC_OP_EFLAGS, CC_SRC, CC_SRC2, CF, EAX, EBX, ECX, EDX, EIP, EXCEPTION, EXCP_DE, EXCP_GP,
  GDT_ACCESSED, GDT_PRESENT, GDT_TLS, GDT_TLS_ENTRIES, GDT_TLS_FIRST, ICOUNT, OF, PF, SEG_BASE, SEG_DS, SEG_ES, SEG_SEL, SF, TB_FLAGS, TBF_ADDSEG, TSC_HI, ZF,
} from './state.js';

/** PF: set when the low byte has an even number of one bits. */
export function parityFlag(v: number): number {
  let x = v & 0xff;
  x ^= x >>> 4;
  return ((0x9669 >>> (x & 0xf)) & 1) !== 0 ? PF : 0;
}

/**
 * The arithmetic flags (CF PF AF ZF SF OF) from the lazy state: the one definition of what
 * every CC_OP means (state.ts), used by both engines.
 * @noLocalWords
 */
export function helper_cc_compute_all(op: number, src: number, dst: number, src2: number): number {
  const kind = op >>> 2;
  if (kind === 0) return src & CC_FLAGS;
  const bits = 8 << (op & 3);
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  const d = dst & mask;
  let cf = 0, af = 0, of = 0;
  switch (kind) {
    case CC_KIND_ADD: {
      const s1 = (dst - src) & mask, s2 = src & mask;
      cf = (d >>> 0) < (s1 >>> 0) ? 1 : 0;
      af = (d ^ s1 ^ s2) & 0x10;
      of = (~(s1 ^ s2) & (s1 ^ d) & sign) !== 0 ? OF : 0;
      break;
    }
    case CC_KIND_ADC: {
      const s1 = (dst - src - src2) & mask, s2 = src & mask;
      cf = (src2 !== 0 ? (d >>> 0) <= (s1 >>> 0) : (d >>> 0) < (s1 >>> 0)) ? 1 : 0;
      af = (d ^ s1 ^ s2) & 0x10;
      of = (~(s1 ^ s2) & (s1 ^ d) & sign) !== 0 ? OF : 0;
      break;
    }
    case CC_KIND_SUB: {
      const s1 = (dst + src) & mask, s2 = src & mask;
      cf = (s1 >>> 0) < (s2 >>> 0) ? 1 : 0;
      af = (d ^ s1 ^ s2) & 0x10;
      of = ((s1 ^ s2) & (s1 ^ d) & sign) !== 0 ? OF : 0;
      break;
    }
    case CC_KIND_SBB: {
      const s1 = (dst + src + src2) & mask, s2 = src & mask;
      cf = (src2 !== 0 ? (s1 >>> 0) <= (s2 >>> 0) : (s1 >>> 0) < (s2 >>> 0)) ? 1 : 0;
      af = (d ^ s1 ^ s2) & 0x10;
      of = ((s1 ^ s2) & (s1 ^ d) & sign) !== 0 ? OF : 0;
      break;
    }
    case CC_KIND_LOGIC: break;
    case CC_KIND_INC: {
      cf = src & 1;
      const s1 = (d - 1) & mask;
      af = (d ^ s1 ^ 1) & 0x10;
      of = d === sign ? OF : 0;
      break;
    }
    case CC_KIND_DEC: {
      cf = src & 1;
      const s1 = (d + 1) & mask;
      af = (d ^ s1 ^ 1) & 0x10;
      of = d === ((sign - 1) & mask) ? OF : 0;
      break;
    }
    case CC_KIND_SHL:
      cf = (src >>> (bits - 1)) & 1;
      of = ((src ^ dst) & sign) !== 0 ? OF : 0;
      break;
    case CC_KIND_SAR:
      cf = src & 1;
      of = ((src ^ dst) & sign) !== 0 ? OF : 0;
      break;
    case CC_KIND_MUL:
      cf = src !== 0 ? 1 : 0;
      of = cf !== 0 ? OF : 0;
      break;
    default: break;
  }
  return cf | parityFlag(d) | af | (d === 0 ? ZF : 0) | ((d & sign) !== 0 ? SF : 0) | of;
}

/** The arithmetic flags of the CPU now (for helpers that change some of them). */
export function ccFlags(env: Int32Array): number {
  return helper_cc_compute_all(env[CC_OP], env[CC_SRC], env[CC_DST], env[CC_SRC2]);
}

/** Set the arithmetic flags to `flags` (CC_OP_EFLAGS). */
export function setCcFlags(env: Int32Array, flags: number): void {
  env[CC_SRC] = flags & CC_FLAGS;
  env[CC_DST] = 0;
  env[CC_OP] = CC_OP_EFLAGS;
}

/**
 * A load that missed the TLB's fast path or crosses a page (then byte by byte); a fault sets
 * EXCEPTION (the op then leaves the block).
 * @noLocalWords
 */
export function helper_ld(s: OpState, addr: number, bytes: number): number {
  if (bytes === 1 || ((addr & 0xfff) + bytes) <= 0x1000) return s.slow.load(addr, bytes, 0) | 0;
  let v = 0;
  for (let i = 0; i < bytes; i++) {
    const b = s.slow.load((addr + i) | 0, 1, 0);
    if (s.env[EXCEPTION] !== 0) return 0;
    v |= (b & 0xff) << (8 * i);
  }
  return v | 0;
}

/**
 * A store that missed the TLB's fast path (a miss, a read-only page, one holding translated
 * code) or crosses a page: then the byte on the second page is tried first, so that a fault
 * there leaves the first page unchanged.
 * @noLocalWords
 */
export function helper_st(s: OpState, addr: number, bytes: number, value: number): void {
  if (bytes === 1 || ((addr & 0xfff) + bytes) <= 0x1000) { s.slow.store(addr, bytes, value, 0); return; }
  const second = 0x1000 - (addr & 0xfff);
  s.slow.store((addr + second) | 0, 1, (value >>> (8 * second)) & 0xff, 0);
  if (s.env[EXCEPTION] !== 0) return;
  for (let i = 0; i < bytes; i++) {
    if (i === second) continue;
    s.slow.store((addr + i) | 0, 1, (value >>> (8 * i)) & 0xff, 0);
    if (s.env[EXCEPTION] !== 0) return;
  }
}

/** Raise `excp` at the instruction at `eip` after `retired` instructions of the block. */
function raiseAt(s: OpState, excp: number, eip: number, retired: number): void {
  s.env[EXCEPTION] = excp;
  s.env[EIP] = eip;
  s.env[ICOUNT] = (s.env[ICOUNT] + retired) | 0;
}

/**
 * div/idiv: `kind` bit 0 signed, bits 1-2 the size index (byte: AX / src → AL, AH; word:
 * DX:AX; dword: EDX:EAX). A zero divisor or a quotient that does not fit is a divide error
 * (#DE, SIGFPE in user mode), raised at `eip`.
 */
export function helper_div(s: OpState, kind: number, divisor: number, eip: number, retired: number): void {
  const env = s.env;
  const signed = (kind & 1) !== 0;
  // A size index beyond dword (no translator emits one) is taken as dword.
  if ((kind & 6) < 4) { divSmall(s, signed, (kind & 6) === 0, divisor, eip, retired); return; }
  // EDX:EAX by a 32-bit divisor, in plain doubles (no BigInt): the magnitudes, then one division
  // when the dividend is below 2^48, else long division in two 16-bit steps. Every value is an
  // integer below 2^53 and every quotient is floored at least 2^-48 of itself from the next
  // integer, so each step is exact.
  let hi = env[EDX] >>> 0, lo = env[EAX] >>> 0, d = divisor >>> 0;
  const negN = signed && env[EDX] < 0, negD = signed && divisor < 0;
  if (negN) { lo = (-lo) >>> 0; hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0; }
  if (negD) d = (-d) >>> 0;
  if (hi >= d) { raiseAt(s, EXCP_DE, eip, retired); return; } // a zero divisor, or a quotient beyond 32 bits
  let qm: number, rm: number;
  if (hi < 0x10000) {
    const n = hi * 0x100000000 + lo;
    qm = Math.floor(n / d); rm = n - qm * d;
  } else {
    const n1 = hi * 0x10000 + (lo >>> 16), q1 = Math.floor(n1 / d);
    const n2 = (n1 - q1 * d) * 0x10000 + (lo & 0xffff), q2 = Math.floor(n2 / d);
    qm = q1 * 0x10000 + q2; rm = n2 - q2 * d;
  }
  if (signed && (negN !== negD ? qm > 0x80000000 : qm > 0x7fffffff)) { raiseAt(s, EXCP_DE, eip, retired); return; }
  env[EAX] = negN !== negD ? -qm | 0 : qm | 0;
  env[EDX] = negN ? -rm | 0 : rm | 0;
}

/** div/idiv of AX by a byte (`byte`) or DX:AX by a word: operands below 2^32, so one exact double division. */
function divSmall(s: OpState, signed: boolean, byte: boolean, divisor: number, eip: number, retired: number): void {
  const env = s.env;
  const dividend = byte
    ? (signed ? ((env[EAX] << 16) >> 16) : env[EAX] & 0xffff)
    : (signed ? ((env[EDX] << 16) | (env[EAX] & 0xffff)) : ((((env[EDX] & 0xffff) << 16) | (env[EAX] & 0xffff)) >>> 0));
  const d = byte ? (signed ? (divisor << 24) >> 24 : divisor & 0xff) : (signed ? (divisor << 16) >> 16 : divisor & 0xffff);
  if (d === 0) { raiseAt(s, EXCP_DE, eip, retired); return; }
  const q = Math.trunc(dividend / d), r = dividend - q * d; // truncation toward zero, as idiv rounds
  const bits = byte ? 8 : 16;
  const fits = signed ? q >= -(2 ** (bits - 1)) && q < 2 ** (bits - 1) : q < 2 ** bits;
  if (!fits) { raiseAt(s, EXCP_DE, eip, retired); return; }
  const qn = q | 0, rn = r | 0;
  if (byte) env[EAX] = (env[EAX] & ~0xffff) | (qn & 0xff) | ((rn & 0xff) << 8);
  else { env[EAX] = (env[EAX] & ~0xffff) | (qn & 0xffff); env[EDX] = (env[EDX] & ~0xffff) | (rn & 0xffff); }
}

export const ROT_ROL = 0, ROT_ROR = 1, ROT_RCL = 2, ROT_RCR = 3;

/**
 * rol/ror/rcl/rcr of `value` (zero-extended to the size) by `count` (masked to 5 bits as the
 * CPU does): `op` = kind << 2 | size index. CF and OF change (OF as for a count of 1, as QEMU
 * computes it for every count), the other flags stay; a masked count of 0 changes nothing.
 */
export function helper_rotate(s: OpState, op: number, value: number, count: number): number {
  const kind = (op >>> 2) & 3, size = Math.min(op & 3, 2);
  const bits = 8 << size;
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  let c = count & 31;
  const v = value & mask;
  if (kind === ROT_RCL || kind === ROT_RCR) c = bits === 32 ? c : c % (bits + 1);
  else c = c === 0 ? 0 : (c % bits === 0 && bits !== 32 ? bits : c % bits);
  if ((count & 31) === 0) return value;
  const flags = ccFlags(s.env);
  let r = v, cf = flags & CF;
  if (kind === ROT_ROL) {
    const k = c % bits;
    r = k === 0 ? v : ((v << k) | (v >>> (bits - k))) & mask;
    cf = r & 1;
  } else if (kind === ROT_ROR) {
    const k = c % bits;
    r = k === 0 ? v : ((v >>> k) | (v << (bits - k))) & mask;
    cf = (r >>> (bits - 1)) & 1;
  } else {
    // Through the carry: a (bits + 1)-bit rotation, done bit by bit (counts are small).
    for (let i = 0; i < c; i++) {
      if (kind === ROT_RCL) { const out = (r >>> (bits - 1)) & 1; r = ((r << 1) | cf) & mask; cf = out; }
      else { const out = r & 1; r = ((r >>> 1) | (cf << (bits - 1))) & mask; cf = out; }
    }
  }
  const msb = (r >>> (bits - 1)) & 1;
  let of: number;
  if (kind === ROT_ROL || kind === ROT_RCL) of = msb ^ cf;
  else of = msb ^ ((r >>> (bits - 2)) & 1);
  setCcFlags(s.env, (flags & ~(CF | OF)) | cf | (of ? OF : 0));
  return r | 0;
}

/**
 * shld (`op` bit 2 clear) / shrd (set) of `dst` with bits from `src` by `count` & 31; `op`
 * bits 0-1: size index (word or dword). Flags as a shift: CF the last bit out, OF from the sign
 * change by the last step (by the whole shift when the count is 1; above 1 the manuals leave OF
 * undefined, and this is QEMU's), SF ZF PF from the result. A count of 0 changes nothing.
 */
export function helper_shxd(s: OpState, op: number, dst: number, src: number, count: number): number {
  const c = count & 31;
  if (c === 0) return dst;
  const right = (op & 4) !== 0, bits = (op & 3) === 1 ? 16 : 32;
  // OF compares the result with the destination shifted one place less (QEMU's, where the
  // manuals leave it undefined: counts above 1); AF is clear, as the other shifts leave it.
  let r: number, cf: number, before: number;
  if (bits === 32) {
    if (right) {
      r = (dst >>> c) | (src << (32 - c));
      cf = (dst >>> (c - 1)) & 1;
      before = dst >>> (c - 1);
    } else {
      r = (dst << c) | (src >>> (32 - c));
      cf = (dst >>> (32 - c)) & 1;
      before = c === 1 ? dst : (dst << (c - 1)) | (src >>> (33 - c));
    }
  } else {
    // 16 bits: counts above 16 take from the source again, so shift the 48-bit dst:src:src
    // (left) or src:src:dst (right), held exactly in a double, by division by powers of two.
    const d = dst & 0xffff, sr = src & 0xffff;
    if (!right) {
      const wide = d * 2 ** 32 + sr * 0x10000 + sr;
      r = Math.floor(wide / 2 ** (32 - c)) % 0x10000;
      cf = Math.floor(wide / 2 ** (48 - c)) % 2;
      before = Math.floor(wide / 2 ** (33 - c)) % 0x10000;
    } else {
      const wide = sr * 2 ** 32 + sr * 0x10000 + d;
      r = Math.floor(wide / 2 ** c) % 0x10000;
      cf = Math.floor(wide / 2 ** (c - 1)) % 2;
      before = Math.floor((sr * 0x10000 + d) / 2 ** (c - 1)) % 0x10000;
    }
  }
  const sign = bits === 32 ? 0x80000000 | 0 : 0x8000;
  const rm = bits === 32 ? r : r & 0xffff;
  const of = ((rm ^ before) & sign) !== 0 ? OF : 0;
  setCcFlags(s.env, cf | parityFlag(rm) | (rm === 0 ? ZF : 0) | ((rm & sign) !== 0 ? SF : 0) | of);
  return rm | 0;
}

/**
 * cpuid: a plausible i686 (a Pentium Pro-class family 6 part) with the x87 FPU and no MMX or SSE
 * reported. Leaves above the highest (1) answer as the highest does, as Intel's parts do; the
 * answers are those of `qemu-i386 -cpu` with the same features (test/i386-lockstep.test.ts
 * relies on it: glibc's start-up reads them).
 */
export function helper_cpuid(s: OpState): void {
  const env = s.env;
  const leaf = env[EAX] >>> 0;
  const str = (t: string): number => t.charCodeAt(0) | (t.charCodeAt(1) << 8) | (t.charCodeAt(2) << 16) | (t.charCodeAt(3) << 24);
  if (leaf === 0) {
    env[EAX] = 1;
    env[EBX] = str('Genu'); env[EDX] = str('ineI'); env[ECX] = str('ntel');
  } else {
    // Family 6, model 1, stepping 9; EBX: the CLFLUSH line size field (8 quadwords), as QEMU's
    // parts all give. Features: FPU(0) DE(2) PSE(3) TSC(4) MSR(5) PAE(6) CX8(8) CMOV(15, with
    // FPU: fcmov too). No MMX, FXSR, SSE: only what is implemented is reported.
    env[EAX] = 0x619;
    env[EBX] = 0x800; env[ECX] = 0;
    env[EDX] = 1 | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 15);
  }
}

/**
 * rdtsc: a counter that only the guest's own progress advances (the instructions retired when
 * the block began, scaled), so that both engines read the same values.
 */
export function helper_rdtsc(s: OpState): void {
  const env = s.env;
  const lo = Math.imul(env[ICOUNT], 8);
  env[EAX] = lo;
  env[EDX] = env[TSC_HI];
}

/**
 * mov to a segment register (`seg` 0..5) of selector `sel`: a null selector (fs/gs only) or
 * the user code/data selectors give base 0, a TLS entry of the GDT its base; anything else is
 * a general protection fault (SIGSEGV), raised at `eip`.
 */
export function helper_load_seg(s: OpState, seg: number, sel: number, eip: number, retired: number): void {
  const env = s.env;
  sel &= 0xffff;
  const index = sel >>> 3;
  let base = 0;
  if (sel < 4) {
    if (seg !== 4 && seg !== 5 && seg !== 0 && seg !== 3) { raiseAt(s, EXCP_GP, eip, retired); return; }
  } else if (index >= GDT_TLS_FIRST && index < GDT_TLS_FIRST + GDT_TLS_ENTRIES && (sel & 4) === 0) {
    const e = GDT_TLS + 3 * (index - GDT_TLS_FIRST);
    if ((env[e + 2] & GDT_PRESENT) === 0) { raiseAt(s, EXCP_GP, eip, retired); return; }
    base = env[e];
    env[e + 2] |= GDT_ACCESSED;
  } else if ((index !== 4 && index !== 5) || (sel & 4) !== 0) {
    // Not the user code or data segment of the GDT; LDT selectors (TI set) find an empty LDT.
    raiseAt(s, EXCP_GP, eip, retired);
    return;
  }
  // ss takes only a writable data segment of the current privilege level (3): __USER_DS with RPL 3,
  // or a writable data TLS entry (struct user_desc: contents 0/1, not read_exec_only).
  if (seg === 2 && ((sel & 3) !== 3 || (index < GDT_TLS_FIRST ? index !== 5 : (env[GDT_TLS + 3 * (index - GDT_TLS_FIRST) + 2] & 0xc) !== 0))) {
    raiseAt(s, EXCP_GP, eip, retired);
    return;
  }
  env[SEG_SEL + seg] = sel;
  env[SEG_BASE + seg] = base;
  updateAddseg(env);
}

/** TB_FLAGS' TBF_ADDSEG from the bases of ds and es (after anything that changes them). */
export function updateAddseg(env: Int32Array): void {
  env[TB_FLAGS] = (env[TB_FLAGS] & ~TBF_ADDSEG) | ((env[SEG_BASE + SEG_DS] | env[SEG_BASE + SEG_ES]) !== 0 ? TBF_ADDSEG : 0);
}

/** cmpxchg8b m64 at `addr`: compare EDX:EAX, set ZF; on a fault raise it at `eip`. */
export function helper_cmpxchg8b(s: OpState, addr: number, eip: number, retired: number): void {
  const env = s.env;
  const lo = helper_ld(s, addr, 4);
  if (env[EXCEPTION] !== 0) { raiseAt(s, env[EXCEPTION], eip, retired); return; }
  const hi = helper_ld(s, (addr + 4) | 0, 4);
  if (env[EXCEPTION] !== 0) { raiseAt(s, env[EXCEPTION], eip, retired); return; }
  const flags = ccFlags(env);
  if (lo === env[EAX] && hi === env[EDX]) {
    helper_st(s, (addr + 4) | 0, 4, env[ECX]);
    if (env[EXCEPTION] === 0) helper_st(s, addr, 4, env[EBX]);
    if (env[EXCEPTION] !== 0) { raiseAt(s, env[EXCEPTION], eip, retired); return; }
    setCcFlags(env, flags | ZF);
  } else {
    // The old value is written back, as the CPU does (a write fault even when unequal).
    helper_st(s, (addr + 4) | 0, 4, hi);
    if (env[EXCEPTION] === 0) helper_st(s, addr, 4, lo);
    if (env[EXCEPTION] !== 0) { raiseAt(s, env[EXCEPTION], eip, retired); return; }
    env[EAX] = lo; env[EDX] = hi;
    setCcFlags(env, flags & ~ZF);
  }
}

/**
 * A far jump's, call's (`toSame` false) or return's (true) code selector: the only code segment
 * of the user-mode GDT is __USER_CS (entry 4); a jump or call takes any RPL (the CPL, 3, is put
 * in), a return only RPL 3 (a lower one would return to an inner level). Anything else is a
 * general protection fault (QEMU's helper_ljmp_protected, helper_lret_protected).
 */
export function helper_check_cs(s: OpState, sel: number, isReturn: number, eip: number, retired: number): void {
  sel &= 0xffff;
  if ((sel >>> 3) !== 4 || (sel & 4) !== 0 || (isReturn !== 0 && (sel & 3) !== 3)) raiseAt(s, EXCP_GP, eip, retired);
}

export const BCD_DAA = 0, BCD_DAS = 1, BCD_AAA = 2, BCD_AAS = 3, BCD_AAM = 4, BCD_AAD = 5;

/**
 * daa das aaa aas aam aad (`kind` BCD_*) on AL/AX, `base` aam's and aad's immediate (aam's
 * non-zero: the translator raises #DE for 0). Flags as QEMU's int_helper.c computes them: daa
 * and das set SF ZF PF from AL and clear OF; aaa and aas change only CF and AF; aam and aad set
 * SF ZF PF from AL and clear CF AF OF (a logic result).
 */
export function helper_bcd(s: OpState, kind: number, base: number): void {
  const env = s.env;
  const flags = ccFlags(env);
  let al = env[EAX] & 0xff, ah = (env[EAX] >>> 8) & 0xff;
  const cf = flags & CF, af = flags & AF;
  if (kind === BCD_DAA || kind === BCD_DAS) {
    const old = al;
    let f = 0;
    if ((al & 0xf) > 9 || af) {
      if (kind === BCD_DAS && (al < 6 || cf)) f |= CF;
      al = (kind === BCD_DAA ? al + 6 : al - 6) & 0xff;
      f |= AF;
    }
    if (old > 0x99 || cf) { al = (kind === BCD_DAA ? al + 0x60 : al - 0x60) & 0xff; f |= CF; }
    env[EAX] = (env[EAX] & ~0xff) | al;
    setCcFlags(env, f | (al === 0 ? ZF : 0) | parityFlag(al) | (al & SF));
    return;
  }
  if (kind === BCD_AAA || kind === BCD_AAS) {
    let f = flags & ~(CF | AF);
    if ((al & 0xf) > 9 || af) {
      if (kind === BCD_AAA) { ah = (ah + 1 + (al > 0xf9 ? 1 : 0)) & 0xff; al = (al + 6) & 0xf; }
      else { ah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xff; al = (al - 6) & 0xf; }
      f |= CF | AF;
    } else al &= 0xf;
    env[EAX] = (env[EAX] & ~0xffff) | al | (ah << 8);
    setCcFlags(env, f);
    return;
  }
  if (kind === BCD_AAM) { ah = Math.floor(al / base); al %= base; }
  else { al = (ah * base + al) & 0xff; ah = 0; }
  env[EAX] = (env[EAX] & ~0xffff) | al | (ah << 8);
  setCcFlags(env, (al === 0 ? ZF : 0) | parityFlag(al) | (al & SF));
}

/** arpl r/m16, r16: `dst` (T0) with its RPL raised to `src`'s; ZF set when it changed, the other flags kept. */
export function helper_arpl(s: OpState, dst: number, src: number): number {
  const flags = ccFlags(s.env) & ~ZF;
  if ((dst & 3) < (src & 3)) { setCcFlags(s.env, flags | ZF); return (dst & ~3) | (src & 3); }
  setCcFlags(s.env, flags);
  return dst;
}

/** bound: `index` (signed, `size` 2 or 4 bytes) outside [lower, upper] is a bound range fault (#BR: SIGSEGV at user level). */
export function helper_bound(s: OpState, size: number, index: number, lower: number, upper: number, eip: number, retired: number): void {
  const sx = (v: number): number => (size === 2 ? (v << 16) >> 16 : v | 0);
  if (sx(index) < sx(lower) || sx(index) > sx(upper)) raiseAt(s, EXCP_GP, eip, retired);
}

/** into: the overflow trap (#OF, SIGSEGV at user level) when OF is set, with eip past the instruction. */
export function helper_into(s: OpState, nextEip: number, retired: number): void {
  if ((ccFlags(s.env) & OF) !== 0) raiseAt(s, EXCP_GP, nextEip, retired);
}

/** The base of the segment selector `sel` names: a TLS entry's of the GDT, else 0 (the flat user segments, null). */
export function selectorBase(env: Int32Array, sel: number): number {
  const index = (sel & 0xffff) >>> 3;
  if ((sel & 4) !== 0 || index < GDT_TLS_FIRST || index >= GDT_TLS_FIRST + GDT_TLS_ENTRIES) return 0;
  const e = GDT_TLS + 3 * (index - GDT_TLS_FIRST);
  return (env[e + 2] & GDT_PRESENT) !== 0 ? env[e] : 0;
}

/**
 * The second word of the GDT descriptor `sel` names, as qemu-i386's user-mode GDT holds it, or
 * undefined for none (null, LDT, empty or beyond the table): __USER_CS and __USER_DS (flat, 4 GiB,
 * DPL 3, accessed: qemu-i386 loaded them at start), the TLS entries from their struct user_desc.
 */
function descriptorHigh(env: Int32Array, sel: number): { e2: number; limit: number } | undefined {
  const index = (sel & 0xffff) >>> 3;
  if ((sel & 0xfffc) === 0 || (sel & 4) !== 0) return undefined;
  if (index === 4) return { e2: 0x00cffb00, limit: -1 };
  if (index === 5) return { e2: 0x00cff300, limit: -1 };
  if (index < GDT_TLS_FIRST || index >= GDT_TLS_FIRST + GDT_TLS_ENTRIES) return undefined;
  const at = GDT_TLS + 3 * (index - GDT_TLS_FIRST), f = env[at + 2], lim = env[at + 1] & 0xfffff;
  if ((f & GDT_PRESENT) === 0) return undefined;
  const e2 = (lim & 0xf0000) | ((((f >>> 3) & 1) ^ 1) << 9) | (((f >>> 1) & 3) << 10) | ((((f >>> 5) & 1) ^ 1) << 15)
    | ((f & 1) << 22) | (((f >>> 4) & 1) << 23) | (((f >>> 6) & 1) << 20) | 0x7000 | ((f & GDT_ACCESSED) !== 0 ? 0x100 : 0);
  return { e2, limit: (f & 0x10) !== 0 ? ((lim << 12) | 0xfff) : lim };
}

export const DESC_LAR = 0, DESC_LSL = 1, DESC_VERR = 2, DESC_VERW = 3;
/**
 * lar, lsl, verr, verw (`kind` DESC_*) of selector `sel` at CPL 3 (QEMU's helper_lar and the
 * others): ZF says whether the descriptor is there and the check passes, the other flags kept;
 * the value (access rights, limit) is what lar and lsl write when ZF is set.
 */
export function helper_desc(s: OpState, kind: number, sel: number): number {
  const d = descriptorHigh(s.env, sel);
  let ok = d !== undefined, value = 0;
  if (d !== undefined) {
    const code = (d.e2 & 0x800) !== 0;
    if (kind === DESC_LAR) value = d.e2 & 0x00f0ff00;
    else if (kind === DESC_LSL) value = d.limit;
    else if (kind === DESC_VERR) ok = !code || (d.e2 & 0x200) !== 0;
    else ok = !code && (d.e2 & 0x200) !== 0;
  }
  const flags = ccFlags(s.env) & ~ZF;
  setCcFlags(s.env, ok ? flags | ZF : flags);
  return value | 0;
}
