/**
 * The x87 fast path (ops/i386/fpu-fast.ts) against the exact path (ops/i386/fpu.ts): the same
 * instruction from the same random state — registers holding doubles, 64-bit mantissas and
 * special values, the control word's precision and rounding varied, m64/m32 operands — must leave
 * the same FPU state words and memory with the fast path on and off. (The program tests compare
 * the exact path, and the fast path on the programs' own values, with qemu-i386.)
 */
import test from 'ava';
import { OpState } from '../ops/core.js';
import { FAST_PATH } from '../ops/i386/fpu-fast.js';
import { FPUC, FP_REGS, FPTAG, FPTOP, FPUS, X87, fpuInit, helper_fcomi, helper_fpu, x87Reg } from '../ops/i386/fpu.js';
import { mulberry32 } from './support/arm-random.js';
import { newMemory } from './support/op-harness.js';

const ADDR = 0x1000;

test('the x87 fast path leaves the same state as the exact path', (t) => {
  const s = new OpState(newMemory());
  const env = s.env;
  const mem = new DataView(s.memory.buffer);
  const rnd = mulberry32(0x87);
  const f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);
  const randomDouble = (): number => {
    const k = rnd() % 10;
    if (k === 0) return [0, -0, Infinity, -Infinity, NaN, 5e-324, 1e300, -1e-300][rnd() % 8];
    // Powers of two and their neighbours: results at a binade's edge, where the grid below is finer.
    if (k === 1) return (rnd() & 1 ? -1 : 1) * 2 ** ((rnd() % 80) - 40) * [1, 1 - 2 ** -53, 1 + 2 ** -52, 1 / 3][rnd() % 4];
    const x = (rnd() / 2 ** 32 + rnd() / 2 ** 64) * 2 ** ((rnd() % 200) - 100);
    return rnd() & 1 ? -x : x;
  };
  /** A register value: a double, or a random 64-bit mantissa near it. */
  const setReg = (i: number, x: number, full: boolean): void => {
    const phys = (env[FPTOP] + i) & 7, b = FP_REGS + 3 * phys;
    f64[0] = x;
    const e = (u32[1] >>> 20) & 0x7ff;
    if (e === 0 || e === 0x7ff || x === 0) {
      mem.setFloat64(ADDR, x, true);
      const top = env[FPTOP];
      helper_fpu(s, X87.FLD_M64, ADDR);
      // Move the loaded value to physical register `phys`.
      const from = FP_REGS + 3 * (env[FPTOP] & 7);
      for (let k = 0; k < 3; k++) env[b + k] = env[from + k];
      env[FPTOP] = top;
    } else {
      env[b] = full ? rnd() | 0 : ((u32[0] << 11) | 0);
      env[b + 1] = (0x80000000 | ((u32[1] & 0xfffff) << 11) | (u32[0] >>> 21)) | 0;
      env[b + 2] = ((u32[1] >>> 31) << 15) | (e - 1023 + 16383);
    }
    env[FPTAG] &= ~(1 << phys);
  };
  const ops: { name: string; op: () => number; fcomi?: boolean }[] = [
    { name: 'fld m64', op: () => X87.FLD_M64 },
    { name: 'fld m32', op: () => X87.FLD_M32 },
    { name: 'fild m32', op: () => X87.FILD_M32 },
    { name: 'fld1/fldz', op: () => (rnd() & 1 ? X87.FLD1 : X87.FLDZ) },
    { name: 'fst m64', op: () => X87.FST_M64 },
    { name: 'fstp m64', op: () => X87.FSTP_M64 },
    { name: 'arith m64', op: () => X87.ARITH_M64 + [0, 1, 4, 5, 6, 7][rnd() % 6] },
    { name: 'arith m32', op: () => X87.ARITH_M32 + [0, 1, 4, 5, 6, 7][rnd() % 6] },
    { name: 'arith st0,st(i)', op: () => x87Reg(X87.ARITH_ST0_STI + [0, 1, 4, 5, 6, 7][rnd() % 6], rnd() % 8) },
    { name: 'arith st(i),st0', op: () => x87Reg(X87.ARITH_STI_ST0 + [0, 1, 4, 5, 6, 7][rnd() % 6], rnd() % 8) },
    { name: 'arithp st(i),st0', op: () => x87Reg(X87.ARITH_STI_ST0_POP + [0, 1, 4, 5, 6, 7][rnd() % 6], 1 + (rnd() % 7)) },
    { name: 'fld st(i)', op: () => x87Reg(X87.FLD_STI, rnd() % 8) },
    { name: 'fstp st(i)', op: () => x87Reg(X87.FSTP_STI, rnd() % 8) },
    { name: 'fxch st(i)', op: () => x87Reg(X87.FXCH_STI, rnd() % 8) },
    { name: 'fcomi', op: () => ((rnd() % 8) << 3) | (rnd() % 4), fcomi: true },
  ];
  let cases = 0, changed = 0;
  const hitsBefore = FAST_PATH.hits;
  for (let n = 0; n < 40000; n++) {
    const o = ops[n % ops.length];
    fpuInit(env);
    env[FPUC] = 0x7f | [0x300, 0x300, 0x300, 0x200, 0x000][rnd() % 5] | (rnd() % 6 === 0 ? (rnd() % 4) << 10 : 0);
    env[FPTOP] = rnd() % 8;
    const values = Array.from({ length: 8 }, () => randomDouble());
    for (let i = 0; i < 8; i++) setReg(i, values[i], rnd() % 2 === 0);
    env[FPUS] = 0;
    // A quarter of the operands tiny beside st0: sums that round at st0's last places (and below a power of two).
    const opnd = rnd() % 4 === 0 ? values[0] * 2 ** -(50 + (rnd() % 20)) * (0.3 + rnd() / 2 ** 32) * (rnd() & 1 ? -1 : 1) : randomDouble();
    if (o.name.endsWith('m32')) mem.setFloat32(ADDR, opnd, true); else mem.setFloat64(ADDR, opnd, true);
    const op = o.op();
    const before = env.slice(0, 80), memBefore = new Uint8Array(s.memory.buffer, ADDR, 8).slice();
    const run = (enabled: boolean): { env: number[]; mem: number[]; ret: number } => {
      env.set(before);
      new Uint8Array(s.memory.buffer, ADDR, 8).set(memBefore);
      FAST_PATH.enabled = enabled;
      const ret = o.fcomi ? helper_fcomi(s, op) : (helper_fpu(s, op, ADDR), 0);
      FAST_PATH.enabled = true;
      return { env: [...env.slice(48, 80)], mem: [...new Uint8Array(s.memory.buffer, ADDR, 8)], ret };
    };
    const exact = run(false), withFast = run(true);
    if (JSON.stringify(exact) !== JSON.stringify(withFast)) {
      t.fail(`${o.name} (op ${op}) from cw ${env[FPUC].toString(16)}: exact ${JSON.stringify(exact)}, fast ${JSON.stringify(withFast)}`);
      return;
    }
    cases++;
    if (JSON.stringify(withFast.env) !== JSON.stringify([...before.slice(48, 80)])) changed++;
  }
  const hits = FAST_PATH.hits - hitsBefore;
  t.log(`${cases} cases agree; the fast path served ${hits} of them`);
  t.true(cases === 40000 && changed > 20000 && hits > 10000);
});
