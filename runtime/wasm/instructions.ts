/**
 * A small WebAssembly instruction decoder for function bodies: MVP, sign extension and
 * the 0xfc prefix. Shared by the snippet extractor (gen/), the code generator's checks and
 * every disassembly the project prints (`dynwasm ops`, `-d out_asm`), so they cannot disagree.
 */
import { readSleb32, readSleb64, readUleb } from './leb.js';

export type Immediate =
  | { kind: 'none' }
  | { kind: 'blocktype'; type: number }
  | { kind: 'index'; index: number }
  | { kind: 'brtable'; labels: number[]; fallback: number }
  | { kind: 'callindirect'; type: number; table: number }
  | { kind: 'memarg'; align: number; offset: number }
  | { kind: 'i32'; value: number }
  | { kind: 'i64'; value: bigint }
  | { kind: 'f32'; value: number }
  | { kind: 'f64'; value: number }
  | { kind: 'bytes'; bytes: number[] };

export interface Instruction {
  /** Opcode; 0xfc-prefixed ones are 0xfc00 | subopcode. */
  opcode: number;
  name: string;
  imm: Immediate;
  /** Byte offset of the instruction and of its immediate (where a hole would start). */
  start: number;
  immStart: number;
  end: number;
}

type ImmKind = 'none' | 'blocktype' | 'label' | 'brtable' | 'func' | 'callindirect' | 'local' | 'global'
  | 'memarg' | 'memory' | 'i32' | 'i64' | 'f32' | 'f64' | 'selectt';

const OPS = new Map<number, [string, ImmKind]>();
function def(op: number, name: string, imm: ImmKind = 'none'): void { OPS.set(op, [name, imm]); }

def(0x00, 'unreachable'); def(0x01, 'nop');
def(0x02, 'block', 'blocktype'); def(0x03, 'loop', 'blocktype'); def(0x04, 'if', 'blocktype');
def(0x05, 'else'); def(0x0b, 'end');
def(0x0c, 'br', 'label'); def(0x0d, 'br_if', 'label'); def(0x0e, 'br_table', 'brtable');
def(0x0f, 'return'); def(0x10, 'call', 'func'); def(0x11, 'call_indirect', 'callindirect');
def(0x12, 'return_call', 'func'); def(0x13, 'return_call_indirect', 'callindirect');
def(0x1a, 'drop'); def(0x1b, 'select'); def(0x1c, 'select', 'selectt');
def(0x20, 'local.get', 'local'); def(0x21, 'local.set', 'local'); def(0x22, 'local.tee', 'local');
def(0x23, 'global.get', 'global'); def(0x24, 'global.set', 'global');
[
  'i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
  'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u',
  'i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32',
].forEach((n, i) => def(0x28 + i, n, 'memarg'));
def(0x3f, 'memory.size', 'memory'); def(0x40, 'memory.grow', 'memory');
def(0x41, 'i32.const', 'i32'); def(0x42, 'i64.const', 'i64'); def(0x43, 'f32.const', 'f32'); def(0x44, 'f64.const', 'f64');
[
  'i32.eqz', 'i32.eq', 'i32.ne', 'i32.lt_s', 'i32.lt_u', 'i32.gt_s', 'i32.gt_u', 'i32.le_s', 'i32.le_u', 'i32.ge_s', 'i32.ge_u',
  'i64.eqz', 'i64.eq', 'i64.ne', 'i64.lt_s', 'i64.lt_u', 'i64.gt_s', 'i64.gt_u', 'i64.le_s', 'i64.le_u', 'i64.ge_s', 'i64.ge_u',
  'f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge', 'f64.eq', 'f64.ne', 'f64.lt', 'f64.gt', 'f64.le', 'f64.ge',
  'i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.add', 'i32.sub', 'i32.mul', 'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u',
  'i32.and', 'i32.or', 'i32.xor', 'i32.shl', 'i32.shr_s', 'i32.shr_u', 'i32.rotl', 'i32.rotr',
  'i64.clz', 'i64.ctz', 'i64.popcnt', 'i64.add', 'i64.sub', 'i64.mul', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u',
  'i64.and', 'i64.or', 'i64.xor', 'i64.shl', 'i64.shr_s', 'i64.shr_u', 'i64.rotl', 'i64.rotr',
  'f32.abs', 'f32.neg', 'f32.ceil', 'f32.floor', 'f32.trunc', 'f32.nearest', 'f32.sqrt', 'f32.add', 'f32.sub', 'f32.mul',
  'f32.div', 'f32.min', 'f32.max', 'f32.copysign',
  'f64.abs', 'f64.neg', 'f64.ceil', 'f64.floor', 'f64.trunc', 'f64.nearest', 'f64.sqrt', 'f64.add', 'f64.sub', 'f64.mul',
  'f64.div', 'f64.min', 'f64.max', 'f64.copysign',
  'i32.wrap_i64', 'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u',
  'i64.extend_i32_s', 'i64.extend_i32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
  'f32.convert_i32_s', 'f32.convert_i32_u', 'f32.convert_i64_s', 'f32.convert_i64_u', 'f32.demote_f64',
  'f64.convert_i32_s', 'f64.convert_i32_u', 'f64.convert_i64_s', 'f64.convert_i64_u', 'f64.promote_f32',
  'i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64',
  'i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s',
].forEach((n, i) => def(0x45 + i, n));
[
  'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
  'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u',
].forEach((n, i) => def(0xfc00 + i, n));

/** Opcodes the extractor and code generator refer to by name. */
export const OP = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d,
  br_table: 0x0e, return: 0x0f, call: 0x10, call_indirect: 0x11, local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_or: 0x72, i32_xor: 0x73, i32_and: 0x71, i32_shr_u: 0x76, i32_shl: 0x74, i32_sub: 0x6b, i32_ne: 0x47,
  global_get: 0x23, global_set: 0x24, i32_load: 0x28, i32_store: 0x36, i32_const: 0x41, i64_const: 0x42,
  i32_mul: 0x6c, i32_eqz: 0x45, i32_eq: 0x46, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_ge_s: 0x4e, i32_ge_u: 0x4f, i32_add: 0x6a,
  drop: 0x1a, return_call: 0x12, return_call_indirect: 0x13,
} as const;

/** Decode the instruction at `pos`. Throws on anything outside the supported set. */
export function decodeInstruction(code: Uint8Array, pos: number): Instruction {
  const start = pos;
  let opcode = code[pos++];
  if (opcode === 0xfc) {
    const sub = readUleb(code, pos);
    pos = sub.next;
    opcode = 0xfc00 | sub.value;
  }
  const info = OPS.get(opcode);
  if (!info) throw new Error(`unsupported WebAssembly opcode 0x${opcode.toString(16)} at byte ${start}`);
  const [name, kind] = info;
  const immStart = pos;
  let imm: Immediate = { kind: 'none' };
  switch (kind) {
    case 'none': break;
    case 'blocktype': {
      const b = code[pos];
      if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c) { imm = { kind: 'blocktype', type: b }; pos++; }
      else { const r = readSleb32(code, pos); imm = { kind: 'blocktype', type: -1 - r.value }; pos = r.next; }
      break;
    }
    case 'label': case 'func': case 'local': case 'global': {
      const r = readUleb(code, pos); imm = { kind: 'index', index: r.value }; pos = r.next; break;
    }
    case 'brtable': {
      let r = readUleb(code, pos); pos = r.next;
      const labels: number[] = [];
      for (let i = 0, n = r.value; i < n; i++) { r = readUleb(code, pos); labels.push(r.value); pos = r.next; }
      r = readUleb(code, pos); pos = r.next;
      imm = { kind: 'brtable', labels, fallback: r.value };
      break;
    }
    case 'callindirect': {
      const t = readUleb(code, pos); const tb = readUleb(code, t.next);
      imm = { kind: 'callindirect', type: t.value, table: tb.value }; pos = tb.next; break;
    }
    case 'memarg': {
      const a = readUleb(code, pos); const o = readUleb(code, a.next);
      imm = { kind: 'memarg', align: a.value, offset: o.value }; pos = o.next; break;
    }
    case 'memory': imm = { kind: 'bytes', bytes: [code[pos]] }; pos++; break;
    case 'i32': { const r = readSleb32(code, pos); imm = { kind: 'i32', value: r.value }; pos = r.next; break; }
    case 'i64': { const r = readSleb64(code, pos); imm = { kind: 'i64', value: r.value }; pos = r.next; break; }
    case 'f32': imm = { kind: 'f32', value: new DataView(code.buffer, code.byteOffset + pos, 4).getFloat32(0, true) }; pos += 4; break;
    case 'f64': imm = { kind: 'f64', value: new DataView(code.buffer, code.byteOffset + pos, 8).getFloat64(0, true) }; pos += 8; break;
    case 'selectt': {
      const n = readUleb(code, pos); pos = n.next;
      imm = { kind: 'bytes', bytes: Array.from(code.subarray(pos, pos + n.value)) }; pos += n.value; break;
    }
  }
  if (pos > code.length) throw new Error(`truncated instruction ${name} at byte ${start}`);
  return { opcode, name, imm, start, immStart, end: pos };
}

/** Decode a whole instruction sequence. */
export function decodeAll(code: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  for (let pos = 0; pos < code.length;) {
    const ins = decodeInstruction(code, pos);
    out.push(ins);
    pos = ins.end;
  }
  return out;
}

const VALTYPE: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** Render one instruction as WebAssembly text (flat form, without indentation). */
export function instructionText(ins: Instruction, names?: { func?: (i: number) => string; local?: (i: number) => string; global?: (i: number) => string }): string {
  const imm = ins.imm;
  switch (imm.kind) {
    case 'none': return ins.name;
    case 'blocktype': return imm.type === 0x40 ? ins.name : imm.type >= 0 ? `${ins.name} (result ${VALTYPE[imm.type]})` : `${ins.name} (type ${-1 - imm.type})`;
    case 'index': {
      const f = ins.opcode === OP.call ? names?.func : ins.opcode >= 0x20 && ins.opcode <= 0x22 ? names?.local
        : ins.opcode === 0x23 || ins.opcode === 0x24 ? names?.global : undefined;
      return `${ins.name} ${f ? f(imm.index) : imm.index}`;
    }
    case 'brtable': return `${ins.name} ${imm.labels.join(' ')} ${imm.fallback}`;
    case 'callindirect': return `${ins.name} (type ${imm.type})`;
    case 'memarg': return `${ins.name}${imm.offset ? ` offset=${imm.offset}` : ''} align=${2 ** imm.align}`;
    case 'i32': return `${ins.name} ${imm.value}`;
    case 'i64': return `${ins.name} ${imm.value}`;
    case 'f32': case 'f64': return `${ins.name} ${imm.value}`;
    case 'bytes': return ins.name;
  }
}

/** Indented WebAssembly text for a body (block structure shown by indentation). */
export function disassemble(code: Uint8Array, names?: Parameters<typeof instructionText>[1]): string[] {
  const lines: string[] = [];
  let depth = 0;
  for (const ins of decodeAll(code)) {
    if (ins.opcode === OP.end || ins.opcode === OP.else) depth = Math.max(0, depth - 1);
    lines.push('  '.repeat(depth) + instructionText(ins, names));
    if (ins.opcode === OP.block || ins.opcode === OP.loop || ins.opcode === OP.if || ins.opcode === OP.else) depth++;
  }
  return lines;
}
