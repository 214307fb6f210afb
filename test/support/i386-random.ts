/**
 * The i386 random-instruction differential generator (test/i386-random.test.ts): random x86
 * byte streams — every opcode-map entry with random fields, operands and prefixes (operand
 * and address size, segment overrides, rep/repnz, lock), plus raw random bytes — run from random register,
 * flag and memory states (now and then with ds and es based: TBF_ADDSEG; memory below 64 KiB for
 * 16-bit addresses) in the JIT and in interpreter mode, which must agree on every state
 * word (registers, eip, the lazy flags, DF, segments), the instruction count, the exceptions
 * taken with their addresses, and the code and data memory. An exception is recorded and
 * execution resumes at an instruction start chosen by the number of exceptions so far (the same
 * in both engines). The code pages are writable too, and a few registers point into them, so
 * that self-modifying stores are part of the streams.
 */
import { I386Cpu, loadI386Table, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../runtime/i386/cpu.js';
import { ONE_BYTE, TWO_BYTE, disasInsn, parseInsn, type X86Pattern } from '../../runtime/i386/decode.js';
import { CC_OP, CC_OP_EFLAGS, CC_SRC, DF, EIP, FAULT_ADDR, I386_STATE_WORDS, SEG_BASE, TB_FLAGS, TBF_ADDSEG } from '../../ops/i386/state.js';
import { mulberry32 } from './arm-random.js';

const CODE = 0x10f00;          // the code straddles the page boundary at 0x11000
const CODE_BYTES = 0x500;
const DATA = 0x20000, DATA_BYTES = 0x10000;
/** Memory below 64 KiB, where 16-bit addresses (the 0x67 prefix) land. */
const LOW = 0x1000, LOW_BYTES = 0xf000;
const BLOCKS_PER_CASE = 48;
/** Random states each instruction stream runs from. */
const STATES_PER_CODE = 8;
export const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

function fillPattern(p: X86Pattern, rnd: () => number): number {
  let v = 0;
  for (const ch of p.pattern.replace(/\s+/g, '')) v = (v << 1) | (ch === '0' ? 0 : ch === '1' ? 1 : rnd() & 1);
  return v;
}

/** One random instruction's bytes: an entry's encoding with random fields, prefixes and operand bytes, or raw bytes. */
function randomInsn(rnd: () => number): number[] {
  if (rnd() % 12 === 0) return Array.from({ length: 1 + rnd() % 6 }, () => rnd() & 0xff);
  const twoByte = rnd() % 3 === 0;
  const table = twoByte ? TWO_BYTE : ONE_BYTE;
  const p = table[rnd() % table.length];
  const v = fillPattern(p, rnd);
  const prefixes: number[] = [];
  if (rnd() % 4 === 0) prefixes.push(0x66);
  if (rnd() % 8 === 0) prefixes.push(0x67);
  if (rnd() % 8 === 0) prefixes.push([0x64, 0x65, 0x26, 0x3e][rnd() % 4]);
  if (rnd() % 6 === 0) prefixes.push(rnd() % 2 ? 0xf3 : 0xf2);
  if (rnd() % 16 === 0) prefixes.push(0xf0);
  let modrm = v & 0xff;
  // Memory operands mostly through a base register with a small displacement, so that they hit the data.
  if (p.modrm && (modrm >> 6) === 2 && rnd() % 4 !== 0) modrm = (modrm & 0x3f) | 0x40;
  const tail = Array.from({ length: 12 }, () => (rnd() % 3 === 0 ? rnd() % 16 : rnd() & 0xff));
  // Near jumps and calls mostly stay near the code (a 32-bit displacement of -128..127).
  if (p.imm === 'relz' && rnd() % 4 !== 0) { const rel = (rnd() % 256) - 128; tail.splice(0, 4, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >> 24) & 0xff); }
  const bytes = [...prefixes, ...(twoByte ? [0x0f] : []), v >> 8, ...(p.modrm ? [modrm] : []), ...(p.modrm ? tail : [modrm, ...tail])];
  const len = parseInsnLength(bytes);
  return bytes.slice(0, len);
}

function parseInsnLength(bytes: number[]): number {
  try {
    return Math.max(1, parseInsn((a) => bytes[a], 0).d.len);
  } catch {
    return Math.min(bytes.length, 15);
  }
}

export interface I386Code { code: Uint8Array; starts: number[] }
export interface I386Case extends I386Code { data: Uint8Array; low: Uint8Array; regs: number[]; flags: number; df: number; fs: number; gs: number; ds: number; es: number }

/** A random instruction stream, run from several random states (its blocks are translated and compiled once). */
export function makeCode(rnd: () => number): I386Code {
  const code = new Uint8Array(CODE_BYTES);
  const starts: number[] = [];
  let at = 0;
  for (;;) {
    const insn = randomInsn(rnd);
    if (at + insn.length > CODE_BYTES - 16) break;
    starts.push(CODE + at);
    code.set(insn, at);
    at += insn.length;
  }
  for (let i = at; i < CODE_BYTES; i++) code[i] = 0xf4; // hlt: a fault, not a slide into nothing
  return { code, starts };
}

export function makeCase(rnd: () => number, { code, starts }: I386Code): I386Case {
  const data = Uint8Array.from({ length: DATA_BYTES }, () => rnd() & 0xff);
  const word = (): number => {
    const k = rnd() % 8;
    if (k < 4) return DATA + 0x100 + (rnd() % (DATA_BYTES - 0x200));
    if (k === 4) return rnd() % 64;
    if (k === 5 && rnd() % 4 === 0) return CODE + (rnd() % CODE_BYTES);
    return rnd() | 0;
  };
  const regs = Array.from({ length: 8 }, word);
  regs[1] = rnd() % 2 ? rnd() % 40 : regs[1]; // ecx: often a short rep count
  regs[4] = DATA + 0x8000 + (rnd() % 0x4000) * 2; // esp: in the data
  const low = Uint8Array.from({ length: LOW_BYTES }, () => rnd() & 0xff);
  // Now and then ds and es with non-zero bases (a TLS descriptor loaded into them: TBF_ADDSEG).
  const based = rnd() % 8 === 0;
  return {
    code, starts, data, low, regs, flags: rnd() & 0x8d5, df: rnd() % 4 === 0 ? -1 : 1, fs: DATA + rnd() % 0x1000, gs: DATA + 0x1000 + rnd() % 0x1000,
    ds: based ? rnd() % 0x2000 : 0, es: based ? rnd() % 0x2000 : 0,
  };
}

interface Engine { cpu: I386Cpu; exceptions: string[]; case?: I386Case }

function makeEngine(table: Awaited<ReturnType<typeof loadI386Table>>, engine: 'jit' | 'interp'): Engine {
  const prot = new Uint8Array(1 << 20);
  for (let p = CODE >>> 12; p <= (CODE + CODE_BYTES - 1) >>> 12; p++) prot[p] = PROT_READ | PROT_WRITE | PROT_EXEC;
  for (let p = DATA >>> 12; p < (DATA + DATA_BYTES) >>> 12; p++) prot[p] = PROT_READ | PROT_WRITE;
  for (let p = LOW >>> 12; p < (LOW + LOW_BYTES) >>> 12; p++) prot[p] = PROT_READ | PROT_WRITE;
  const e: Engine = { cpu: undefined as unknown as I386Cpu, exceptions: [] };
  e.cpu = new I386Cpu(table, {
    engine, pageProt: prot, hotThreshold: engine === 'jit' ? 0 : undefined,
    onException: (cpu, excp) => {
      e.exceptions.push(`${excp}@${hex(cpu.eip)}:${hex(cpu.env[FAULT_ADDR])}`);
      const starts = e.case!.starts;
      cpu.eip = starts[(e.exceptions.length * 7919) % starts.length];
      return true;
    },
  });
  return e;
}

/** Load a case; its code replaces the last case's only where it differs (a new stream, or one the last state modified). */
function load(e: Engine, c: I386Case, newCode: boolean): void {
  const cpu = e.cpu;
  if (newCode) cpu.tbs.flush();
  cpu.reset();
  e.exceptions = [];
  e.case = c;
  const u8 = new Uint8Array(cpu.memory.buffer);
  if (Buffer.compare(u8.subarray(CODE, CODE + CODE_BYTES), c.code) !== 0) cpu.writeHost(CODE, c.code);
  u8.set(c.data, DATA);
  u8.set(c.low, LOW);
  cpu.env.set(c.regs, 0);
  cpu.env[CC_OP] = CC_OP_EFLAGS;
  cpu.env[CC_SRC] = c.flags;
  cpu.env[DF] = c.df;
  cpu.env[SEG_BASE + 4] = c.fs;
  cpu.env[SEG_BASE + 5] = c.gs;
  cpu.env[SEG_BASE + 3] = c.ds;
  cpu.env[SEG_BASE + 0] = c.es;
  cpu.env[TB_FLAGS] = c.ds | c.es ? TBF_ADDSEG : 0;
  cpu.eip = CODE;
}

function firstDifference(a: Engine, b: Engine): string | undefined {
  for (let i = 0; i < I386_STATE_WORDS; i++) {
    if (a.cpu.env[i] !== b.cpu.env[i]) return `env word ${i}: jit ${hex(a.cpu.env[i])}, interp ${hex(b.cpu.env[i])}`;
  }
  if (a.cpu.icount !== b.cpu.icount) return `instruction count: jit ${a.cpu.icount}, interp ${b.cpu.icount}`;
  if (a.exceptions.join() !== b.exceptions.join()) return `exceptions: jit ${a.exceptions.join(' ')}, interp ${b.exceptions.join(' ')}`;
  const ma = new Uint8Array(a.cpu.memory.buffer), mb = new Uint8Array(b.cpu.memory.buffer);
  for (const [start, len] of [[CODE, CODE_BYTES], [DATA, DATA_BYTES], [LOW, LOW_BYTES]]) {
    for (let i = start; i < start + len; i++) if (ma[i] !== mb[i]) return `memory at ${hex(i)}: jit ${ma[i]}, interp ${mb[i]}`;
  }
  return undefined;
}

export interface I386RandomResult { seed: number; cases: number; executed: number; exceptions: number; failure?: string }

/**
 * Run random cases from `seed` until each engine has executed `minInsns` instructions, or the
 * first difference; `progress` (scripts/fuzz's long runs) sees the counts now and then and may
 * stop the run by returning true.
 */
export async function runI386RandomStreams(seed: number, minInsns: number, progress?: (r: I386RandomResult) => boolean): Promise<I386RandomResult> {
  const table = await loadI386Table();
  const rnd = mulberry32(seed);
  const jit = makeEngine(table, 'jit'), interp = makeEngine(table, 'interp');
  const r: I386RandomResult = { seed, cases: 0, executed: 0, exceptions: 0 };
  let code = makeCode(rnd);
  while (r.executed < minInsns) {
    const newCode = r.cases % STATES_PER_CODE === 0;
    if (newCode && r.cases) code = makeCode(rnd);
    const c = makeCase(rnd, code);
    const before = jit.cpu.icount;
    load(jit, c, newCode);
    load(interp, c, newCode);
    jit.cpu.run(BLOCKS_PER_CASE);
    interp.cpu.run(BLOCKS_PER_CASE);
    const diff = firstDifference(jit, interp);
    if (diff) {
      const read = (a: number): number | undefined => (a >= CODE && a < CODE + CODE_BYTES ? c.code[a - CODE] : undefined);
      const listing = c.starts.slice(0, 40).map((pc) => {
        const d = disasInsn(read, pc);
        return `  ${hex(pc)}: ${Array.from(c.code.subarray(pc - CODE, pc - CODE + d.len), (b) => b.toString(16).padStart(2, '0')).join(' ')}  ${d.text}`;
      }).join('\n');
      r.failure = `SEED=${seed} case ${r.cases}: ${diff}\n  jit exceptions: ${jit.exceptions.join(' ')}\n${listing}`;
      return r;
    }
    r.executed += jit.cpu.icount - before;
    r.exceptions += jit.exceptions.length;
    r.cases++;
    if (progress && r.cases % 64 === 0 && progress(r)) break;
  }
  return r;
}
