/**
 * The random-instruction differential generator shared by test/arm-random.test.ts and the
 * fuzzer (scripts/fuzz/main.mjs, `--target random`): random ARM and Thumb instruction streams
 * (drawn from every decoder pattern, plus raw random words, valid and invalid) run from random
 * register, flag, mode and memory states in the JIT and in interpreter mode. After a fixed
 * number of blocks the two CPUs must agree on every state word, the instruction count, the
 * exceptions taken, all of RAM and a memory-like device above it (its pages are TLB_DEVICE
 * entries: every access takes the slow path). Halfway through a case the TLB is flushed or
 * not, at random, so that entries are filled again from a different state. A third of the
 * cases run with the MMU on, over random page tables, permissions, domains and S/R/A bits
 * (randomMmu).
 */
import { ArmCpu, loadArmTable } from '../../runtime/arm/cpu.js';
import { ARM_PATTERNS, disasArm } from '../../runtime/arm/decode-arm.js';
import { THUMB_PATTERNS, disasThumb } from '../../runtime/arm/decode-thumb.js';
import type { Pattern } from '../../runtime/decoder.js';
import type { DisasContext } from '../../runtime/arm/translate.js';
import { updateTbFlags, writeCpsr } from '../../ops/arm/modes.js';
import { ARM_STATE_WORDS, BANK, CP15_DACR, CP15_SCTLR, CP15_TTBR, CPSR_F, CPSR_I, USR_R8 } from '../../ops/arm/state.js';
import { assemble } from './arm-asm.js';
import { firstDifference, hex } from './arm-compare.js';

const RAM = 256 * 1024;
/** Code straddles the page boundary at 0x9000, so blocks are cut there. */
const CODE = 0x8c00;
const CODE_INSNS = 256;
const DATA = 0x10000;
const BLOCKS_PER_CASE = 24;
const MODES = [0x10, 0x11, 0x12, 0x13, 0x17, 0x1b, 0x1f];
/** A device that behaves like memory, right above RAM; above it nothing answers (data aborts). */
const DEVICE = RAM;
const DEVICE_BYTES = 0x2000;

/** Vectors that return to the interrupted code, so execution goes on after exceptions. */
const VECTORS = assemble(`
  b .            @ reset: not taken
  movs pc, lr    @ undefined instruction: resume after it
  movs pc, lr    @ swi
  b pabt
  subs pc, lr, #4  @ data abort: resume after the faulting instruction
  b .
  subs pc, lr, #4
  subs pc, lr, #4
pabt:
  mov lr, #0x8c00  @ a prefetch abort restarts the code (its address may be anywhere)
  movs pc, lr
`);

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A random encoding of `p`: fixed bits kept, every field and don't-care bit random. */
function fillPattern(p: Pattern<DisasContext>, rnd: () => number): number {
  const bits = p.pattern.replace(/\s+/g, '');
  let v = 0;
  const r = rnd();
  for (let i = 0; i < bits.length; i++) {
    const ch = bits[i];
    const bit = ch === '0' ? 0 : ch === '1' ? 1 : (r >>> (i % 32)) & 1;
    v = (v << 1) | bit;
  }
  return v >>> 0;
}

function randomArm(rnd: () => number): number {
  if (rnd() % 10 === 0) return rnd();
  const p = ARM_PATTERNS[rnd() % ARM_PATTERNS.length];
  let insn = fillPattern(p, rnd);
  if (p.pattern.startsWith('cccc')) {
    const cond = rnd() % 3 === 0 ? rnd() % 15 : 14;
    insn = ((insn & 0x0fffffff) | (cond << 28)) >>> 0;
  }
  // Keep branches near the code so that most of them land in it.
  if (p.name === 'b' || p.name === 'blx_imm') insn = ((insn & 0xff000000) | ((rnd() % 64 - 32) & 0xffffff)) >>> 0;
  return insn;
}

function randomThumb(rnd: () => number): number {
  if (rnd() % 10 === 0) return rnd() & 0xffff;
  return fillPattern(THUMB_PATTERNS[rnd() % THUMB_PATTERNS.length], rnd) & 0xffff;
}

export interface Case { ram: Uint8Array; env: Int32Array; mode: number; thumb: boolean; code: number[]; mmu?: { sctlr: number; dacr: number } }

/** Page tables of the MMU cases: a first-level table and a coarse table, in pages no mapping reaches. */
const L1_TABLE = 0x3c000, COARSE_TABLE = 0x3b000;

/**
 * A random MMU setting for a third of the cases: the first MiB as one section or as small pages
 * of a coarse table, identity-mapped with random permissions (the vectors and the code mostly
 * accessible), the page tables and everything above the device unmapped, a random domain and
 * DACR, and random S, R and A bits.
 */
function randomMmu(rnd: () => number, ram: Uint8Array): Case['mmu'] {
  if (rnd() % 3 !== 0) return undefined;
  const view = new DataView(ram.buffer);
  const domain = rnd() % 2;
  const ap = (): number => (rnd() % 4 === 0 ? rnd() % 4 : 3);
  for (let i = 0; i < 4096; i++) view.setUint32(L1_TABLE + 4 * i, 0, true);
  if (rnd() % 4 === 0) {
    view.setUint32(L1_TABLE, (ap() << 10) | (domain << 5) | 0x12, true);
  } else {
    view.setUint32(L1_TABLE, COARSE_TABLE | (domain << 5) | 0x11, true);
    for (let page = 0; page < 256; page++) {
      let e = 0;
      const inRam = page < COARSE_TABLE >>> 12;
      const device = page >= RAM >>> 12 && page < (DEVICE + DEVICE_BYTES) >>> 12;
      if (inRam || device) {
        const a = page === 0 || page === 8 || page === 9 ? [1, 3][rnd() % 2] : ap();
        e = (page << 12) | (a * 0x55 << 4) | 2;
      }
      view.setUint32(COARSE_TABLE + 4 * page, e >>> 0, true);
    }
  }
  const dacr = (rnd() % 8 === 0 ? rnd() % 4 : [1, 3][rnd() % 2]) << (2 * domain);
  const sctlr = 1 | (rnd() % 2 ? 1 << 8 : 0) | (rnd() % 2 ? 1 << 9 : 0) | (rnd() % 4 === 0 ? 2 : 0);
  return { sctlr, dacr };
}

export function makeCase(rnd: () => number, thumb: boolean): Case {
  const ram = new Uint8Array(RAM);
  for (let i = DATA; i < RAM; i += 4) new DataView(ram.buffer).setUint32(i, rnd(), true);
  ram.set(VECTORS, 0);
  const code: number[] = [];
  const view = new DataView(ram.buffer);
  for (let i = 0; i < CODE_INSNS; i++) {
    if (thumb) { const h = randomThumb(rnd); code.push(h); view.setUint16(CODE + 2 * i, h, true); }
    else { const w = randomArm(rnd); code.push(w); view.setUint32(CODE + 4 * i, w, true); }
  }
  const env = new Int32Array(ARM_STATE_WORDS);
  const word = (): number => {
    const k = rnd() % 8;
    if (k < 4) return DATA + (rnd() % (RAM - DATA - 256));     // a data address
    if (k === 4) return CODE + (rnd() % (CODE_INSNS * 2));      // into the code: self-modification
    if (k === 5) return rnd() % 64;                             // a small number or shift amount
    if (k === 6 && rnd() % 2) return DEVICE + (rnd() % (DEVICE_BYTES - 256)); // the device: the slow path
    return rnd() | 0;
  };
  for (let r = 0; r < 15; r++) env[r] = word();
  for (let i = BANK; i < USR_R8 + 5; i++) env[i] = word();
  return { ram, env, mode: MODES[rnd() % MODES.length], thumb, code, mmu: randomMmu(rnd, ram) };
}

export function load(cpu: ArmCpu, c: Case, flags: number): void {
  cpu.tbs.flush();
  cpu.reset();
  cpu.ram.set(c.ram);
  cpu.env.set(c.env.subarray(0, 15), 0);
  cpu.env.set(c.env.subarray(BANK, USR_R8 + 5), BANK);
  writeCpsr(cpu.env, (flags & 0xf8000000) | c.mode | CPSR_I | CPSR_F, -1);
  if (c.mmu) {
    cpu.env[CP15_TTBR] = L1_TABLE;
    cpu.env[CP15_DACR] = c.mmu.dacr;
    cpu.env[CP15_SCTLR] |= c.mmu.sctlr;
    updateTbFlags(cpu.env);
  }
  cpu.pc = CODE | (c.thumb ? 1 : 0);
}


export interface RandomRunOptions {
  thumb: boolean;
  seed: number;
  /** Stop once each engine has executed at least this many instructions. */
  minInsns: number;
  /** Called after every case with the running totals; return true to stop early. */
  progress?: (r: RandomRunResult) => boolean | void;
}

export interface RandomRunResult {
  seed: number;
  cases: number;
  executed: number;
  exceptions: number;
  /** The first disagreement: the seed, the case, the difference and the code's listing. */
  failure?: string;
}

/** Run random cases from `seed` until `minInsns` instructions or the first JIT/interpreter difference. */
export async function runRandomStreams(opts: RandomRunOptions): Promise<RandomRunResult> {
  const { thumb, seed } = opts;
  const table = await loadArmTable();
  const rnd = mulberry32(seed + (thumb ? 1 : 0));
  // Above RAM a memory-like device, then nothing: loads and stores take data aborts mid-block.
  const device = (mem: Uint8Array) => ({
    read: (a: number, n: number) => (a >= DEVICE && a + n <= DEVICE + DEVICE_BYTES
      ? new DataView(mem.buffer).getUint32(a - DEVICE, true) & (n === 4 ? -1 : (1 << (8 * n)) - 1) : undefined),
    write: (a: number, n: number, v: number) => {
      if (a < DEVICE || a + n > DEVICE + DEVICE_BYTES) return false;
      for (let i = 0; i < n; i++) mem[a - DEVICE + i] = v >>> (8 * i);
      return true;
    },
  });
  const jitDevice = new Uint8Array(DEVICE_BYTES + 4), interpDevice = new Uint8Array(DEVICE_BYTES + 4);
  // Every block compiled at once: the tiered default would interpret most of these short runs.
  const jit = new ArmCpu(table, { engine: 'jit', ramSize: RAM, bus: device(jitDevice), hotThreshold: 0 });
  const interp = new ArmCpu(table, { engine: 'interp', ramSize: RAM, bus: device(interpDevice) });
  const r: RandomRunResult = { seed, cases: 0, executed: 0, exceptions: 0 };
  while (r.executed < opts.minInsns) {
    const c = makeCase(rnd, thumb);
    const flags = rnd();
    const before = [jit.icount, interp.icount, jit.stats.exceptions];
    load(jit, c, flags);
    load(interp, c, flags);
    jitDevice.set(c.ram.subarray(DATA, DATA + DEVICE_BYTES));
    interpDevice.set(c.ram.subarray(DATA, DATA + DEVICE_BYTES));
    jit.run(BLOCKS_PER_CASE / 2);
    interp.run(BLOCKS_PER_CASE / 2);
    if (rnd() % 2) { jit.tlbFlush(); interp.tlbFlush(); }
    jit.run(BLOCKS_PER_CASE / 2);
    interp.run(BLOCKS_PER_CASE / 2);
    const deviceDiff = jitDevice.findIndex((b, i) => b !== interpDevice[i]);
    const diff = firstDifference(jit, interp) ?? (deviceDiff >= 0 ? `device byte ${hex(DEVICE + deviceDiff)}: jit ${jitDevice[deviceDiff]} interp ${interpDevice[deviceDiff]}` : undefined);
    if (diff) {
      const listing = c.code.slice(0, 48).map((w, i) => {
        const pc = CODE + i * (thumb ? 2 : 4);
        return `  ${hex(pc)}: ${hex(w)}  ${thumb ? disasThumb(w, pc) : disasArm(w, pc)}`;
      }).join('\n');
      r.failure = `SEED=${seed} case ${r.cases} (${thumb ? 'thumb' : 'arm'}, mode ${hex(c.mode)}${c.mmu ? `, MMU on, SCTLR ${hex(c.mmu.sctlr)} DACR ${hex(c.mmu.dacr)}` : ''}): ${diff}\n${listing}`;
      return r;
    }
    r.executed += jit.icount - before[0];
    r.exceptions += jit.stats.exceptions - before[2];
    r.cases++;
    if (opts.progress?.(r)) break;
  }
  return r;
}
