/**
 * Directed flag tests of the i386 integer instructions against a BigInt model written from the
 * Intel SDM's definitions (volume 2's Operation and Flags Affected sections), independent of
 * how the lazy flags (ops/i386/flags.ts, helpers.ts) compute them: add adc sub sbb cmp and or
 * xor inc dec neg, shl shr sar rol ror rcl rcr (by cl and by an immediate, every count 0..31),
 * shld shrd, mul imul, bt bts btr btc, bsf bsr, daa das aaa aas aam aad, in 8, 16 and 32 bits
 * (as the instruction has them), on edge operands (0, 1, 0x7f.., 0x80.., 0xff.., nibble
 * boundaries) and random ones, with the flags going in varied. Every case runs in both engines
 * (JIT and interpreter), which must agree on every register and flag bit, and each defined flag
 * (CF PF AF ZF SF OF) and result must be the model's. Flags the SDM leaves undefined (AF after
 * logic, shifts and mul; OF after multi-bit shifts and rotates; SF ZF AF PF after mul/imul; all
 * but CF after bt*; all but ZF after bsf/bsr; OF after daa/das; OF SF ZF PF after aaa/aas; OF
 * AF CF after aam/aad; CF after shl/shr/shld/shrd past the operand size) and undefined results
 * (bsf/bsr of 0, shld/shrd of a 16-bit operand by more than 16) are not compared with the
 * model: qemu-i386 is their reference, through test/i386-programs/legacy.c and intops.c.
 */
import test from 'ava';
import { I386Cpu, loadI386Table, PROT_EXEC, PROT_READ, PROT_WRITE } from '../runtime/i386/cpu.js';
import { CC_OP, CC_OP_EFLAGS, CC_SRC, EAX, EBX, ECX, EDX, EIP, EXCP_GP } from '../ops/i386/state.js';
import { mulberry32 } from './support/arm-random.js';

const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ALL = CF | PF | AF | ZF | SF | OF;
const CODE = 0x10000, CODE_BYTES = 0x20000;

// --- the machines ------------------------------------------------------------------------------------
interface Machine { cpu: I386Cpu; excp: number }
const table = await loadI386Table();
function machine(engine: 'jit' | 'interp'): Machine {
  const prot = new Uint8Array(1 << 20);
  for (let p = CODE >>> 12; p < (CODE + CODE_BYTES) >>> 12; p++) prot[p] = PROT_READ | PROT_WRITE | PROT_EXEC;
  const m: Machine = { cpu: undefined as unknown as I386Cpu, excp: 0 };
  // An exception stops the CPU (not handled: halted), recorded.
  m.cpu = new I386Cpu(table, { engine, pageProt: prot, hotThreshold: engine === 'jit' ? 0 : undefined, onException: (_cpu, excp) => { m.excp = excp; return false; } });
  return m;
}
const machines = [machine('jit'), machine('interp')];
/** Each instruction's bytes get their own place in the code, followed by hlt (a fault that stops the CPU). */
const slots = new Map<string, number>();
let nextSlot = CODE;
function slotOf(bytes: number[]): number {
  const key = bytes.join(',');
  let at = slots.get(key);
  if (at === undefined) {
    at = nextSlot;
    nextSlot += bytes.length + 1;
    if (nextSlot > CODE + CODE_BYTES) throw new Error('code area full');
    for (const m of machines) m.cpu.writeHost(at, Uint8Array.from([...bytes, 0xf4]));
    slots.set(key, at);
  }
  return at;
}

interface Out { eax: number; ebx: number; ecx: number; edx: number; flags: number }
/** Run `bytes` with eax, ebx, ecx, edx and the arithmetic flags given, in both engines; they must agree entirely. */
function run(bytes: number[], regs: { eax: number; ebx?: number; ecx?: number; edx?: number }, flagsIn: number): Out {
  const at = slotOf(bytes);
  const outs = machines.map((m) => {
    const cpu = m.cpu, env = cpu.env;
    cpu.halted = false;
    m.excp = 0;
    env[EAX] = regs.eax; env[EBX] = regs.ebx ?? 0; env[ECX] = regs.ecx ?? 0; env[EDX] = regs.edx ?? 0;
    env[CC_OP] = CC_OP_EFLAGS; env[CC_SRC] = flagsIn & ALL;
    cpu.eip = at;
    cpu.run(16);
    if (m.excp !== EXCP_GP || (env[EIP] >>> 0) !== at + bytes.length) throw new Error(`${bytes.map((b) => b.toString(16)).join(' ')}: stopped at ${(env[EIP] >>> 0).toString(16)} by exception ${m.excp}`);
    return { eax: env[EAX], ebx: env[EBX], ecx: env[ECX], edx: env[EDX], flags: cpu.eflags & ALL };
  });
  if (JSON.stringify(outs[0]) !== JSON.stringify(outs[1])) throw new Error(`${bytes.map((b) => b.toString(16)).join(' ')}: jit ${JSON.stringify(outs[0])}, interp ${JSON.stringify(outs[1])}`);
  return outs[0];
}

// --- the model -------------------------------------------------------------------------------------------
const SIZES = [8, 16, 32] as const;
type Bits = 8 | 16 | 32;
const U = (v: number, bits: number): bigint => BigInt.asUintN(bits, BigInt(v));
const S = (v: number, bits: number): bigint => BigInt.asIntN(bits, BigInt(v));
const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);
/** PF: the low byte has an even number of ones (counted, not looked up). */
function parity(r: bigint): number { let n = 0; for (let i = 0; i < 8; i++) n += bit(r, i); return n % 2 === 0 ? PF : 0; }
/** SF ZF PF of a result of `bits`. */
const szp = (r: bigint, bits: number): number => (bit(r, bits - 1) ? SF : 0) | (r === 0n ? ZF : 0) | parity(r);

/** A model's answer: the result (in the destination, `bits` wide), the flags and which of them are defined. */
interface Want { result?: bigint; flags: number; defined: number }

/** ADD/ADC (sub false) and SUB/SBB/CMP (sub true): carry/borrow out of the top and of bit 3, signed overflow. */
function addSub(a: number, b: number, carry: number, bits: Bits, sub: boolean): Want {
  const ua = U(a, bits), ub = U(b, bits), c = BigInt(carry);
  const wide = sub ? ua - ub - c : ua + ub + c;
  const r = BigInt.asUintN(bits, wide);
  const signed = sub ? S(a, bits) - S(b, bits) - c : S(a, bits) + S(b, bits) + c;
  const lowNibble = sub ? (ua & 15n) - (ub & 15n) - c : (ua & 15n) + (ub & 15n) + c;
  const cf = wide < 0n || wide >= 1n << BigInt(bits);
  const of = signed !== BigInt.asIntN(bits, signed);
  const af = lowNibble < 0n || lowNibble > 15n;
  return { result: r, flags: (cf ? CF : 0) | (af ? AF : 0) | (of ? OF : 0) | szp(r, bits), defined: ALL };
}

function logic(a: number, b: number, bits: Bits, op: 'and' | 'or' | 'xor'): Want {
  const ua = U(a, bits), ub = U(b, bits);
  const r = op === 'and' ? ua & ub : op === 'or' ? ua | ub : ua ^ ub;
  return { result: r, flags: szp(r, bits), defined: ALL & ~AF };
}

/** Shifts: `count` as the instruction takes it (the low 5 bits count); flagsIn for a count of 0. */
function shift(kind: 'shl' | 'shr' | 'sar', a: number, count: number, bits: Bits, flagsIn: number): Want {
  const c = count & 31, ua = U(a, bits);
  if (c === 0) return { result: ua, flags: flagsIn & ALL, defined: ALL };
  let r: bigint, cf: number;
  if (kind === 'shl') { r = BigInt.asUintN(bits, ua << BigInt(c)); cf = bit(ua << BigInt(c), bits); }
  else if (kind === 'shr') { r = ua >> BigInt(c); cf = bit(ua, c - 1); }
  else { const sa = S(a, bits); r = BigInt.asUintN(bits, sa >> BigInt(c)); cf = Number((sa >> BigInt(c - 1)) & 1n); }
  let of = 0;
  if (kind === 'shl') of = bit(r, bits - 1) ^ cf;
  else if (kind === 'shr') of = bit(ua, bits - 1);
  let defined = CF | SF | ZF | PF | (c === 1 ? OF : 0);
  if (c >= bits && kind !== 'sar') defined &= ~CF;
  return { result: r, flags: (cf ? CF : 0) | (of ? OF : 0) | szp(r, bits), defined };
}

/** Rotates: CF and (for a count of 1) OF change, the other flags not; a masked count of 0 changes nothing. */
function rotate(kind: 'rol' | 'ror' | 'rcl' | 'rcr', a: number, count: number, bits: Bits, flagsIn: number): Want {
  const masked = count & 31;
  const keep = flagsIn & ALL & ~(CF | OF);
  if (masked === 0) return { result: U(a, bits), flags: flagsIn & ALL, defined: ALL };
  let r = U(a, bits), cf = flagsIn & CF;
  const top = BigInt(bits - 1);
  if (kind === 'rol' || kind === 'ror') {
    for (let i = 0; i < masked % bits; i++) {
      r = kind === 'rol' ? BigInt.asUintN(bits, (r << 1n) | (r >> top)) : (r >> 1n) | ((r & 1n) << top);
    }
    cf = kind === 'rol' ? bit(r, 0) : bit(r, bits - 1);
  } else {
    const temp = bits === 32 ? masked : masked % (bits + 1);
    for (let i = 0; i < temp; i++) {
      if (kind === 'rcl') { const out = bit(r, bits - 1); r = BigInt.asUintN(bits, (r << 1n) | BigInt(cf)); cf = out; }
      else { const out = Number(r & 1n); r = (r >> 1n) | (BigInt(cf) << top); cf = out; }
    }
  }
  const of = kind === 'rol' || kind === 'rcl' ? bit(r, bits - 1) ^ cf : bit(r, bits - 1) ^ bit(r, bits - 2);
  return { result: r, flags: keep | cf | (of ? OF : 0), defined: ALL & ~(masked === 1 ? 0 : OF) };
}

/** shld (left) / shrd: dest shifted, the vacated bits from src; the count's low 5 bits. */
function shxd(left: boolean, dest: number, src: number, count: number, bits: 16 | 32, flagsIn: number): Want {
  const c = count & 31, d = U(dest, bits), s = U(src, bits);
  if (c === 0) return { result: d, flags: flagsIn & ALL, defined: ALL };
  if (c > bits) return { flags: 0, defined: 0 }; // result and flags undefined
  const B = BigInt(bits), C = BigInt(c);
  const r = left ? BigInt.asUintN(bits, (d << C) | (s >> (B - C))) : BigInt.asUintN(bits, (d >> C) | (s << (B - C)));
  const cf = left ? bit(d, bits - c) : bit(d, c - 1);
  const of = bit(r, bits - 1) ^ bit(d, bits - 1);
  return { result: r, flags: (cf ? CF : 0) | (of ? OF : 0) | szp(r, bits), defined: CF | SF | ZF | PF | (c === 1 ? OF : 0) };
}

/** mul/imul of a and b: the double-width product; CF = OF = the upper half is significant. */
function mulModel(a: number, b: number, bits: Bits, signed: boolean): { lo: bigint; hi: bigint; flags: number } {
  const p = signed ? S(a, bits) * S(b, bits) : U(a, bits) * U(b, bits);
  const lo = BigInt.asUintN(bits, p), hi = BigInt.asUintN(bits, p >> BigInt(bits));
  const significant = signed ? p !== BigInt.asIntN(bits, p) : hi !== 0n;
  return { lo, hi, flags: significant ? CF | OF : 0 };
}

/** daa das aaa aas aam aad as the SDM's Operation sections have them (on AX, with CF and AF in). */
function bcd(kind: string, ax: number, flagsIn: number, imm = 10): { ax: number; want: Want } {
  let al = ax & 0xff, ah = (ax >> 8) & 0xff;
  const cfIn = flagsIn & CF, afIn = flagsIn & AF;
  let cf = 0, af = 0;
  if (kind === 'daa' || kind === 'das') {
    const oldAl = al;
    if ((al & 0xf) > 9 || afIn) {
      const t = kind === 'daa' ? al + 6 : al - 6;
      cf = cfIn || t > 0xff || t < 0 ? CF : 0;
      al = t & 0xff;
      af = AF;
    }
    if (oldAl > 0x99 || cfIn) { al = (kind === 'daa' ? al + 0x60 : al - 0x60) & 0xff; cf = CF; }
    else if (kind === 'daa') cf = 0;
    return { ax: (ah << 8) | al, want: { flags: cf | af | szp(BigInt(al), 8), defined: ALL & ~OF } };
  }
  if (kind === 'aaa' || kind === 'aas') {
    let axv = (ah << 8) | al;
    if ((al & 0xf) > 9 || afIn) {
      axv = kind === 'aaa' ? axv + 0x106 : ((axv - 6) & 0xffff) - 0x100;
      cf = CF; af = AF;
    }
    axv &= 0xffff;
    return { ax: (axv & 0xff00) | (axv & 0x0f), want: { flags: cf | af, defined: CF | AF } };
  }
  if (kind === 'aam') { ah = Math.floor(al / imm); al %= imm; }
  else { al = (al + ah * imm) & 0xff; ah = 0; }
  return { ax: (ah << 8) | al, want: { flags: szp(BigInt(al), 8), defined: SF | ZF | PF } };
}

// --- operands ------------------------------------------------------------------------------------------
const rnd = mulberry32(0x1386f1a9);
const EDGES = [
  0, 1, 2, 7, 8, 9, 0x0f, 0x10, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff,
  0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0x99, 0x9a, 0xa0, 0xf9, 0xfa,
];
const operands = (n: number): number[] => [...EDGES, ...Array.from({ length: n }, () => rnd() | 0)];
/** The flags going in: none, all, and random subsets. */
const randomFlags = (): number => rnd() & ALL;
/** 0x66 for 16-bit forms; the 8-bit form's opcode is one less. */
const sized = (bits: Bits, op: number, ...rest: number[]): number[] => (bits === 16 ? [0x66, op, ...rest] : bits === 8 ? [op - 1, ...rest] : [op, ...rest]);
const mask = (v: bigint | number, bits: number): bigint => BigInt.asUintN(bits, BigInt(v));
const hex = (v: number | bigint): string => `0x${BigInt.asUintN(32, BigInt(v)).toString(16)}`;

/** Compare `got` with the model's defined flags and result; the first mismatch as text. */
function check(what: string, got: { result: bigint; flags: number }, want: Want, bits: number): string | undefined {
  if (want.result !== undefined && mask(got.result, bits) !== want.result) return `${what}: result ${hex(got.result)}, model ${hex(want.result)}`;
  if ((got.flags & want.defined) !== (want.flags & want.defined)) {
    return `${what}: flags ${hex(got.flags & want.defined)}, model ${hex(want.flags & want.defined)} (defined ${hex(want.defined)})`;
  }
  return undefined;
}

function expectAll(t: { deepEqual: (a: unknown, b: unknown) => void; true: (v: boolean, m?: string) => void }, failures: string[], cases: number): void {
  t.deepEqual(failures.slice(0, 10), []);
  t.true(cases > 1000, `${cases} cases`);
}

// --- the tests -------------------------------------------------------------------------------------------
const ALU: [string, number, (a: number, b: number, cf: number, bits: Bits) => Want][] = [
  ['add', 0, (a, b, _c, bits) => addSub(a, b, 0, bits, false)],
  ['or', 1, (a, b, _c, bits) => logic(a, b, bits, 'or')],
  ['adc', 2, (a, b, c, bits) => addSub(a, b, c, bits, false)],
  ['sbb', 3, (a, b, c, bits) => addSub(a, b, c, bits, true)],
  ['and', 4, (a, b, _c, bits) => logic(a, b, bits, 'and')],
  ['sub', 5, (a, b, _c, bits) => addSub(a, b, 0, bits, true)],
  ['xor', 6, (a, b, _c, bits) => logic(a, b, bits, 'xor')],
  ['cmp', 7, (a, b, _c, bits) => ({ ...addSub(a, b, 0, bits, true), result: U(a, bits) })],
];

test('add adc sub sbb cmp and or xor (reg, reg and reg, imm) set the flags the SDM defines', (t) => {
  const failures: string[] = [];
  let cases = 0;
  const vals = operands(4);
  for (const [name, op, model] of ALU) for (const bits of SIZES) for (const a of vals) for (const b of vals) {
    const flagsIn = randomFlags();
    const cf = flagsIn & CF;
    const want = model(a, b, cf, bits);
    // op %ebx,%eax (ModRM d8: reg ebx, rm eax), and grp1 op $imm,%eax (81 /op, 80 for bytes).
    const imm = Number(mask(b, bits)), immBytes = Array.from({ length: bits / 8 }, (_, k) => (imm >>> (8 * k)) & 0xff);
    for (const [form, bytes] of [['reg', sized(bits, (op << 3) | 1, 0xd8)], ['imm', sized(bits, 0x81, 0xc0 | (op << 3), ...immBytes)]] as const) {
      const o = run([...bytes], { eax: a, ebx: b }, flagsIn);
      const err = check(`${name}${bits} ${form} ${hex(a)}, ${hex(b)} (flags ${hex(flagsIn)})`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
      if (err) failures.push(err);
      cases++;
    }
  }
  expectAll(t, failures, cases);
});

test('inc dec neg set the flags the SDM defines (inc and dec keep CF)', (t) => {
  const failures: string[] = [];
  let cases = 0;
  for (const bits of SIZES) for (const a of operands(200)) {
    const flagsIn = randomFlags();
    const inc = addSub(a, 1, 0, bits, false), dec = addSub(a, 1, 0, bits, true), neg = addSub(0, a, 0, bits, true);
    const keepCf = (w: Want): Want => ({ ...w, flags: (w.flags & ~CF) | (flagsIn & CF) });
    for (const [name, bytes, want] of [
      ['inc', sized(bits, 0xff, 0xc0), keepCf(inc)], ['dec', sized(bits, 0xff, 0xc8), keepCf(dec)], ['neg', sized(bits, 0xf7, 0xd8), neg],
    ] as const) {
      const o = run([...bytes], { eax: a }, flagsIn);
      const err = check(`${name}${bits} ${hex(a)} (flags ${hex(flagsIn)})`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
      if (err) failures.push(err);
      cases++;
    }
  }
  expectAll(t, failures, cases);
});

const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'] as const;
test('shl shr sar rol ror rcl rcr by cl, by 1 and by an immediate, every count 0..31, set the flags the SDM defines', (t) => {
  const failures: string[] = [];
  let cases = 0;
  const vals = operands(6);
  SHIFTS.forEach((name, kind) => {
    for (const bits of SIZES) for (let count = 0; count < 32; count++) for (const a of vals) {
      const flagsIn = randomFlags();
      const want = name === 'rol' || name === 'ror' || name === 'rcl' || name === 'rcr' ? rotate(name, a, count, bits, flagsIn)
        : shift(name === 'sal' ? 'shl' : name, a, count, bits, flagsIn);
      const forms: [string, number[], number][] = [
        ['cl', sized(bits, 0xd3, 0xc0 | (kind << 3)), (rnd() & ~0xff) | count], // the upper bits of ecx do not count
        ['imm', sized(bits, 0xc1, 0xc0 | (kind << 3), count + (rnd() % 8) * 32), 0], // nor the immediate's upper 3 bits
      ];
      if (count === 1) forms.push(['1', sized(bits, 0xd1, 0xc0 | (kind << 3)), 0]);
      for (const [form, bytes, ecx] of forms) {
        const o = run(bytes, { eax: a, ecx }, flagsIn);
        const err = check(`${name}${bits} ${form} ${hex(a)} by ${count} (flags ${hex(flagsIn)})`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
        if (err) failures.push(err);
        cases++;
      }
    }
  });
  expectAll(t, failures, cases);
});

test('shld shrd by cl and by an immediate set the flags the SDM defines', (t) => {
  const failures: string[] = [];
  let cases = 0;
  const vals = operands(4);
  for (const left of [true, false]) for (const bits of [16, 32] as const) for (let count = 0; count < 32; count++) for (const a of vals) {
    const b = vals[(rnd() >>> 0) % vals.length], flagsIn = randomFlags();
    const want = shxd(left, a, b, count, bits, flagsIn);
    const forms: [string, number[]][] = [
      ['cl', [...(bits === 16 ? [0x66] : []), 0x0f, left ? 0xa5 : 0xad, 0xd8]],
      ['imm', [...(bits === 16 ? [0x66] : []), 0x0f, left ? 0xa4 : 0xac, 0xd8, count]],
    ];
    for (const [form, bytes] of forms) {
      const o = run(bytes, { eax: a, ebx: b, ecx: count }, flagsIn);
      const err = check(`${left ? 'shld' : 'shrd'}${bits} ${form} ${hex(a)}, ${hex(b)} by ${count}`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
      if (err) failures.push(err);
      cases++;
    }
  }
  expectAll(t, failures, cases);
});

test('mul imul (one, two and three operands) give the product and CF = OF as the SDM defines', (t) => {
  const failures: string[] = [];
  let cases = 0;
  const vals = operands(10);
  for (const bits of SIZES) for (const a of vals) for (const b of vals) {
    const flagsIn = randomFlags();
    for (const signed of [false, true]) {
      const m = mulModel(a, b, bits, signed);
      // mul/imul %ebx (f7 /4, /5): AX, DX:AX or EDX:EAX.
      const o = run(sized(bits, 0xf7, signed ? 0xeb : 0xe3), { eax: a, ebx: b, edx: 0x5a5a5a5a }, flagsIn);
      const got = bits === 8 ? BigInt(o.eax & 0xffff) : (mask(o.edx, bits) << BigInt(bits)) | mask(o.eax, bits);
      const wantFull = bits === 8 ? (m.hi << 8n) | m.lo : (m.hi << BigInt(bits)) | m.lo;
      const err = check(`${signed ? 'imul' : 'mul'}${bits} ${hex(a)}, ${hex(b)}`, { result: got, flags: o.flags }, { result: wantFull, flags: m.flags, defined: CF | OF }, 2 * bits);
      if (err) failures.push(err);
      cases++;
      if (!signed || bits === 8) continue;
      // imul %ebx,%eax (0f af c3) and imul $imm,%ebx,%eax (69 c3 imm): the truncated product.
      const imm = Number(mask(b, bits)), immBytes = Array.from({ length: bits / 8 }, (_, k) => (imm >>> (8 * k)) & 0xff);
      for (const [form, bytes, regs] of [
        ['r', [...(bits === 16 ? [0x66] : []), 0x0f, 0xaf, 0xc3], { eax: a, ebx: b }],
        ['imm', [...(bits === 16 ? [0x66] : []), 0x69, 0xc3, ...immBytes], { eax: 0x5a5a5a5a, ebx: a }],
      ] as const) {
        const o2 = run([...bytes], regs, flagsIn);
        const err2 = check(`imul${bits} ${form} ${hex(a)}, ${hex(b)}`, { result: BigInt(o2.eax), flags: o2.flags }, { result: m.lo, flags: m.flags, defined: CF | OF }, bits);
        if (err2) failures.push(err2);
        cases++;
      }
    }
  }
  expectAll(t, failures, cases);
});

test('bt bts btr btc (register and immediate bit offsets) and bsf bsr set CF / ZF and the result as the SDM defines', (t) => {
  const failures: string[] = [];
  let cases = 0;
  const vals = operands(20);
  for (const bits of [16, 32] as const) for (const a of vals) {
    for (let k = 0; k < 8; k++) {
      const index = k < 4 ? [0, bits - 1, bits, rnd() & 0xff][k] : rnd() | 0;
      const flagsIn = randomFlags();
      const n = ((index % bits) + bits) % bits, m = 1n << BigInt(n), ua = U(a, bits);
      const cf = bit(ua, n) ? CF : 0;
      ['bt', 'bts', 'btr', 'btc'].forEach((name, op) => {
        const result = op === 0 ? ua : op === 1 ? ua | m : op === 2 ? ua & ~m : ua ^ m;
        const pre = bits === 16 ? [0x66] : [];
        // bt %ebx,%eax (0f a3 d8 + op << 3) and bt $imm8,%eax (0f ba /4+op).
        for (const [form, bytes] of [['r', [...pre, 0x0f, 0xa3 | (op << 3), 0xd8]], ['imm', [...pre, 0x0f, 0xba, 0xe0 | (op << 3), index & 0xff]]] as const) {
          const want: Want = form === 'imm' ? (() => {
            const ni = (index & 0xff) % bits, mi = 1n << BigInt(ni);
            return { result: op === 0 ? ua : op === 1 ? ua | mi : op === 2 ? ua & ~mi : ua ^ mi, flags: bit(ua, ni) ? CF : 0, defined: CF };
          })() : { result, flags: cf, defined: CF };
          const o = run([...bytes], { eax: a, ebx: index }, flagsIn);
          const err = check(`${name}${bits} ${form} ${hex(a)}, ${index}`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
          if (err) failures.push(err);
          cases++;
        }
      });
    }
    for (const [name, op] of [['bsf', 0xbc], ['bsr', 0xbd]] as const) {
      const flagsIn = randomFlags(), ua = U(a, bits);
      let index = -1;
      for (let i = 0; i < bits; i++) if (bit(ua, i)) { if (name === 'bsr' || index < 0) index = i; }
      const want: Want = ua === 0n ? { flags: ZF, defined: ZF } : { result: BigInt(index), flags: 0, defined: ZF };
      const o = run([...(bits === 16 ? [0x66] : []), 0x0f, op, 0xc3], { eax: 0x5a5a5a5a, ebx: a }, flagsIn);
      const err = check(`${name}${bits} ${hex(a)}`, { result: BigInt(o.eax), flags: o.flags }, want, bits);
      if (err) failures.push(err);
      cases++;
    }
  }
  expectAll(t, failures, cases);
});

test('daa das aaa aas aam aad give AL/AX and the flags the SDM defines, for every AL and CF/AF going in', (t) => {
  const failures: string[] = [];
  let cases = 0;
  for (const [name, bytes, imm] of [
    ['daa', [0x27], 10], ['das', [0x2f], 10], ['aaa', [0x37], 10], ['aas', [0x3f], 10],
    ['aam', [0xd4, 10], 10], ['aam', [0xd4, 16], 16], ['aam', [0xd4, 7], 7], ['aam', [0xd4, 1], 1], ['aam', [0xd4, 255], 255],
    ['aad', [0xd5, 10], 10], ['aad', [0xd5, 16], 16], ['aad', [0xd5, 0], 0], ['aad', [0xd5, 255], 255],
  ] as const) {
    for (let al = 0; al < 256; al++) for (const cfaf of [0, CF, AF, CF | AF]) {
      const ah = rnd() & 0xff, flagsIn = (randomFlags() & ~(CF | AF)) | cfaf;
      const eax = (rnd() & ~0xffff) | (ah << 8) | al;
      const m = bcd(name, (ah << 8) | al, flagsIn, imm);
      const o = run([...bytes], { eax }, flagsIn);
      // daa and das change AL only; the others AX; the upper half of EAX stays.
      const wantEax = name === 'daa' || name === 'das' ? (eax & ~0xff) | (m.ax & 0xff) : (eax & ~0xffff) | m.ax;
      const err = check(`${name} ${imm} ax ${hex((ah << 8) | al)} (flags ${hex(flagsIn)})`, { result: BigInt(o.eax), flags: o.flags }, { ...m.want, result: U(wantEax, 32) }, 32);
      if (err) failures.push(err);
      cases++;
    }
  }
  expectAll(t, failures, cases);
});
