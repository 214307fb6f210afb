/**
 * An i386 instruction as the decoder parses it from the byte stream: prefixes, opcode, ModRM
 * and SIB with the effective address's parts, displacement and immediates. The decoder tables
 * (decode.ts) say per opcode what follows it; this holds what was found, as one flat record of
 * numbers that both an entry's translator and its disassembler read.
 */
import type { Fields } from '../decoder.js';

export interface Insn extends Fields {
  pc: number;
  /** Length in bytes. */
  len: number;
  /** The opcode byte (after 0x0f for the two-byte map) and whether it is of the two-byte map. */
  op: number;
  twoByte: number;
  /** 0x66: 16-bit operands; 0x67: 16-bit addresses. */
  opsize: number;
  adsize: number;
  /** A segment override (0..5: es cs ss ds fs gs), or -1. */
  seg: number;
  /** 0xf3 (rep/repz), 0xf2 (repnz), or 0. */
  rep: number;
  lock: number;
  /** ModRM: mod (3: a register operand), reg, rm; the memory operand's base and index registers (-1: none), scale (0..3), displacement. */
  mod: number;
  reg: number;
  rm: number;
  base: number;
  index: number;
  scale: number;
  disp: number;
  /** Whether a SIB byte was present (objdump shows %eiz for its empty index). */
  sib: number;
  /** Immediates (imm2: enter's second). */
  imm: number;
  imm2: number;
  /** Operand size in bytes (1, 2, 4). */
  size: number;
}

/** How an entry's immediate is encoded. */
export type ImmKind =
  | 'ib'    // 8 bits, zero-extended
  | 'ibs'   // 8 bits, sign-extended
  | 'iw'    // 16 bits
  | 'iz'    // operand size (16 or 32 bits)
  | 'is'    // the operand size of the instruction (8, 16 or 32 bits)
  | 'rel8'  // a jump displacement: imm = the target
  | 'relz'
  | 'moffs' // an absolute address of the address size (mov al/eax, moffs)
  | 'far'   // a far pointer: an offset of the operand size (imm), then a 16-bit selector (imm2)
  | 'enter';// iw then ib

/** What an entry's opcode is followed by. */
export interface OperandSpec {
  modrm?: boolean;
  /** The ModRM byte always names registers, whatever its mod (mov to and from control and debug registers). */
  modrmReg?: boolean;
  imm?: ImmKind;
  /** Operand size: 'w' the opcode's w bit (0: byte), 'b' byte, 'v' (the default) 16/32 by prefix, 'l' always 32, 'x' word or dword by prefix regardless of w. */
  size?: 'w' | 'b' | 'v' | 'l' | 'x';
}

/** Reads code bytes; undefined where nothing executable is. */
export type ByteReader = (addr: number) => number | undefined;

/** Thrown by parse when the instruction runs into memory that is not executable. */
export class FetchFault extends Error {
  constructor(readonly addr: number) { super(`fetch fault at ${addr.toString(16)}`); }
}
/** Thrown when the bytes are no valid instruction (too long, a bad prefix combination). */
export class InvalidInsn extends Error {}

/** A cursor over the code bytes of one instruction. */
export class InsnReader {
  pos: number;
  constructor(private readonly read: ByteReader, readonly start: number) { this.pos = start; }
  u8(): number {
    if (this.pos - this.start >= 15) throw new InvalidInsn('longer than 15 bytes');
    const b = this.read(this.pos >>> 0);
    if (b === undefined) throw new FetchFault(this.pos >>> 0);
    this.pos++;
    return b;
  }
  /** The next byte without consuming it, or 0 where nothing is mapped (it only selects a table entry). */
  peek(): number { return this.read(this.pos >>> 0) ?? 0; }
  s8(): number { return (this.u8() << 24) >> 24; }
  u16(): number { return this.u8() | (this.u8() << 8); }
  i32(): number { return this.u8() | (this.u8() << 8) | (this.u8() << 16) | (this.u8() << 24); }
}

/** 16-bit addressing (0x67): the base and index registers of each rm (bx+si bx+di bp+si bp+di si di bp bx). */
const RM16: [number, number][] = [[3, 6], [3, 7], [5, 6], [5, 7], [6, -1], [7, -1], [5, -1], [3, -1]];

/** Fill `d`'s ModRM fields from the reader (32-bit addressing, or 16-bit with the 0x67 prefix). */
export function parseModrm(r: InsnReader, d: Insn, regOnly = false): void {
  const m = r.u8();
  d.mod = m >>> 6; d.reg = (m >>> 3) & 7; d.rm = m & 7;
  d.base = -1; d.index = -1; d.scale = 0; d.disp = 0; d.sib = 0;
  if (d.mod === 3 || regOnly) return;
  if (d.adsize) {
    // No SIB; mod 0 rm 6 is a bare 16-bit address; displacements are sign-extended, the sum wraps at 64 KiB (genAddr).
    if (d.mod === 0 && d.rm === 6) { d.disp = r.u16(); return; }
    [d.base, d.index] = RM16[d.rm];
    if (d.mod === 1) d.disp = r.s8();
    else if (d.mod === 2) d.disp = (r.u16() << 16) >> 16;
    return;
  }
  let base = d.rm;
  if (d.rm === 4) {
    const sib = r.u8();
    d.sib = 1;
    d.scale = sib >>> 6;
    const index = (sib >>> 3) & 7;
    d.index = index === 4 ? -1 : index;
    base = sib & 7;
    if (base === 5 && d.mod === 0) { d.base = -1; d.disp = r.i32(); return; }
    d.base = base;
  } else if (d.rm === 5 && d.mod === 0) {
    d.disp = r.i32();
    return;
  } else d.base = base;
  if (d.mod === 1) d.disp = r.s8();
  else if (d.mod === 2) d.disp = r.i32();
}

/** Read the immediate of kind `k` into `d`. */
export function parseImm(r: InsnReader, d: Insn, k: ImmKind): void {
  switch (k) {
    case 'ib': d.imm = r.u8(); break;
    case 'ibs': d.imm = r.s8(); break;
    case 'iw': d.imm = r.u16(); break;
    case 'iz': d.imm = d.opsize ? r.u16() : r.i32(); break;
    case 'is': d.imm = d.size === 1 ? r.u8() : d.size === 2 ? r.u16() : r.i32(); break;
    case 'rel8': { const rel = r.s8(); d.imm = (r.pos + rel) | 0; break; }
    case 'relz': {
      const rel = d.opsize ? (r.u16() << 16) >> 16 : r.i32();
      d.imm = d.opsize ? (r.pos + rel) & 0xffff : (r.pos + rel) | 0;
      break;
    }
    case 'moffs': d.imm = d.adsize ? r.u16() : r.i32(); break;
    case 'enter': d.imm = r.u16(); d.imm2 = r.u8(); break;
    case 'far': d.imm = d.opsize ? r.u16() : r.i32(); d.imm2 = r.u16(); break;
  }
}

/** A fresh record with the fields every instruction has. */
export function emptyInsn(pc: number): Insn {
  return {
    pc, len: 0, op: 0, twoByte: 0, opsize: 0, adsize: 0, seg: -1, rep: 0, lock: 0,
    mod: 3, reg: 0, rm: 0, base: -1, index: -1, scale: 0, disp: 0, sib: 0, imm: 0, imm2: 0, size: 4,
  };
}
